"""Plain-text report: one line per finding, in the grammar compilers use, then a summary.

Each finding (and each rejected record) is one line
``path:line:col: CHECK-ID severity: message [patient month claim#line] [marks]``, in file,
line, column order, so that editors (vim ``:cfile``, Emacs compilation mode) and CI problem
matchers jump to the record, the way they follow ``gcc`` or ``ruff`` (docs/reports.md, "Text
report", is the contract). Missing kinds of documentation come first (``missing: ...``), so a
run that could not verify a whole requirement never reads as clean. Waived and baselined
findings are marked on their line and counted apart from the open ones in the summary, from
the settled statuses.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from bhi_audit.findings import Finding, Outcome
from bhi_audit.reporters.common import INPUT_CHECK_ID, INPUT_CHECK_NAME, mark, money
from bhi_audit.result import AuditResult, RejectedRecord

#: The one-token severity word of each outcome that is not a plain violation (a violation
#: shows its severity: ``error``, ``warning``, ``info``).
OUTCOME_LABEL = {Outcome.UNVERIFIABLE: "unverifiable", Outcome.INTERNAL_ERROR: "internal-error"}

#: Characters that would break "one line per finding" or that a terminal acts on, written as
#: escapes instead: C0 controls (tab aside), DEL, the C1 controls (``\x9b`` is the 8-bit CSI
#: that starts a terminal escape sequence), the Unicode line/paragraph separators, the bidi
#: controls that make a line display reversed (Trojan Source, CVE-2021-42574), and lone
#: surrogates, which cannot be written as UTF-8 at all.
_LINE_BREAKING = (
    {c: f"\\x{c:02x}" for c in (*range(32), *range(0x7F, 0xA0)) if c != 9}
    | {0x0A: "\\n", 0x0D: "\\r"}
    | {c: f"\\u{c:04x}" for c in (0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F))}
    | {c: f"\\u{c:04x}" for c in (*range(0x2066, 0x206A), *range(0xD800, 0xE000))}
)


def one_line(text: str) -> str:
    """``text`` with line breaks and control characters escaped, so it stays on one line.

    Why: ids, field names and notes come from the input; a newline in one must not be able to
    split a finding or forge another line (grep and CI annotations read this report by line),
    and a control character must not reach a terminal raw (clear the screen, reverse a line).
    """
    return text.translate(_LINE_BREAKING)


def place(file: str, line: int | None, column: int | None) -> str:
    """``path:line:col``; a place with no line (a whole-run finding, ``<input>``) is line 1,
    column 1 of its pseudo-file, so every line keeps the grammar (docs/reports.md)."""
    return f"{file}:{line if line and line >= 1 else 1}:{column if column and column >= 1 else 1}"


def severity_word(finding: Finding) -> str:
    """``error``, ``warning``, ``info``, ``unverifiable`` or ``internal-error``: one token."""
    return OUTCOME_LABEL.get(finding.outcome, finding.severity.value)


def format_finding(finding: Finding) -> str:
    """``file:12:1: BHI-TIME-002 error: message [P1 2026-03 C1#1] [$160.32 at risk]``."""
    subject = " ".join(
        part
        for part in (
            finding.patient_id,
            finding.month,
            f"{finding.claim_id}#{finding.line_number}"
            if finding.line_number
            else finding.claim_id,
        )
        if part
    )
    text = f"{place(finding.file, finding.line, finding.column)}: {finding.check_id} "
    text += f"{severity_word(finding)}: {finding.message}"
    if subject:
        text += f" [{subject}]"
    if finding.at_risk:
        text += f" [{money(finding.at_risk)} at risk]"
    if finding.opportunity:
        text += f" [{money(finding.opportunity)} opportunity]"
    if mark(finding):
        text += f" [{mark(finding)}]"
    return text


def rejected_message(rejected: RejectedRecord) -> str:
    """``rejected claims record: minutes: ... [C041]``: the claim a rejected claim or claim
    line names is its subject, in brackets as a finding's (the text, GitHub, GitLab and JUnit
    messages of a rejected record)."""
    text = f"rejected {rejected.kind} record: {rejected.message}"
    return f"{text} [{rejected.claim_id}]" if rejected.claim_id else text


def format_rejected(rejected: RejectedRecord) -> str:
    """``file:7:1: BHI-INPUT error: rejected claims record: minutes: ... [C041]`` (same
    grammar)."""
    where = place(rejected.file, rejected.line, rejected.column)
    return f"{where}: {INPUT_CHECK_ID} error: {rejected_message(rejected)}"


def render(
    result: AuditResult, out: TextIO, *, quiet: bool = False, statistics: bool = False
) -> None:
    """Write missing documentation, findings, rejected records and the summary.

    ``quiet`` (``--quiet``) keeps the counts line and, when the configuration weakened the
    gate, that line; a clean run (nothing open, not verifiable, rejected, crashed or missing)
    then writes nothing, as ruff and flake8 do. ``statistics`` (``--statistics``) writes one
    count per check instead of one line per finding.
    """
    if quiet and _clean(result):
        return
    if statistics:
        _render_statistics(result, out)
    elif not quiet:
        _render_lines(result, out)
    if quiet:
        _render_counts(result, out)
        if result.setup.weakened_line:
            out.write(one_line(result.setup.weakened_line) + "\n")
        return
    _render_summary(result, out)
    _render_signoff(result, out)


def _render_signoff(result: AuditResult, out: TextIO) -> None:
    """``signed off: REVIEWER (ROLE), DATE: DECISION``, notes, and the digest signed.

    Only on a signed report (``--signoff``): an unsigned text report stays as it was.
    """
    signed = result.signoff
    if signed is None:
        return
    out.write(
        one_line(f"signed off: {signed.reviewer} ({signed.role}), {signed.date}: {signed.decision}")
        + "\n"
    )
    if signed.notes:
        out.write(one_line(f"sign-off notes: {signed.notes}") + "\n")
    if result.digest is not None:
        out.write(f"report digest: sha256 {result.digest.sha256}\n")


def _clean(result: AuditResult) -> bool:
    """Nothing that asks for attention: no open, not verifiable, crashed or rejected finding,
    and no kind of documentation missing."""
    totals = result.totals
    return not (
        totals.open_errors
        or totals.open_warnings
        or totals.open_infos
        or totals.unverifiable
        or totals.internal_errors
        or totals.rejected
        or result.missing_records
    )


def _render_statistics(result: AuditResult, out: TextIO) -> None:
    """``    3  BHI-TIME-002   error    cocm-base-minimum-minutes (1 waived)``, most first.

    Missing kinds of documentation still come first: a count table must not read as clean.
    """
    for missing in result.missing_records:
        out.write(one_line(f"missing: {missing.message}") + "\n")
    order = {check.id: index for index, check in enumerate(result.checks)}
    severity = {check.id: check.severity for check in result.checks}
    counted: dict[str, Counter[str]] = {}
    names: dict[str, str] = {}
    for finding in result.findings:
        counted.setdefault(finding.check_id, Counter())[finding.status] += 1
        names.setdefault(finding.check_id, finding.check_name)
    rows = []
    for check_id, statuses in counted.items():
        total = sum(statuses.values())
        accepted = ", ".join(f"{statuses[s]} {s}" for s in ("waived", "baselined") if statuses[s])
        level = severity.get(check_id, "")
        line = f"{total:>5}  {check_id:<14} {level:<8} {names[check_id]}"
        line += f" ({accepted})" if accepted else ""
        rows.append((-total, order.get(check_id, len(order)), check_id, line))
    if result.rejected:
        line = f"{len(result.rejected):>5}  {INPUT_CHECK_ID:<14} {'error':<8} {INPUT_CHECK_NAME}"
        rows.append((-len(result.rejected), len(order) + 1, INPUT_CHECK_ID, line))
    for *_, line in sorted(rows):
        out.write(one_line(line) + "\n")


def _render_lines(result: AuditResult, out: TextIO) -> None:
    for missing in result.missing_records:
        out.write(one_line(f"missing: {missing.message}") + "\n")
    # NOTE: laid out in file order (Finding.position_key), as compiler output is: a display
    # order for editors and matchers; the result's own order (by patient) is left as it is.
    for finding in sorted(result.findings, key=lambda f: f.position_key):
        out.write(one_line(format_finding(finding)) + "\n")
    for rejected in sorted(result.rejected, key=_rejected_key):
        out.write(one_line(format_rejected(rejected)) + "\n")
    for note in result.notes:
        out.write(one_line(f"note: {note}") + "\n")


def _rejected_key(rejected: RejectedRecord) -> tuple[object, ...]:
    """File, line, column, then the rest: the order of the finding lines."""
    return (
        rejected.file,
        rejected.line or 0,
        rejected.column or 0,
        rejected.location,
        rejected.kind,
        rejected.message,
    )


def _render_counts(result: AuditResult, out: TextIO) -> None:
    totals = result.totals
    out.write(
        f"{totals.open_errors} error(s) open, {totals.open_warnings} warning(s) open, "
        f"{totals.open_infos} info open, {totals.waived} waived, {totals.baselined} baselined, "
        f"{totals.unverifiable} not verifiable"
        + (f", {totals.internal_errors} internal error(s)" if totals.internal_errors else "")
        + (f", {totals.rejected} rejected record(s)" if totals.rejected else "")
        + "\n"
    )


def _render_summary(result: AuditResult, out: TextIO) -> None:
    totals = result.totals
    out.write("\n")
    _render_counts(result, out)
    out.write(
        f"claims: {totals.claims} ({totals.claims_clean} clean, {totals.claims_flagged} flagged"
        + (f", {totals.claims_not_audited} not audited" if totals.claims_not_audited else "")
        + "); "
        f"patient-months: {totals.patient_months}; at risk {money(totals.at_risk)}; "
        f"opportunity {money(totals.opportunity)}\n"
    )
    counts = ", ".join(
        f"{kind} {c.read} read = {c.audited} audited + {c.rejected} rejected"
        + (f" + {c.not_used} not used" if c.not_used else "")
        for kind, c in sorted(result.records.items())
    )
    out.write(f"records: {counts}\n")
    _render_setup(result, out)
    _render_comparison(result, out)
    out.write(f"{result.tool} {result.tool_version}, {result.rulebook_version}\n")
    weakened = result.setup.weakened_line
    if weakened:
        # NOTE: the last line on purpose: a gate made lenient by a file is never silent.
        out.write(one_line(weakened) + "\n")


def _render_setup(result: AuditResult, out: TextIO) -> None:
    """The configuration used, the checks that ran and those switched off (and why)."""
    setup = result.setup
    line = f"configuration: {setup.configuration}; checks run: {setup.checks_run}"
    out.write(one_line(line) + "\n")
    by_reason: dict[str, list[str]] = {}
    for off in setup.switched_off:
        by_reason.setdefault(off.reason, []).append(off.check_id)
    for reason, ids in by_reason.items():
        out.write(one_line(f"checks off ({reason}): {', '.join(ids)}") + "\n")
    for path in setup.config_not_used:
        out.write(one_line(f"configuration not used (it lies among the audited data): {path}"))
        out.write("\n")


def _render_comparison(result: AuditResult, out: TextIO) -> None:
    """The general-BHI-versus-CoCM section (docs/comparison.md), when there was BHI/CoCM time."""
    comparison = result.comparison
    if comparison is None:
        return
    out.write("\nmodel comparison: the countable minutes billed as general BHI vs as CoCM\n")
    for row in comparison.rows:
        out.write(
            f"  {row.month}  {row.patient_months} patient-month(s)  general BHI "
            f"{money(row.general_bhi)}  CoCM {money(row.cocm)}\n"
        )
    out.write(
        f"  total    general BHI {money(comparison.general_bhi)}  CoCM {money(comparison.cocm)}\n"
    )
    out.write(f"  ({comparison.note})\n")
