"""Month-level rules give the same findings whatever order the input lists its records in."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_audit

FIXTURES = Path(__file__).parent / "checks" / "fixtures"
CASES = [
    ("monthly_code_duplicate/fail_same_code_twice.json", "BHI-EXCL-005"),
    ("bhi_with_cocm_same_month/fail_bhi_with_cocm.json", "BHI-EXCL-001"),
    ("apcm_addon_with_mirror/fail_addon_with_mirror.json", "BHI-EXCL-008"),
]


def findings_of(document: dict, check_id: str) -> list[tuple[object, ...]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.json"
        path.write_text(json.dumps(document))
        result = run_audit(path, select=[check_id])
    return sorted(
        ((f.claim_id, f.line_number, f.variant, f.message) for f in result.findings), key=str
    )


@settings(max_examples=15, deadline=None)
@given(case=st.sampled_from(CASES), data=st.data())
def test_findings_do_not_depend_on_record_order(case, data):
    fixture, check_id = case
    document = json.loads((FIXTURES / fixture).read_text())
    expected = findings_of(document, check_id)
    shuffled = {kind: data.draw(st.permutations(rows)) for kind, rows in document.items()}
    assert findings_of(shuffled, check_id) == expected
