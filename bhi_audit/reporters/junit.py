"""JUnit XML report: one testcase per (check x unit it applied to), passes included.

Grouping (see docs/reports.md): one ``<testsuite>`` per check, named ``<id> <name>``; each
testcase has ``classname`` = the check id and ``name`` = the unit (claim line, patient-month,
patient or batch). Jenkins shows suites and classes as a tree and keys a test on
classname + name; GitLab lists classname as "Suite" next to the test name. Both then read as
"BHI-TIME-001 / MRN-10001 2026-02", and a test keeps its identity from month to month.

Mapping from the result's settled evaluation statuses (the engine decides them; this module
only maps them):
- passed -> empty testcase;
- failed -> ``<failure type=severity message=...>`` (the highest severity of its open findings)
  when one of those findings fails the gate (``Finding.fails_gate``, settled before
  reporting); otherwise a passed testcase whose ``system-out`` carries the findings, so that
  a green gate is a green test report (a warning fails only under ``--fail-on warning``);
- waived / baselined -> ``<skipped>`` with the waiver's reason or "baselined";
- unverifiable -> ``<skipped>`` ("not verifiable from the records given: ...");
- internal-error -> ``<error>``.
Rejected records come first, in a suite ``BHI-INPUT rejected-input``: one testcase per
record (classname ``BHI-INPUT``, name = its location) with a ``<failure type="rejected">``
(under ``--fail-on never``, which passes them, a passed testcase with the reason in
``system-out``). Kinds of documentation missing
altogether are stated in that suite's properties (``missing.<kind>``).
The testcase schema (Jenkins xUnit junit-10.xsd) has no per-testcase ``properties``, so each
suite carries the check's severity, source and dollars as properties, and each testcase's
finding details (severity, dollars, evidence) go in its ``system-out``. Each suite also
carries the run's setup as ``run.*`` properties (configuration used, checks run and switched
off, gate weakened), since the schema has no properties on ``<testsuites>``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TextIO

from lxml import etree

from bhi_audit.evaluations import of_checks
from bhi_audit.findings import Finding, Outcome
from bhi_audit.reporters.common import (
    INPUT_CHECK_ID,
    INPUT_CHECK_NAME,
    SEVERITY_RANK,
    acceptance,
    amount,
    clean,
)
from bhi_audit.reporters.text import rejected_message
from bhi_audit.result import AuditResult, Evaluation, findings_by_evaluation

__all__ = ["build", "clean", "describe_finding", "render"]


def _money(value: Decimal | None) -> str:
    return amount(value) or "0.00"


def describe_finding(finding: Finding) -> str:
    """The plain-text block for one finding in a testcase's system-out."""
    status = finding.severity.value
    if finding.outcome is Outcome.UNVERIFIABLE:
        status = "not verifiable"
    lines = [f"{finding.check_id} {status}: {finding.message}", f"  at: {finding.location}"]
    subject = [
        f"patient {finding.patient_id}" if finding.patient_id else "",
        f"month {finding.month}" if finding.month else "",
        f"claim {finding.claim_id}" if finding.claim_id else "",
        f"line {finding.line_number}" if finding.line_number else "",
        f"code {finding.code}" if finding.code else "",
    ]
    if any(subject):
        lines.append("  " + ", ".join(s for s in subject if s))
    if finding.at_risk is not None:
        lines.append(f"  at risk: ${_money(finding.at_risk)}")
    if finding.opportunity is not None:
        lines.append(f"  opportunity: ${_money(finding.opportunity)}")
    if finding.waiver is not None:
        state = "expired waiver" if finding.waiver.expired else "waived"
        lines.append(
            f"  {state} {finding.waiver.waiver_id}: {finding.waiver.reason} "
            f"(approved by {finding.waiver.approved_by}, expires {finding.waiver.expires})"
        )
    if finding.baselined:
        lines.append("  baselined: accepted in the baseline")
    for evidence in finding.evidence:
        lines.append(f"  evidence {evidence.location}: {evidence.summary}")
    lines.append(f"  source: {finding.source}")
    return "\n".join(lines)


def _fails(findings: tuple[Finding, ...]) -> bool:
    """Whether a failed evaluation is a ``<failure>``: one of its open findings fails the gate
    (as settled in the result); a result whose gate was not settled fails on any."""
    open_ = [f for f in findings if f.status == "open"]
    return not open_ or any(f.fails_gate is not False for f in open_)


def _suppression_reason(findings: tuple[Finding, ...]) -> str:
    return "; ".join(dict.fromkeys(r for f in findings if (r := acceptance(f))))


def _add_testcase(
    suite: etree._Element,
    evaluation: Evaluation,
    findings: tuple[Finding, ...],
    counts: dict[str, int],
) -> None:
    case = etree.SubElement(suite, "testcase")
    case.set("classname", clean(evaluation.check_id))
    case.set("name", clean(evaluation.unit))
    case.set("time", "0")
    counts["tests"] += 1
    if evaluation.status == "internal-error":
        counts["errors"] += 1
        crashed = [f for f in findings if f.outcome is Outcome.INTERNAL_ERROR]
        element = etree.SubElement(case, "error")
        element.set("type", "internal-error")
        element.set("message", clean(crashed[0].message if crashed else "internal error"))
    elif evaluation.status == "failed" and _fails(findings):
        counts["failures"] += 1
        open_ = [f for f in findings if f.status == "open"]
        worst = max(open_, key=lambda f: SEVERITY_RANK[f.severity.value], default=None)
        element = etree.SubElement(case, "failure")
        element.set("type", worst.severity.value if worst else "error")
        element.set("message", clean("; ".join(f.message for f in open_)))
    elif evaluation.status in ("waived", "baselined"):
        counts["skipped"] += 1
        element = etree.SubElement(case, "skipped")
        element.set("message", clean(_suppression_reason(findings) or evaluation.status))
    elif evaluation.status == "unverifiable":
        counts["skipped"] += 1
        element = etree.SubElement(case, "skipped")
        element.set(
            "message",
            clean(
                "not verifiable from the records given: " + "; ".join(f.message for f in findings)
            ),
        )
    if findings:
        out = etree.SubElement(case, "system-out")
        out.text = clean("\n".join(describe_finding(f) for f in findings) + "\n")


