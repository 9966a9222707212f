(function () {
  "use strict";
  var all = function (selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); };
  var filters = all("select[data-filter]");
  var view = document.getElementById("f-view");
  var shown = document.getElementById("f-shown");

  function showView(name) {
    all(".view").forEach(function (v) { v.hidden = v.id !== name; });
  }

  // Rows and groups are looked up once: sorting moves rows but never adds or removes one.
  var rows = all("tr.finding");
  var listRows = all("#all-findings tr.finding");
  var groups = all(".view .group").map(function (group) {
    return { el: group, rows: all("tr.finding", group) };
  });
  var filtered = false;

  function applyFilters() {
    var wanted = {};
    filters.forEach(function (s) { if (s.value) { wanted[s.getAttribute("data-filter")] = s.value; } });
    var keys = Object.keys(wanted);
    if (!keys.length && !filtered) { return; }  // nothing chosen, nothing hidden: no work
    filtered = keys.length > 0;
    rows.forEach(function (row) {
      var match = keys.every(function (key) { return row.getAttribute("data-" + key) === wanted[key]; });
      if (row.hidden === match) { row.hidden = !match; }
    });
    groups.forEach(function (group) {
      var empty = !group.rows.some(function (r) { return !r.hidden; });
      if (group.el.hidden !== empty) { group.el.hidden = empty; }
    });
    if (shown) {
      var visible = listRows.filter(function (r) { return !r.hidden; }).length;
      shown.textContent = visible + " of " + listRows.length + " shown";
    }
  }

  function cellKey(row, index, numeric) {
    var cell = row.cells[index];
    var key = cell.hasAttribute("data-key") ? cell.getAttribute("data-key") : cell.textContent.trim();
    return numeric ? Number(key) || 0 : key;
  }

  function sortBy(th) {
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute("data-sort") === "num";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    all("th[aria-sort]", table).forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    // The one list's rows sit in chunks of tables under one header table: sort them all.
    var list = table.classList.contains("list-head") ? table.parentNode : null;
    var bodies = list ? all(".list-part tbody", list) : [table.tBodies[0]];
    var rows = [];
    bodies.forEach(function (body) { rows = rows.concat(Array.prototype.slice.call(body.rows)); });
    var keys = rows.map(function (row, i) { return { row: row, key: cellKey(row, index, numeric), order: i }; });
    keys.sort(function (a, b) {
      var c = numeric ? a.key - b.key : String(a.key).localeCompare(String(b.key));
      return (ascending ? c : -c) || a.order - b.order;
    });
    var size = list ? Number(list.getAttribute("data-chunk")) : rows.length;
    keys.forEach(function (k, i) { bodies[Math.floor(i / size)].appendChild(k.row); });
  }

  filters.forEach(function (s) { s.addEventListener("change", applyFilters); });
  if (view) {
    view.addEventListener("change", function () { showView(view.value); });
    showView(view.value);
  }
  all("table.sortable th[data-sort]").forEach(function (th) {
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sortBy(th); } });
  });
  // One listener for every "jump to the evidence" link (10,000 findings: 10,000 links).
  var list = document.getElementById("all-findings");
  if (list) {
    list.addEventListener("click", function (e) {
      var a = e.target.closest ? e.target.closest("a.jump") : null;
      if (!a) { return; }
      if (view) { view.value = "by-patient-month"; showView(view.value); }
      var target = document.getElementById(a.getAttribute("href").slice(1));
      if (target) { target.hidden = false; }
    });
  }
  applyFilters();
})();

/* _signoff partial: "Download sign-off TOML" builds the --signoff file in the page. */
(function () {
  "use strict";
  var form = document.getElementById("signoff-form");
  var button = document.getElementById("so-download");
  if (!form || !button) { return; }
  function tomlString(text) {
    return "\"" + String(text).replace(/[\\"\u0000-\u001f\u007f]/g, function (c) {
      if (c === "\\") { return "\\\\"; }
      if (c === "\"") { return "\\\""; }
      if (c === "\n") { return "\\n"; }
      if (c === "\t") { return "\\t"; }
      return "\\u" + ("0000" + c.charCodeAt(0).toString(16)).slice(-4);
    }) + "\"";
  }
  button.addEventListener("click", function () {
    var chosen = form.querySelector("input[name=decision]:checked");
    var day = form.elements.date.value;
    var lines = [
      "# bhi-audit sign-off: bhi-audit check ... --signoff signoff.toml",
      "reviewer = " + tomlString(form.elements.reviewer.value.trim()),
      "role = " + tomlString(form.elements.role.value.trim()),
      /^\d{4}-\d{2}-\d{2}$/.test(day) ? "date = " + day : "# date = YYYY-MM-DD (required)",
      chosen ? "decision = " + tomlString(chosen.value) : "# decision = \"approved\" (required)",
      "notes = " + tomlString(form.elements.notes.value.replace(/\r\n?/g, "\n").trim())
    ];
    if (form.dataset.digest) { lines.push("digest = " + tomlString(form.dataset.digest)); }
    var blob = new Blob([lines.join("\n") + "\n"], { type: "application/toml" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "signoff.toml";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
  });
}());
