"""Shared fixtures for reporter tests: real audits of small synthetic bundles, and a richer
result (waived, baselined, expired waiver, internal error, comparison) built from one.

Test modules get everything through fixtures (no imports between test files)."""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from bhi_audit.checkapi import Severity
from bhi_audit.engine import Engine
from bhi_audit.findings import Finding, Outcome, WaiverNote
from bhi_audit.loaders import load_paths
from bhi_audit.registry import load_registry
from bhi_audit.result import (
    AuditResult,
    ComparisonRow,
    Evaluation,
    ModelComparison,
    StaleBaselineEntry,
    UnusedWaiver,
)

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"
#: Paths relative to the repository, so the outputs (which name the inputs) match on any machine.
SAMPLE = Path("tests/reporters/fixtures/sample.json")
CSV_BUNDLE = Path("tests/reporters/fixtures/csv_bundle")
HOSTILE = Path("tests/reporters/fixtures/hostile.json")
REPO = HERE.parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: Where browser tests leave screenshots and PDFs for a person to look at (ignored by git);
#: BHI_AUDIT_TEST_ARTIFACTS may point elsewhere (docs/reports.md, "Browser tests").
ARTIFACTS = Path(os.environ.get("BHI_AUDIT_TEST_ARTIFACTS") or REPO / "test-artifacts")
#: Schemas consumers validate against, kept in the repository (tests/schemas/SOURCES.md) so
#: that every clone runs the schema tests; BHI_AUDIT_SCHEMAS may point at another copy.
SCHEMAS = Path(os.environ.get("BHI_AUDIT_SCHEMAS") or HERE.parent / "schemas")
#: Every patient identifier, name, DOB and Medicare id in the fixtures (for redaction tests).
PHI_VALUES = (
    "MRN-10001",
    "MRN-10002",
    "MRN-10003",
    "Avery Testperson",
    "Blake Fixtureson",
    "Casey Mockwell",
    "1948-02-03",
    "1951-07-19",
    "1939-12-30",
    "1EG4TE5MK73",
    "2FH5UF6NL84",
    "3GJ6VG7PM95",
    "MRN-20001",
    "Dana Csvperson",
    "1944-05-06",
    "4HK7WH8QN06",
    "MRN-10004",
    "Drew Rejectman",
    "1950-02-30",
    "5JK8XJ9RP17",
)
#: Free-text notes and activities in the fixtures (dropped by redaction).
NOTES = (
    "reports better sleep",
    "discussed Casey",
    "care plan review",
    "phone follow-up",
    "initial assessment",
    "phone call",
    "spoke with",
)


