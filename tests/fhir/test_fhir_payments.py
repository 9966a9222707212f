"""ExplanationOfBenefit resources give FHIR claim lines their paid amounts (docs/fhir.md)."""

from __future__ import annotations

import json

from fhir_helpers import CLAIM_BUNDLE, PRACTICE

from bhi_audit.cli import main
from bhi_audit.loaders import load_paths
from bhi_audit.models import ClaimLine

ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
CARIN = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication"


def eob(rid: str, claim: str, items: list[tuple[int, str, str, object]], status="active"):
    """An EOB with (sequence, system, category, amount) adjudications, one per item."""
    return {
        "resourceType": "ExplanationOfBenefit",
        "id": rid,
        "status": status,
        "claim": {"reference": claim},
        "item": [
            {
                "sequence": sequence,
                "adjudication": [
                    {
                        "category": {"coding": [{"system": ADJUDICATION, "code": "submitted"}]},
                        "amount": {"value": 999, "currency": "USD"},
                    },
                    {
                        "category": {"coding": [{"system": system, "code": code}]},
                        "amount": {"value": amount, "currency": "USD"},
                    },
                ],
            }
            for sequence, system, code, amount in items
        ],
    }


def clean_claims(tmp_path):
    """The FHIR claim fixture without its deliberately broken line (FC2 item 2)."""
    bundle = json.loads(CLAIM_BUNDLE.read_text(encoding="utf-8"))
    for entry in bundle["entry"]:
        if entry["resource"].get("id") == "FC2":
            entry["resource"]["item"] = entry["resource"]["item"][:1]
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def write_eobs(tmp_path, resources):
    path = tmp_path / "eobs.json"
    bundle = {"resourceType": "Bundle", "type": "collection"}
    bundle["entry"] = [{"resource": r} for r in resources]
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def test_paid_amounts_reach_their_claim_lines_and_every_eob_is_counted(tmp_path):
    eobs = write_eobs(
        tmp_path,
        [
            eob("E1", "Claim/FC1", [(1, ADJUDICATION, "benefit", 128.26)]),
            eob("E2", "Claim/FC2", [(1, CARIN, "paidtoprovider", "45.00")]),
            eob("E3", "Claim/FC-NOT-HERE", [(1, ADJUDICATION, "benefit", 10)]),  # not used
            eob("E4", "Claim/FC1", [(1, ADJUDICATION, "benefit", 1)], status="cancelled"),
            eob("E5", "Claim/FC1", [(1, ADJUDICATION, "benefit", "lots")]),  # rejected
        ],
    )
    bundle = load_paths([PRACTICE, clean_claims(tmp_path), eobs])
    paid = {(line.claim_id, line.line_number): line.paid_amount for line in bundle.of(ClaimLine)}
    assert str(paid[("FC1", 1)]) == "128.26"  # the exact digits, never a float
    assert str(paid[("FC2", 1)]) == "45.00"
    kind = "fhir:ExplanationOfBenefit"
    assert bundle.read[kind] == 5
    assert bundle.not_used[kind] == 2
    [rejected] = [r for r in bundle.rejected if r.kind == kind]
    assert rejected.location.pointer.endswith("/item/0/adjudication/1/amount/value")


def test_a_frame_examines_what_the_eob_says_was_paid(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    eobs = write_eobs(tmp_path, [eob("E1", "Claim/FC1", [(1, ADJUDICATION, "benefit", 128.26)])])
    frame = tmp_path / "frame.csv"
    args = ["frame", str(PRACTICE), str(clean_claims(tmp_path)), str(eobs), "--unit", "line", "-o"]
    result = runner.invoke(main, [*args, str(frame)])
    assert result.exit_code == 0, result.output
    rows = {r.split(",")[1]: r.split(",") for r in frame.read_text().splitlines()[1:]}
    assert rows["FC1#1"][-2:] == ["128.26", "paid"]
    assert rows["FC2#1"][-1] == "allowed"
