"""A rejected FHIR Claim, and each rejected item of one, names the claim it leaves unaudited:
the Claim's logical id, which the loader makes the claim id (``map_claim``), read raw.

Every way the loader rejects a Claim or an item: an item it cannot map, a Claim it cannot map,
an unresolved reference, a row the model rejects, and (for a Claim with no id) none to name;
as a Bundle document and as Bulk Data NDJSON.
"""

from __future__ import annotations

import copy
import io
import json

import pytest
from fhir_helpers import CLAIM_BUNDLE, PRACTICE, write_ndjson

from bhi_audit.reporters.html import render

from conftest import run_audit


def _claims() -> list[dict]:
    """The claim fixture's Claims (FC2 item 2 has no serviced[x]) plus broken ones."""
    claims = [e["resource"] for e in json.loads(CLAIM_BUNDLE.read_text("utf-8"))["entry"]]
    fc1 = claims[0]
    bad_item = copy.deepcopy(fc1)  # an item the mapper rejects: not a CPT/HCPCS code
    bad_item["id"] = "FC4"
    bad_item["item"][0]["productOrService"]["coding"][0]["code"] = "BADCODE"
    no_provider = copy.deepcopy(fc1)  # a Claim the mapper rejects whole
    no_provider["id"] = "FC5"
    del no_provider["provider"]
    unknown_patient = copy.deepcopy(fc1)  # a reference to no patient of the input
    unknown_patient["id"] = "FC6"
    unknown_patient["patient"] = {"reference": "Patient/NOBODY"}
    zero_units = copy.deepcopy(fc1)  # a line row the model rejects (units >= 1)
    zero_units["id"] = " FC7 "
    zero_units["item"][0]["quantity"]["value"] = 0
    no_id = copy.deepcopy(fc1)
    del no_id["id"]
    return [*claims, bad_item, no_provider, unknown_patient, zero_units, no_id]


EXPECTED = {
    ("claim_lines", "FC2"),
    ("claim_lines", "FC4"),
    ("claims", "FC5"),
    ("claims", "FC6"),
    ("claim_lines", "FC7"),
    ("claims", None),
}


@pytest.mark.parametrize("form", ["bundle", "ndjson"])
def test_rejected_claims_and_items_name_the_claim(tmp_path, form):
    if form == "bundle":
        path = tmp_path / "claims.json"
        entries = [{"resource": claim} for claim in _claims()]
        path.write_text(json.dumps({"resourceType": "Bundle", "entry": entries}), "utf-8")
    else:
        path = write_ndjson(tmp_path / "Claim.ndjson", _claims())
    result = run_audit(PRACTICE, path, select=["BHI-TIME-001"])
    assert {(r.kind, r.claim_id) for r in result.rejected} == EXPECTED
    out = io.StringIO()
    render(result, out)
    assert '<li>claim <b class="claim">FC5</b> (<span class="loc">' in out.getvalue()
    assert '<li>a line of claim <b class="claim">FC4</b> (<span class="loc">' in out.getvalue()


def test_claim_failing_fhir_validation_names_the_claim(tmp_path):
    from bhi_audit.loaders import load_paths
    from bhi_audit.loaders.fhir_validate import make_validator

    good = _claims()[0]
    claim = copy.deepcopy(good)
    claim["id"] = "FC9"
    claim["priority"] = "urgent"  # a CodeableConcept in R4: --fhir-validate rejects a string
    path = write_ndjson(tmp_path / "Claim.ndjson", [good, claim])
    bundle = load_paths([PRACTICE, path], fhir_validator=make_validator())
    named = [(r.kind, r.claim_id, r.problems) for r in bundle.rejected if r.kind == "claims"]
    assert named == [("claims", "FC9", ("fhir_validation",))]
