"""The duplicate rule's compact memory of first locations (bhi_audit/loaders/first_seen.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bhi_audit.loaders import load_paths
from bhi_audit.loaders.first_seen import FILE_MASK, FirstSeen
from bhi_audit.models import Location

from conftest import SAMPLE


def test_a_new_key_is_remembered_and_a_repeat_gets_the_first_location_back():
    seen = FirstSeen()
    assert seen.first("claims", "C1", Location(file="claims.csv", row=2)) is None
    assert seen.first("claims", "C2", Location(file="other.csv", row=70_000)) is None
    assert seen.first("claims", "C1", Location(file="x.csv", row=9)) == Location(
        file="claims.csv", row=2
    )
    assert seen.first("claims", "C2", Location(file="x.csv", row=9)) == Location(
        file="other.csv", row=70_000
    )
    assert len(seen) == 2


def test_kinds_are_separate_id_spaces():
    seen = FirstSeen()
    assert seen.first("claims", "X1", Location(file="claims.csv", row=2)) is None
    assert seen.first("visits", "X1", Location(file="visits.csv", row=2)) is None
    assert len(seen) == 2


def test_locations_that_are_not_plain_rows_come_back_whole():
    seen = FirstSeen()
    pointer = Location(file="doc.json", pointer="/claims/3", start=(41, 7))
    segment = Location(file="batch.x12", segment=118)
    ndjson = Location(file="r.ndjson", row=4, start=(4, 1))
    for ident, where in (("a", pointer), ("b", segment), ("c", ndjson)):
        assert seen.first("claims", ident, where) is None
    assert seen.first("claims", "a", segment) == pointer
    assert seen.first("claims", "b", pointer) == segment
    assert seen.first("claims", "c", pointer) == ndjson


def test_more_files_than_the_packed_index_holds_keep_their_locations():
    seen = FirstSeen()
    for index in range(FILE_MASK + 3):
        assert seen.first("claims", f"C{index}", Location(file=f"f{index}.csv", row=5)) is None
    last = FILE_MASK + 2
    assert seen.first("claims", f"C{last}", Location(file="x.csv", row=1)) == Location(
        file=f"f{last}.csv", row=5
    )
    assert seen.first("claims", "C0", Location(file="x.csv", row=1)) == Location(
        file="f0.csv", row=5
    )


def test_a_duplicate_across_two_files_names_the_first_file_and_row(tmp_path: Path):
    practice = tmp_path / "practice"
    shutil.copytree(SAMPLE, practice)
    first_row = (practice / "claims.csv").read_text(encoding="utf-8").splitlines()[1]
    more = tmp_path / "more"
    more.mkdir()
    header = (practice / "claims.csv").read_text(encoding="utf-8").splitlines()[0]
    (more / "claims.csv").write_text(
        f"{header}\n{first_row.replace('C001', 'C900', 1)}\n{first_row}\n", encoding="utf-8"
    )
    bundle = load_paths([practice, more])
    claims = [c.claim_id for c in bundle.records["claims"]]
    assert claims.count("C001") == 1
    assert "C900" in claims
    (rejection,) = [r for r in bundle.rejected if r.kind == "claims"]
    assert str(rejection.location).endswith("more/claims.csv:3")
    ((field, message),) = rejection.reasons
    assert field == "claim_id"
    assert message.startswith("duplicate of ")
    assert message.endswith("practice/claims.csv:2")
