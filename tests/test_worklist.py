"""Fix first: the claim worklist's ranking, money, deadline and checklist, through the real loader.

The fixture tests/fixtures/worklist/ranking.json is built so that each part of the ranking
rule decides one pair: C-A has the most dollars to be denied; C-C, C-D and C-H tie on dollars
and deadline (claim id decides); C-B has the same dollars but a later deadline; C-E and C-E2
have only warnings (no dollars to be denied: the deadline decides); C-F's error is on a 2027
date of service, which has no national rate, so it adds no dollars; C-G is clean.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bhi_audit.loaders import load_paths
from bhi_audit.redact import claim_pseudonym, collect_phi, pseudonym, redact
from bhi_audit.reporters import csv_worklist, html, sarif
from bhi_audit.reporters.decision_view import claim_states, decision_view, split_money
from bhi_audit.summaries import open_line_money, summarize_claims
from bhi_audit.worklist import build_worklist, documentation_checklist, filing_deadline

from conftest import REPO, run_audit

RANKING = REPO / "tests" / "fixtures" / "worklist" / "ranking.json"
SELECT = ["BHI-CONS-001", "BHI-DX-002"]
KEY = b"worklist-test-key"
ZERO = Decimal("0.00")


@pytest.fixture(scope="module")
def ranking():
    result = run_audit(RANKING, select=SELECT)
    assert result.rejected == ()
    return result


def test_claims_are_ranked_by_denied_dollars_then_deadline_then_claim_id(ranking):
    rows = build_worklist(ranking)
    assert [(r.rank, r.claim_id, r.to_be_denied, r.deadline) for r in rows] == [
        (1, "C-A", Decimal("160.32"), date(2027, 3, 10)),
        (2, "C-C", Decimal("57.45"), date(2027, 1, 15)),
        (3, "C-D", Decimal("57.45"), date(2027, 1, 15)),
        (4, "C-H", Decimal("57.45"), date(2027, 1, 15)),
        (5, "C-B", Decimal("57.45"), date(2027, 1, 31)),
        (6, "C-E", Decimal("0.00"), date(2026, 12, 31)),
        (7, "C-E2", Decimal("0.00"), date(2027, 1, 20)),
        (8, "C-F", Decimal("0.00"), date(2028, 1, 20)),
    ]


def test_rows_name_claim_patient_month_codes_and_fixes(ranking):
    first = build_worklist(ranking)[0]
    assert (first.claim_id, first.patient_id, first.month, first.codes) == (
        "C-A",
        "P1",
        "2026-03",
        ("99492",),
    )
    assert [(f.severity, f.text, f.checks) for f in first.fixes] == [
        ("error", "add the CoCM consent dated on or before 2026-03-10", ("BHI-CONS-001",))
    ]
    assert [f.ask for f in first.fixes] == ["billing practitioner"]


def test_warning_money_is_audit_risk_and_a_line_is_counted_once(ranking):
    rows = {r.claim_id: r for r in build_worklist(ranking)}
    # C-H: an error and a warning on its one line: the line is to be denied, not also at risk.
    assert (rows["C-H"].to_be_denied, rows["C-H"].audit_risk) == (Decimal("57.45"), ZERO)
    assert [f.severity for f in rows["C-H"].fixes] == ["error", "warning"]
    # C-E (2025 rate) and C-E2 (2026 rate): warnings only.
    assert (rows["C-E"].to_be_denied, rows["C-E"].audit_risk) == (ZERO, Decimal("53.05"))
    assert (rows["C-E2"].to_be_denied, rows["C-E2"].audit_risk) == (ZERO, Decimal("57.45"))


def test_a_line_an_open_error_prices_at_zero_is_denied_not_at_audit_risk(ranking):
    # C-H's one line has an open error and an open warning. With the error priced at $0.00
    # and the warning at $57.45, the error still denies the line: the warning's amount is not
    # also at audit risk, in the worklist and the HTML first screen alike (the first screen
    # used to count it, as a $0.00 amount was no line at all there).
    price = {"error": ZERO, "warning": Decimal("57.45")}
    findings = tuple(
        f.model_copy(update={"at_risk": price[f.severity.value]})
        for f in ranking.findings
        if f.claim_id == "C-H"
    )
    assert sorted((f.severity.value, f.line_number) for f in findings) == [
        ("error", 1),
        ("warning", 1),
    ]
    result = ranking.model_copy(update={"findings": findings})
    (row,) = build_worklist(result)
    assert (row.claim_id, row.to_be_denied, row.audit_risk) == ("C-H", ZERO, ZERO)
    assert split_money(findings) == (ZERO, ZERO)
    assert open_line_money(findings) == ({("C-H", 1): ZERO}, {})
    assert decision_view(result)["risk"] == "$0.00"


def test_a_claim_whose_findings_are_all_accepted_is_flagged_but_ready(ranking):
    # per_claim records what the audit found ("flagged": an error or warning names the claim,
    # accepted or not, as Totals.errors counts every violation); whether the claim can go out
    # is the first screen's and the worklist's call, from the settled status: ready, no row.
    findings = tuple(
        f.model_copy(update={"baselined": True}) for f in ranking.findings if f.claim_id == "C-H"
    )
    per_claim = summarize_claims({}, findings)
    assert (per_claim["C-H"].status, per_claim["C-H"].errors, per_claim["C-H"].warnings) == (
        "flagged",
        1,
        1,
    )
    result = ranking.model_copy(update={"findings": findings})
    assert build_worklist(result) == ()
    states = claim_states(result)
    assert (states["fix"], states["review"], states["ready"]) == (0, 0, len(ranking.per_claim))


def test_an_error_on_a_code_without_a_national_rate_is_marked_not_zero(ranking):
    rows = {r.claim_id: r for r in build_worklist(ranking)}
    assert rows["C-F"].no_rate == ("99484",)
    assert all(r.no_rate == () for r in rows.values() if r.claim_id != "C-F")
    view = html.build_view(ranking)["worklist"]
    shown = {r["claim"]: r for r in view["shown"]}
    assert (shown["C-F"]["denied"], shown["C-F"]["no_rate"]) == ("", "99484")
    assert view["no_rate_claims"] == 1
    page = io.StringIO()
    html.render(ranking, page)
    assert "no national rate (99484)" in page.getvalue()


def test_clean_claims_are_not_on_the_worklist(ranking):
    assert "C-G" not in {r.claim_id for r in build_worklist(ranking)}


@pytest.mark.parametrize(
    ("service", "deadline"),
    [
        (date(2026, 3, 10), date(2027, 3, 10)),
        (date(2026, 12, 31), date(2027, 12, 31)),
        (date(2028, 2, 29), date(2029, 2, 28)),  # CMS CR 7080: 29 February -> 28 February
    ],
    ids=["mid-year", "year-end", "leap-day"],
)
def test_filing_deadline_is_one_calendar_year_after_the_date_of_service(service, deadline):
    assert filing_deadline(service) == deadline


def test_finding_refs_are_the_sarif_fingerprints(ranking):
    document = sarif.to_document(ranking)
    fingerprints = {
        r["partialFingerprints"]["bhiAuditFinding/v1"] for r in document["runs"][0]["results"]
    }
    refs = {ref for row in build_worklist(ranking) for fix in row.fixes for ref in fix.refs}
    assert refs and refs <= fingerprints
    assert len(refs) == 9  # one per open finding: 6 consent errors, 3 diagnosis warnings
    by_claim = {f.claim_id: f.fingerprint for f in ranking.findings if f.check_id == SELECT[0]}
    assert build_worklist(ranking)[0].fixes[0].refs == (by_claim["C-A"],)


def test_checklist_is_per_patient_deduplicated_errors_first(ranking):
    checklist = {p.patient_id: p.items for p in documentation_checklist(ranking)}
    assert list(checklist) == ["P1", "P2", "P3", "P4", "P5", "P6", "P8"]
    dx = "point the 99484 line to a behavioral diagnosis in F01-F99 (it points to E11.9)"
    # P5: the same fix on two claims is one item citing both findings.
    assert [(i.kind, i.text, len(i.refs)) for i in checklist["P5"]] == [("warning", dx, 2)]
    assert [(i.kind, i.text) for i in checklist["P8"]] == [
        ("error", "add the BHI consent dated on or before 2026-01-15"),
        ("warning", dx),
    ]
    # Who to ask: the practitioner obtains consent; billing staff re-point the line.
    assert [i.ask for i in checklist["P8"]] == ["billing practitioner", "billing staff"]


def test_checklist_lists_what_is_not_verifiable():
    # No consent records in the input: consent is not verifiable; the fix is to supply them.
    result = run_audit(
        REPO
        / "tests"
        / "checks"
        / "fixtures"
        / "consent_before_billing"
        / "fail_unverifiable_no_consent_records.json",
        select=["BHI-CONS-001"],
    )
    items = [i for p in documentation_checklist(result) for i in p.items]
    assert [(i.kind, i.text) for i in items] == [
        (
            "not verifiable",
            "supply the records that decide it: no consents in the input",
        )
    ]
    assert build_worklist(result) == ()  # not verifiable is not an open problem of the claim


def _csv_rows(result):
    out = io.StringIO()
    csv_worklist.render(result, out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_csv_follows_the_worklist_order_with_rank_deadline_fix_and_ref(ranking):
    rows = _csv_rows(ranking)
    assert [(r["claim"], r["check"], r["rank"], r["deadline"]) for r in rows] == [
        ("C-A", "BHI-CONS-001", "1", "2027-03-10"),
        ("C-C", "BHI-CONS-001", "2", "2027-01-15"),
        ("C-D", "BHI-CONS-001", "3", "2027-01-15"),
        ("C-H", "BHI-CONS-001", "4", "2027-01-15"),
        ("C-H", "BHI-DX-002", "4", "2027-01-15"),
        ("C-B", "BHI-CONS-001", "5", "2027-01-31"),
        ("C-E", "BHI-DX-002", "6", "2026-12-31"),
        ("C-E2", "BHI-DX-002", "7", "2027-01-20"),
        ("C-F", "BHI-CONS-001", "8", "2028-01-20"),
    ]
    assert rows[0]["fix"] == "add the CoCM consent dated on or before 2026-03-10"
    fingerprints = {f.fingerprint for f in ranking.findings}
    assert {r["finding"] for r in rows} == fingerprints
    assert list(rows[0])[-6:] == ["rank", "deadline", "fix", "ask", "finding", "resolution"]
    assert rows[0]["ask"] == "billing practitioner"  # consent: the practitioner obtains it


def test_redacted_worklist_shows_only_pseudonyms(ranking):
    bundle = load_paths([RANKING])
    result = redact(ranking, collect_phi(bundle, [str(RANKING)]), KEY)
    rows = build_worklist(result)
    # The tie-break is the claim id shown: under --redact, the pseudonym.
    tied = sorted(claim_pseudonym(KEY, c) for c in ("C-C", "C-D", "C-H"))
    assert [r.claim_id for r in rows][:4] == [claim_pseudonym(KEY, "C-A"), *tied]
    assert rows[0].patient_id == pseudonym(KEY, "P1")
    page = io.StringIO()
    html.render(result, page)
    text = page.getvalue() + "".join(json.dumps(r) for r in _csv_rows(result))
    for claim_id in ("C-A", "C-B", "C-C", "C-D", "C-E", "C-E2", "C-F", "C-H"):
        assert f'"{claim_id}"' not in text and f">{claim_id}<" not in text, claim_id
    for row in _csv_rows(result):
        assert row["claim"].startswith("cl-") and row["patient"].startswith("pt-")
    assert claim_pseudonym(KEY, "C-A") in page.getvalue()


def test_redacted_claim_summaries_carry_the_patient_pseudonym(ranking):
    bundle = load_paths([Path(RANKING)])
    result = redact(ranking, collect_phi(bundle, [str(RANKING)]), KEY)
    patients = {s.patient_id for s in result.per_claim.values()}
    assert patients == {pseudonym(KEY, f"P{n}") for n in range(1, 9)}
