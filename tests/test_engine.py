"""The engine: containment of crashing checks, stamping, ordering, and the summary arithmetic."""

from __future__ import annotations

import json
import random
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bhi_audit.checkapi import Severity
from bhi_audit.engine import AuditSettings, Engine
from bhi_audit.findings import Outcome
from bhi_audit.loaders import load_paths
from bhi_audit.policy import line_price
from bhi_audit.registry import load_registry
from bhi_audit.result import AuditResult

from conftest import BASIC_CHECKS, CLEAN_BUNDLE, ERRORS_DOCUMENT, FIXTURES, run_audit

BHI_WITH_COCM = FIXTURES / "bhi_with_cocm.json"
PRICE_99484 = Decimal("57.45")

PLUGIN_HEADER = '''"""{summary}

Why: synthetic test plugin.
Source: Acme manual (synthetic).
Passes: nothing in particular.
Fails: see the code.
"""
from bhi_audit.checkapi import Problem

ID = "{id}"
NAME = "{name}"
SCOPE = "{scope}"
DEFAULT_SEVERITY = "error"
'''


def run_with_plugin(tmp_path: Path, body: str, scope: str, *paths: Path) -> AuditResult:
    """Audit ``paths`` with one synthetic plugin check (ACME-TEST-001) only."""
    directory = tmp_path / "plugins"
    directory.mkdir(exist_ok=True)
    source = PLUGIN_HEADER.format(
        summary="Synthetic plugin.", id="ACME-TEST-001", name="acme-test", scope=scope
    )
    (directory / "acme_test.py").write_text(source + body, encoding="utf-8")
    registry = load_registry([directory], plugins=False)
    return Engine(registry.select(["ACME-TEST-001"])).audit(load_paths(list(paths)))


# ------------------------------------------------------------------ containment


def test_crashing_check_becomes_an_internal_error_naming_check_and_claim():
    registry = load_registry([FIXTURES / "plugins" / "crashing"], plugins=False)
    result = Engine(registry.select(["ACME-CRASH-001"])).audit(load_paths([CLEAN_BUNDLE]))
    (finding,) = result.findings
    assert finding.outcome is Outcome.INTERNAL_ERROR
    assert finding.severity is Severity.ERROR
    assert (finding.check_id, finding.unit, finding.claim_id, finding.patient_id) == (
        "ACME-CRASH-001",
        "P2 2026-03",
        "C2",
        "P2",
    )
    assert finding.message == (
        "internal error in check ACME-CRASH-001 on claim C2: ZeroDivisionError: division by zero "
        "(the check did not run; please report this)"
    )
    summary = result.per_check["ACME-CRASH-001"]
    assert (summary.applicable, summary.passed, summary.internal_errors) == (2, 1, 1)
    assert result.totals.internal_errors == 1
    assert result.per_claim["C2"].status == "flagged"
    assert result.per_claim["C1"].status == "clean"


BAD_YIELDS = {
    "yields-a-string": "def check(unit, options):\n    yield 'oops'\n",
    "yields-a-non-record": (
        "def check(unit, options):\n    yield Problem(message='x', record=unit.billed)\n"
    ),
    "raises-midway": (
        "def check(unit, options):\n"
        "    yield Problem(message='first', record=unit.billed.line)\n"
        "    raise KeyError('later')\n"
    ),
    "returns-none": "def check(unit, options):\n    return None\n",
}


@pytest.mark.parametrize("body", BAD_YIELDS.values(), ids=BAD_YIELDS.keys())
def test_a_check_that_misbehaves_is_contained_per_unit(tmp_path, body):
    result = run_with_plugin(tmp_path, body, "line", CLEAN_BUNDLE)
    assert [(f.outcome, f.unit, f.claim_id) for f in result.findings] == [
        (Outcome.INTERNAL_ERROR, "C1#1", "C1"),
        (Outcome.INTERNAL_ERROR, "C2#1", "C2"),
    ]
    assert result.per_check["ACME-TEST-001"].internal_errors == 2


def test_internal_error_in_a_batch_check_names_the_batch(tmp_path):
    body = "def check(batch, options):\n    raise RuntimeError('boom')\n    yield\n"
    result = run_with_plugin(tmp_path, body, "batch", CLEAN_BUNDLE)
    (finding,) = result.findings
    assert finding.outcome is Outcome.INTERNAL_ERROR
    assert finding.unit == "batch"
    assert "internal error in check ACME-TEST-001 on batch: RuntimeError: boom" in finding.message


# ------------------------------------------------------------------ stamping