def run_audit(*paths: Path) -> AuditResult:
    """Load ``paths`` with the real loaders and audit them with every built-in check."""
    registry = load_registry(plugins=False)
    return Engine(registry.select([])).audit(load_paths(list(paths)))


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root so input paths stay relative."""
    monkeypatch.chdir(REPO)


@pytest.fixture
def golden(update_golden: bool) -> Callable[[str, str], None]:
    """``golden(name, text)``: compare with (or, with --update-golden, rewrite) a golden file."""
    return lambda name, text: check_golden(name, text, update_golden)


@pytest.fixture
def schemas() -> Path:
    """``tests/schemas`` (or ``BHI_AUDIT_SCHEMAS``)."""
    return SCHEMAS


@pytest.fixture
def validate_junit(schemas: Path) -> Callable[[str], None]:
    """Validate a JUnit document against tests/schemas/junit-10-jenkins-xunit.xsd."""
    path = schemas / "junit-10-jenkins-xunit.xsd"
    if not path.exists():
        pytest.skip(f"{path} is absent (BHI_AUDIT_SCHEMAS points elsewhere)")
    schema = etree.XMLSchema(etree.parse(str(path)))

    def check(text: str) -> None:
        document = etree.fromstring(text.encode("utf-8"))
        assert schema.validate(document), schema.error_log

    return check


@pytest.fixture
def validate_sarif(schemas: Path) -> Callable[[str], dict[str, Any]]:
    """Validate a SARIF log against tests/schemas/sarif-schema-2.1.0.json; return it."""
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema (test extra)")
    path = schemas / "sarif-schema-2.1.0.json"
    if not path.exists():
        pytest.skip(f"{path} is absent (BHI_AUDIT_SCHEMAS points elsewhere)")
    validator = jsonschema.Draft4Validator(json.loads(path.read_text(encoding="utf-8")))

    def check(text: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(text)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
        return document

    return check


@pytest.fixture
def phi_values() -> tuple[str, ...]:
    """Every patient identifier, name, DOB and Medicare id in the fixtures."""
    return PHI_VALUES


@pytest.fixture
def note_values() -> tuple[str, ...]:
    """Free-text notes and activities in the fixtures."""
    return NOTES


@pytest.fixture
def render_text() -> Callable[[Callable[[AuditResult, io.StringIO], None], AuditResult], str]:
    """``render_text(render, result)``: what a reporter writes, as a string."""
    return rendered


def rendered(render: Callable[[AuditResult, io.StringIO], None], result: AuditResult) -> str:
    """What a reporter writes for ``result``."""
    out = io.StringIO()
    render(result, out)
    return out.getvalue()


def check_golden(name: str, text: str, update: bool) -> None:
    """Compare ``text`` with ``golden/<name>``; rewrite it instead under --update-golden."""
    path = GOLDEN / name
    if update:
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"no golden file {path}; run pytest --update-golden and review it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its golden file (pytest --update-golden)"


@pytest.fixture
def sample_result() -> AuditResult:
    """The audit of the synthetic sample bundle (JSON)."""
    return run_audit(SAMPLE)


@pytest.fixture
def csv_result() -> AuditResult:
    """The audit of the small CSV bundle (findings have rows)."""
    return run_audit(CSV_BUNDLE)


def enrich(result: AuditResult) -> AuditResult:
    """The sample result plus every state a reporter must show.

    Waivers, the baseline and the comparison are computed by other parts of the engine; the
    reporters only render them, so the states are set here directly.
    """
    findings = list(result.findings)

    def find(check_id: str, claim: str) -> int:
        return next(
            i for i, f in enumerate(findings) if f.check_id == check_id and f.claim_id == claim
        )

    waived = find("BHI-COCM-003", "CLM-003")
    findings[waived] = findings[waived].model_copy(
        update={
            "waiver": WaiverNote(
                waiver_id="W-2026-01",
                reason="consultant review documented on paper <scanned>",
                approved_by="compliance officer",
                expires=date(2027, 1, 31),
                evidence="binder 4 & tab 2",
            )
        }
    )
    expired = find("BHI-TIME-001", "CLM-002")
    findings[expired] = findings[expired].model_copy(
        update={
            "waiver": WaiverNote(
                waiver_id="W-2025-07",
                reason="phone minutes logged in the old system",
                approved_by="compliance officer",
                expires=date(2026, 1, 1),
                expired=True,
            )
        }
    )
    baselined = find("BHI-TIME-003", "CLM-004")
    findings[baselined] = findings[baselined].model_copy(update={"baselined": True})
    crashed = Finding(
        check_id="BHI-DATA-001",
        check_name="unresolved-reference",
        severity=Severity.ERROR,
        outcome=Outcome.INTERNAL_ERROR,
        message="internal error in check BHI-DATA-001 on batch: KeyError: 'x\x07' (please report)",
        source="rulebook §9",
        location="<input>",
        file="<input>",
        unit="batch",
    )
    unverifiable = Finding(
        check_id="BHI-CONS-004",
        check_name="consent-per-concurrent-program",
        severity=Severity.INFO,
        outcome=Outcome.UNVERIFIABLE,
        message="concurrent CCM consent cannot be checked (no CCM records given)",
        source="rulebook §3.2c",
        location=f"{SAMPLE}#/claim_lines/0",
        file=str(SAMPLE),
        patient_id="MRN-10001",
        month="2026-01",
        claim_id="CLM-001",
        line_number=1,
        code="99484",
        unit="MRN-10001 2026-01",
        opportunity=Decimal("12.50"),
    )
    evaluations = [
        e
        for e in result.evaluations
        if (e.check_id, e.unit) not in {("BHI-DATA-001", "batch"), unverifiable_key()}
    ]
    evaluations += [
        Evaluation(check_id="BHI-DATA-001", unit="batch", status="internal-error"),
        Evaluation(check_id="BHI-CONS-004", unit="MRN-10001 2026-01", status="unverifiable"),
    ]
    # NOTE: the engine settles an evaluation's status after waivers and the baseline; the
    # states set by hand above get the statuses the engine would give them.
    settled = {
        (findings[waived].check_id, findings[waived].unit): "waived",
        (findings[baselined].check_id, findings[baselined].unit): "baselined",
    }
    evaluations = [
        e._replace(status=settled[(e.check_id, e.unit)])
        if (e.check_id, e.unit) in settled and e.status == "failed"
        else e
        for e in evaluations
    ]
    comparison = ModelComparison(
        rows=(
            ComparisonRow(
                month="2026-01",
                patient_months=2,
                general_bhi=Decimal("114.90"),
                cocm=Decimal("160.32"),
            ),
            ComparisonRow(
                month="2026-02",
                patient_months=2,
                general_bhi=Decimal("57.45"),
                cocm=Decimal("128.48"),
            ),
        ),
        general_bhi=Decimal("172.35"),
        cocm=Decimal("288.80"),
        note="national non-facility rates, CY2026; CoCM needs a psychiatric consultant",
    )
    per_check = dict(result.per_check)
    for check_id, field in (("BHI-COCM-003", "waived"), ("BHI-TIME-003", "baselined")):
        per_check[check_id] = per_check[check_id].model_copy(update={field: 1})
    for check_id, summary in per_check.items():  # unit counts follow the evaluations
        statuses = [e.status for e in evaluations if e.check_id == check_id]
        per_check[check_id] = summary.model_copy(
            update={
                "applicable": len(statuses),
                "passed": statuses.count("passed"),
                "failed": statuses.count("failed"),
                "units_waived": statuses.count("waived"),
                "units_baselined": statuses.count("baselined"),
                "unverifiable": statuses.count("unverifiable"),
                "internal_errors": statuses.count("internal-error"),
            }
        )
    opened = {
        f"open_{s}s": getattr(result.totals, f"open_{s}s")
        - sum(1 for i in (waived, baselined) if findings[i].severity.value == s)
        for s in ("error", "warning", "info")
    }
    totals = result.totals.model_copy(
        update={"waived": 1, "baselined": 1, "waiver_expired": 1, **opened}
    )
    unused = UnusedWaiver(
        waiver_id="W-2026-09",
        check_id="BHI-TIME-002",
        scope="patient MRN-10001 month 2026-01",
        expires=date(2027, 1, 31),
        expired=False,
        message="waiver W-2026-09 matched no finding",
    )
    stale = StaleBaselineEntry(
        check_id="BHI-CONS-001",
        patient_id="MRN-10003",
        month="2026-02",
        code="99493",
        variant=None,
        field="consent",
        missing=1,
        message="baseline entry for MRN-10003 2026-02 no longer occurs",
    )
    return result.model_copy(
        update={
            "per_check": per_check,
            "totals": totals,
            "unused_waivers": (unused,),
            "stale_baseline": (stale,),
            "findings": tuple(sorted([*findings, crashed, unverifiable], key=lambda f: f.sort_key)),
            "evaluations": tuple(sorted(evaluations, key=lambda e: (e.check_id, e.unit))),
            "comparison": comparison,
        }
    )


def unverifiable_key() -> tuple[str, str]:
    """The (check, unit) pair that :func:`enrich` marks not verifiable."""
    return ("BHI-CONS-004", "MRN-10001 2026-01")


@pytest.fixture
def rich_result(sample_result: AuditResult) -> AuditResult:
    """The sample result with waived, baselined, expired-waiver, crashed and not-verifiable
    findings and a BHI-versus-CoCM comparison."""
    return enrich(sample_result)


@pytest.fixture
def run_hostile() -> AuditResult:
    """The audit of a bundle whose ids and notes hold markup, quotes and control characters."""
    return run_audit(HOSTILE)


#: The result each golden file renders, by the golden file's name.
GOLDEN_INPUTS = {
    "sample": "sample_result",
    "rich": "rich_result",
    "csv": "csv_result",
    "hostile": "run_hostile",
}


@pytest.fixture
def golden_input(request: pytest.FixtureRequest) -> Callable[[str], AuditResult]:
    """``golden_input("rich")``: the result the golden files of that name render."""

    def result(name: str) -> AuditResult:
        value: AuditResult = request.getfixturevalue(GOLDEN_INPUTS[name])
        return value

    return result


@pytest.fixture
def browser():
    """Debian's chromium through Playwright; skipped (with the reason) where it is absent."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (test extra)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def artifacts() -> Path:
    """``test-artifacts/html/`` (or under BHI_AUDIT_TEST_ARTIFACTS): screenshots to look at."""
    folder = ARTIFACTS / "html"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