def setup_properties(result: AuditResult) -> list[tuple[str, str]]:
    """How the run was set up, as ``run.*`` properties: configuration, checks run and off, gate.

    NOTE: junit-10.xsd allows ``properties`` only in a ``testsuite``, so every suite repeats
    them (a CI page showing any one suite then shows what gated the run).
    """
    setup = result.setup
    pairs = [("run.configuration", setup.configuration), ("run.checks_run", str(setup.checks_run))]
    if setup.switched_off:
        off = "; ".join(f"{o.check_id} ({o.reason})" for o in setup.switched_off)
        pairs.append(("run.checks_off", off))
    pairs += [("run.config_not_used", path) for path in setup.config_not_used]
    if setup.weakened_line:
        pairs.append(("run.gate_weakened", setup.weakened_line))
    return pairs


def build(result: AuditResult) -> etree._Element:
    """The ``<testsuites>`` element of a result."""
    by_pair = findings_by_evaluation(result.findings)
    # NOTE: one check's evaluations at a time, never all of them (bhi_audit/evaluations.py).
    of_check = of_checks(result.evaluations)

    root = etree.Element("testsuites")
    root.set("name", clean(f"{result.tool} {result.tool_version} ({result.rulebook_version})"))
    run_properties = setup_properties(result)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if result.rejected or result.missing_records:
        _add_input_suite(root, result, totals, run_properties)
    for check in result.checks:
        suite = etree.SubElement(root, "testsuite")
        suite.set("name", clean(f"{check.id} {check.name}"))
        summary = result.per_check.get(check.id)
        properties = etree.SubElement(suite, "properties")
        for name, value in (
            ("check.id", check.id),
            ("check.name", check.name),
            ("check.scope", check.scope),
            ("check.severity", check.severity),
            ("check.source", check.source),
            ("findings", str(summary.findings) if summary else "0"),
            ("at_risk", _money(summary.at_risk if summary else None)),
            ("opportunity", _money(summary.opportunity if summary else None)),
            ("waived", str(summary.waived) if summary else "0"),
            ("baselined", str(summary.baselined) if summary else "0"),
            *run_properties,
        ):
            prop = etree.SubElement(properties, "property")
            prop.set("name", name)
            prop.set("value", clean(value))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for evaluation in of_check(check.id):
            found = by_pair.get((check.id, evaluation.unit), ())
            _add_testcase(suite, evaluation, found, counts)
        for key in ("tests", "failures", "errors", "skipped"):
            suite.set(key, str(counts[key]))
            totals[key] += counts[key]
        suite.set("time", "0")
    for key in ("tests", "failures", "errors"):
        root.set(key, str(totals[key]))
    root.set("time", "0")
    return root


def _add_input_suite(
    root: etree._Element,
    result: AuditResult,
    totals: dict[str, int],
    run_properties: list[tuple[str, str]],
) -> None:
    """The ``BHI-INPUT`` suite: a failing testcase per rejected record, missing kinds stated."""
    suite = etree.SubElement(root, "testsuite")
    suite.set("name", f"{INPUT_CHECK_ID} {INPUT_CHECK_NAME}")
    properties = etree.SubElement(suite, "properties")
    for name, value in [
        ("check.id", INPUT_CHECK_ID),
        ("rejected", str(len(result.rejected))),
        *((f"missing.{m.kind}", m.message) for m in result.missing_records),
        *run_properties,
    ]:
        prop = etree.SubElement(properties, "property")
        prop.set("name", clean(name))
        prop.set("value", clean(value))
    for rejected in result.rejected:
        case = etree.SubElement(suite, "testcase")
        case.set("classname", INPUT_CHECK_ID)
        case.set("name", clean(rejected.location))
        case.set("time", "0")
        message = clean(rejected_message(rejected))
        if result.rejected_fail_gate is False:  # --fail-on never: shown, not failed
            out = etree.SubElement(case, "system-out")
            out.text = message + "\n"
            continue
        failure = etree.SubElement(case, "failure")
        failure.set("type", "rejected")
        failure.set("message", message)
    count = len(result.rejected)
    failed = 0 if result.rejected_fail_gate is False else count
    for key, number in (("tests", count), ("failures", failed), ("errors", 0), ("skipped", 0)):
        suite.set(key, str(number))
        totals[key] += number
    suite.set("time", "0")


def render(result: AuditResult, out: TextIO) -> None:
    """Write the JUnit XML document (UTF-8 declared, indented, trailing newline)."""
    document = etree.tostring(
        build(result), pretty_print=True, xml_declaration=True, encoding="UTF-8"
    )
    out.write(document.decode("utf-8"))