def test_check_cannot_mislabel_itself(tmp_path):
    body = (
        "def check(unit, options):\n"
        "    yield Problem(message='x', record=unit.billed.line, field='code', variant='v',\n"
        "                  facts={'n': 3, 'd': unit.billed.line.date_of_service})\n"
    )
    result = run_with_plugin(tmp_path, body, "line", CLEAN_BUNDLE)
    finding = result.findings[0]
    assert (finding.check_id, finding.check_name, finding.severity, finding.source) == (
        "ACME-TEST-001",
        "acme-test",
        Severity.ERROR,
        "Acme manual (synthetic).",
    )
    assert finding.facts == {"d": "2026-03-20", "n": 3}
    assert finding.at_risk == PRICE_99484
    assert finding.location == f"{CLEAN_BUNDLE}/claim_lines.csv:2"


def severities(result: AuditResult) -> dict[str, tuple[str, Decimal | None]]:
    return {f.claim_id: (f.severity.value, f.at_risk) for f in result.findings}


SEVERITY_CASES = {
    "variant-defaults": ({}, {"C6": ("error", PRICE_99484), "C8": ("warning", PRICE_99484)}),
    "override-check": (
        {"BHI-EXCL-001": Severity.INFO},
        {"C6": ("info", None), "C8": ("info", None)},
    ),
    "override-variant": (
        {"BHI-EXCL-001:different-practitioner": Severity.ERROR},
        {"C6": ("error", PRICE_99484), "C8": ("error", PRICE_99484)},
    ),
    "variant-override-beats-check-override": (
        {"BHI-EXCL-001": Severity.INFO, "BHI-EXCL-001:same-practitioner": Severity.WARNING},
        {"C6": ("warning", PRICE_99484), "C8": ("info", None)},
    ),
    "override-of-another-check": (
        {"BHI-TIME-001": Severity.INFO},
        {"C6": ("error", PRICE_99484), "C8": ("warning", PRICE_99484)},
    ),
}


@pytest.mark.parametrize(("overrides", "expected"), SEVERITY_CASES.values(), ids=SEVERITY_CASES)
def test_severity_is_stamped_from_variant_and_overrides(overrides, expected):
    settings = AuditSettings(severity_overrides=overrides)
    result = run_audit(BHI_WITH_COCM, select=["BHI-EXCL-001"], settings=settings)
    assert severities(result) == expected
    assert result.totals.at_risk == sum((r for _, r in expected.values() if r), Decimal("0.00"))


def test_unverifiable_is_info_whatever_the_override_and_never_at_risk():
    settings = AuditSettings(severity_overrides={"BHI-CONS-001": Severity.ERROR})
    result = run_audit(BHI_WITH_COCM, select=["BHI-CONS-001"], settings=settings)
    assert {(f.outcome, f.severity, f.at_risk) for f in result.findings} == {
        (Outcome.UNVERIFIABLE, Severity.INFO, None)
    }
    # two patient-months (units) were unverifiable: the input has no consents, which the check
    # REQUIRES, so the engine reports each unit once (not once per program billed in it)
    summary = result.per_check["BHI-CONS-001"]
    assert (summary.applicable, summary.unverifiable, summary.findings) == (2, 2, 2)
    assert result.totals.unverifiable == 2
    assert (result.totals.errors, result.totals.infos) == (0, 0)
    assert {c.status for c in result.per_claim.values()} == {"clean"}


# ------------------------------------------------------------------ order


