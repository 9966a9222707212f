(function () {
  "use strict";
  var all = function (selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); };
  var filters = all("select[data-filter]");
  var view = document.getElementById("f-view");
  var shown = document.getElementById("f-shown");

  function showView(name) {
    all(".view").forEach(function (v) { v.hidden = v.id !== name; });
  }

  function applyFilters() {
    var wanted = {};
    filters.forEach(function (s) { wanted[s.getAttribute("data-filter")] = s.value; });
    all("tr.finding").forEach(function (row) {
      var match = Object.keys(wanted).every(function (key) {
        return !wanted[key] || row.getAttribute("data-" + key) === wanted[key];
      });
      row.hidden = !match;
    });
    all(".view .group").forEach(function (group) {
      group.hidden = !group.querySelector("tr.finding:not([hidden])");
    });
    if (shown) {
      var rows = all("#by-patient-month tr.finding");
      var visible = rows.filter(function (r) { return !r.hidden; }).length;
      shown.textContent = visible + " of " + rows.length + " shown";
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
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, i) { row._order = i; });
    rows.sort(function (a, b) {
      var x = cellKey(a, index, numeric), y = cellKey(b, index, numeric);
      var c = numeric ? x - y : String(x).localeCompare(String(y));
      return (ascending ? c : -c) || a._order - b._order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
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
  all("a.jump").forEach(function (a) {
    a.addEventListener("click", function () {
      if (view) { view.value = "by-patient-month"; showView(view.value); }
    });
  });
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
