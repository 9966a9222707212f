"""Writer -> reader round trip: the 837P read back equals the source claims, whatever the
delimiters, line breaks and envelope layout."""

from __future__ import annotations

import pytest
from x12_support import load, render_source, rows, source_bundle, write

from bhi_audit.writers.x12 import Delimiters

VARIANTS = [
    ("star-colon-tilde-newlines", dict(line_breaks=True)),
    ("star-colon-tilde-one-line", dict(line_breaks=False)),
    ("pipe-caret-tilde", dict(delimiters=Delimiters("|", "^", "{", "~"), line_breaks=False)),
    ("pipe-caret-tilde-newlines", dict(delimiters=Delimiters("|", "^", "{", "~"))),
    ("newline-terminator", dict(delimiters=Delimiters("*", ":", "^", "\n"), line_breaks=False)),
    ("plus-greater-quote", dict(delimiters=Delimiters("+", ">", "!", "'"), line_breaks=False)),
    ("one-claim-per-set", dict(claims_per_set=1)),
    ("two-sets-per-group", dict(claims_per_set=1, sets_per_group=2)),
]


@pytest.mark.parametrize(("variant", "options"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_round_trip_equals_source(tmp_path, variant, options):
    source = source_bundle()
    bundle = load(write(tmp_path, render_source(**options)))
    assert bundle.rejected == []
    assert rows(bundle, "claims") == rows(source, "claims")
    assert rows(bundle, "claim_lines") == rows(source, "claim_lines")


def test_crlf_line_ends_read_the_same(tmp_path):
    text = render_source().replace("~\n", "~\r\n")
    bundle = load(write(tmp_path, text))
    assert bundle.rejected == []
    assert rows(bundle, "claim_lines") == rows(source_bundle(), "claim_lines")


def test_several_groups_and_sets_are_all_read(tmp_path):
    text = render_source(claims_per_set=1, sets_per_group=2)
    assert (text.count("\nGS*"), text.count("\nST*")) == (2, 4)
    bundle = load(write(tmp_path, text))
    assert sorted(c.claim_id for c in bundle.records["claims"]) == ["C1", "C2", "C3", "C4"]


def test_records_point_at_their_segments(tmp_path):
    text = render_source(line_breaks=True)
    path = write(tmp_path, text)
    bundle = load(path)
    lines = text.splitlines()
    for record in bundle.records["claims"]:
        assert lines[record.location.segment - 1].startswith(f"CLM*{record.claim_id}*")
        assert str(record.location) == f"{path}:segment {record.location.segment}"
    for record in bundle.records["claim_lines"]:
        assert lines[record.location.segment - 1] == f"LX*{record.line_number}~"


def test_writer_output_is_deterministic():
    assert render_source() == render_source()


def test_writer_refuses_a_patient_without_medicare_id(tmp_path):
    from bhi_audit.loaders import load_paths
    from bhi_audit.writers.x12 import documents_from_bundle

    path = tmp_path / "b.json"
    path.write_text(
        '{"patients": [{"patient_id": "P1"}], "staff": [{"staff_id": "S1", '
        '"npi": "1234567893", "roles": "bhcm"}], "claims": [{"claim_id": "C1", '
        '"patient_id": "P1", "billing_practitioner": "S1"}], "claim_lines": []}'
    )
    with pytest.raises(ValueError, match="claim C1: patient P1 has no medicare_id"):
        documents_from_bundle(load_paths([path]))