def shuffled_copy(source: Path, target: Path, seed: int) -> Path:
    """The same JSON document with every record list shuffled."""
    document = json.loads(source.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    for rows in document.values():
        if isinstance(rows, list):
            rng.shuffle(rows)
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def finding_keys(result: AuditResult) -> list[tuple]:
    return [
        (f.patient_id, f.month, f.claim_id, f.line_number, f.check_id, f.outcome, f.message)
        for f in result.findings
    ]


def test_findings_are_sorted_and_independent_of_record_order(tmp_path):
    baseline = run_audit(BHI_WITH_COCM)
    assert list(baseline.findings) == sorted(baseline.findings, key=lambda f: f.sort_key)
    assert {f.check_id for f in baseline.findings} >= {"BHI-EXCL-001", "BHI-CONS-001"}
    for seed in range(3):
        shuffled = shuffled_copy(BHI_WITH_COCM, tmp_path / f"s{seed}.json", seed)
        result = run_audit(shuffled)
        assert finding_keys(result) == finding_keys(baseline)
        assert result.per_check == baseline.per_check
        assert result.per_claim == baseline.per_claim
        assert result.evaluations == baseline.evaluations


# ------------------------------------------------------------------ summary arithmetic


@pytest.mark.parametrize("source", [CLEAN_BUNDLE, ERRORS_DOCUMENT, BHI_WITH_COCM])
def test_evaluations_and_per_check_counts_agree(source):
    result = run_audit(source)
    assert set(result.per_check) == {c.id for c in result.checks}
    for check_id, summary in result.per_check.items():
        mine = [e for e in result.evaluations if e.check_id == check_id]
        assert summary.applicable == len(mine)
        assert summary.applicable == (
            summary.passed + summary.failed + summary.unverifiable + summary.internal_errors
        )
        assert summary.passed == sum(e.status == "passed" for e in mine)
        assert summary.failed == sum(e.status == "failed" for e in mine)
        assert summary.findings == sum(f.check_id == check_id for f in result.findings)
    assert result.totals.findings == len(result.findings)
    assert result.totals.claims == len(result.per_claim)
    assert result.totals.claims == result.totals.claims_clean + result.totals.claims_flagged
    assert len(set((e.check_id, e.unit) for e in result.evaluations)) == len(result.evaluations)


def test_per_check_counts_on_a_known_bundle():
    result = run_audit(ERRORS_DOCUMENT)
    time = result.per_check["BHI-TIME-001"]
    assert (time.applicable, time.passed, time.failed, time.findings, time.at_risk) == (
        2,
        1,
        1,
        1,
        PRICE_99484,
    )
    # CoCM checks do not apply: no CoCM code was billed.
    assert result.per_check["BHI-TIME-002"].applicable == 0
    assert result.per_check["BHI-DATA-001"].applicable == 1
    assert result.totals.patient_months == 2


def test_per_claim_status_counts_and_money():
    result = run_audit(ERRORS_DOCUMENT, select=BASIC_CHECKS)
    assert {
        k: (v.status, v.errors, v.warnings, v.at_risk) for k, v in result.per_claim.items()
    } == {
        "C1": ("clean", 0, 0, Decimal("0.00")),
        "C3": ("flagged", 1, 0, PRICE_99484),
    }


def test_at_risk_is_counted_once_per_line_however_many_checks_flag_it(tmp_path):
    document = json.loads(ERRORS_DOCUMENT.read_text(encoding="utf-8"))
    document["consents"] = [c for c in document["consents"] if c["patient_id"] != "P3"]
    path = tmp_path / "two_findings_one_line.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run_audit(path, select=["BHI-CONS-001", "BHI-TIME-001"])
    flagged = [(f.check_id, f.claim_id, f.line_number, f.at_risk) for f in result.findings]
    assert flagged == [
        ("BHI-CONS-001", "C3", 1, PRICE_99484),
        ("BHI-TIME-001", "C3", 1, PRICE_99484),
    ]
    assert result.totals.at_risk == PRICE_99484
    assert result.per_claim["C3"].at_risk == PRICE_99484
    assert result.per_claim["C3"].errors == 2
    # per check, each check reports what it puts at risk
    assert result.per_check["BHI-CONS-001"].at_risk == PRICE_99484
    assert result.per_check["BHI-TIME-001"].at_risk == PRICE_99484


def test_price_used_is_the_policy_price():
    (line,) = [
        x for x in load_paths([ERRORS_DOCUMENT]).records["claim_lines"] if x.claim_id == "C3"
    ]
    assert line_price(line.code, line.date_of_service, line.units) == PRICE_99484


# ------------------------------------------------------------------ options

OPTIONS_BODY = """
from pydantic import BaseModel, ConfigDict


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = 20


def check(unit, options):
    yield Problem(message=f"limit {options.limit}", record=unit.billed.line)
"""


def test_options_default_and_configured(tmp_path):
    default = run_with_plugin(tmp_path, OPTIONS_BODY, "line", CLEAN_BUNDLE)
    assert {f.message for f in default.findings} == {"limit 20"}
    registry = load_registry([tmp_path / "plugins"], plugins=False)
    spec = registry.get("ACME-TEST-001")
    assert spec.options_model is not None
    settings = AuditSettings(options={"ACME-TEST-001": spec.options_model(limit=31)})
    configured = Engine([spec], settings).audit(load_paths([CLEAN_BUNDLE]))
    assert {f.message for f in configured.findings} == {"limit 31"}


# ------------------------------------------------------------------ property: valid input

CARE_CODES = [
    "99484", "G0323", "99492", "99493", "99494", "G2214", "99490", "99439", "99487", "99491",
    "99424", "99495", "G0568", "G0569", "G0570", "G0556", "90834", "99214",
]  # fmt: skip
PROGRAMS = ["BHI", "COCM", "CCM", "PCM", "TCM", "APCM"]
DAYS = (
    st.integers(1, 31).map(lambda d: f"2026-03-{d:02d}")
    | st.integers(1, 30).map(lambda d: f"2026-04-{d:02d}")
    | st.just("2025-12-31")
)
PATIENT = st.sampled_from(["P1", "P2"])
STAFF = st.sampled_from(["S1", "S2", "S3", "S9"])


@st.composite
def valid_documents(draw: st.DrawFn) -> dict:
    """Well-formed bundle documents mixing every program, month edge and optional kind."""
    claims, lines, entries = [], [], []
    for i in range(draw(st.integers(0, 4))):
        claims.append(
            {"claim_id": f"C{i}", "patient_id": draw(PATIENT), "billing_practitioner": draw(STAFF)}
        )
        for n in range(1, draw(st.integers(1, 3)) + 1):
            lines.append(
                {
                    "claim_id": f"C{i}",
                    "line_number": n,
                    "code": draw(st.sampled_from(CARE_CODES)),
                    "units": draw(st.integers(1, 4)),
                    "date_of_service": draw(DAYS),
                }
            )
    for i in range(draw(st.integers(0, 6))):
        entry = {
            "entry_id": f"T{i}",
            "patient_id": draw(PATIENT),
            "program": draw(st.lists(st.sampled_from(PROGRAMS), min_size=1, max_size=2)),
            "staff_id": draw(st.none() | STAFF),
            "date": draw(st.none() | DAYS),
        }
        if draw(st.booleans()):
            entry["minutes"] = draw(st.integers(0, 90))
        elif draw(st.booleans()):
            hour, minute = draw(st.integers(8, 16)), draw(st.integers(0, 50))
            entry["start_time"] = f"{hour:02d}:{minute:02d}"
            entry["end_time"] = f"{hour:02d}:{minute + draw(st.integers(1, 9)):02d}"
        if draw(st.booleans()):
            entry["billed_service"] = draw(st.sampled_from(CARE_CODES))
        entries.append({k: v for k, v in entry.items() if v is not None})
    document: dict = {"claims": claims, "claim_lines": lines, "time_entries": entries}
    if draw(st.booleans()):
        roles = st.lists(
            st.sampled_from(["bhcm", "clinical_staff", "psychiatric_consultant"]),
            min_size=1,
            max_size=2,
            unique=True,
        )
        document["staff"] = [
            {"staff_id": "S1", "roles": ["billing_practitioner"], "practitioner_type": "physician"},
            {"staff_id": "S2", "roles": draw(roles)},
            {"staff_id": "S3", "roles": ["psychiatric_consultant"]},
        ]
    if draw(st.booleans()):
        document["consents"] = [
            {
                "consent_id": f"K{i}",
                "patient_id": draw(PATIENT),
                "programs": draw(st.lists(st.sampled_from(PROGRAMS), min_size=1, max_size=3)),
                "date_obtained": draw(DAYS),
                "method": "verbal",
                **({"revoked_on": draw(DAYS)} if draw(st.booleans()) else {}),
            }
            for i in range(draw(st.integers(0, 3)))
        ]
    if draw(st.booleans()):
        document["caseload_reviews"] = [
            {
                "review_id": f"R{i}",
                "date": draw(DAYS),
                "consultant_id": draw(STAFF),
                "patients_reviewed": draw(st.lists(PATIENT, max_size=2)),
            }
            for i in range(draw(st.integers(0, 2)))
        ]
    if draw(st.booleans()):
        document["patients"] = [{"patient_id": "P1"}]
    if draw(st.booleans()):
        end = draw(st.sampled_from(["2026-03-31", "2026-04-30"]))
        document["period"] = {"records_from": "2026-03-01", "records_to": end}
    return document


@settings(max_examples=100, deadline=None, database=None)
@given(document=valid_documents())
def test_valid_input_never_crashes_a_builtin_check(document):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        result = run_audit(path)
    crashes = [f.message for f in result.findings if f.outcome is Outcome.INTERNAL_ERROR]
    assert crashes == []
    assert result.rejected == ()
    assert list(result.findings) == sorted(result.findings, key=lambda f: f.sort_key)
    assert result.totals.at_risk == sum(c.at_risk for c in result.per_claim.values())


# ------------------------------------------------------------------ applicable checks


@pytest.mark.parametrize("scope", ["patient", "patient_month", "line"])
@pytest.mark.parametrize(
    "codes", [(), ("99484",), ("99492", "99494"), ("99490",), ("G0323", "99484", "90832")]
)
def test_applicable_checks_are_looked_up_once_per_code_set(scope, codes):
    engine = Engine(load_registry(plugins=False).select())
    wanted = [
        spec.id
        for spec in engine.specs
        if spec.scope == scope and (spec.codes is None or any(c in spec.codes for c in codes))
    ]
    found = engine._applicable_to(scope, frozenset(codes))
    assert [spec.id for spec in found] == wanted  # the same checks, in registry order
    assert engine._applicable_to(scope, frozenset(reversed(codes))) is found  # looked up once
