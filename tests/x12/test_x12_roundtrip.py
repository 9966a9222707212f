"""Writer -> reader round trip: the 837P read back equals the source claims, whatever the
delimiters, line breaks and envelope layout."""

from __future__ import annotations

import io
import json

import pytest
from x12_support import SOURCE, load, render_source, rows, source_bundle, write

from bhi_audit.writers.x12 import Delimiters, documents_from_bundle, write_837

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

    path = tmp_path / "b.json"
    path.write_text(
        '{"patients": [{"patient_id": "P1"}], "staff": [{"staff_id": "S1", '
        '"npi": "1234567893", "roles": "bhcm"}], "claims": [{"claim_id": "C1", '
        '"patient_id": "P1", "billing_practitioner": "S1"}], "claim_lines": []}'
    )
    with pytest.raises(ValueError, match="claim C1: patient P1 has no medicare_id"):
        documents_from_bundle(load_paths([path]))


def test_several_interchanges_in_one_file(tmp_path):
    documents = documents_from_bundle(source_bundle())
    first, second = io.StringIO(), io.StringIO()
    write_837(documents[:2], first, control_number=1)
    write_837(documents[2:], second, control_number=2)
    bundle = load(write(tmp_path, first.getvalue() + second.getvalue()))
    assert bundle.rejected == []
    assert rows(bundle, "claims") == rows(source_bundle(), "claims")


def test_claim_without_rendering_reads_back_with_the_billing_practitioner(tmp_path):
    from bhi_audit.loaders import load_paths

    document = json.loads(SOURCE.read_text())
    document["claims"][0].pop("rendering_practitioner")
    source = tmp_path / "source.json"
    source.write_text(json.dumps(document))
    out = io.StringIO()
    write_837(documents_from_bundle(load_paths([source])), out)
    assert "NM1*82" not in out.getvalue().split("CLM*C2")[0]
    claims = {c.claim_id: c for c in load(write(tmp_path, out.getvalue())).records["claims"]}
    assert claims["C1"].rendering_practitioner == "S1"  # 2310B absent: billing rendered


@pytest.mark.parametrize(
    "delimiters",
    [Delimiters("*", "*", "^", "~"), Delimiters("*", ":", "", "~"), Delimiters("A", ":", "^", "~")],
    ids=["element-equals-component", "no-repetition", "letter"],
)
def test_writer_refuses_unusable_delimiters(delimiters):
    with pytest.raises(ValueError, match="cannot write with"):
        write_837([], io.StringIO(), delimiters=delimiters)


def test_institutional_claims_are_not_written_as_837p(tmp_path):
    from bhi_audit.loaders import load_paths
    from bhi_audit.writers.x12 import professional_claims

    document = json.loads(SOURCE.read_text())
    document["claims"][1].update(claim_type="institutional", type_of_bill="711")
    source = tmp_path / "source.json"
    source.write_text(json.dumps(document))
    bundle = load_paths([source])
    with pytest.raises(ValueError, match="claim C2 is institutional: it belongs in an 837I"):
        documents_from_bundle(bundle)
    professional, left_out = professional_claims(bundle)
    assert [c.claim_id for c in left_out] == ["C2"]
    assert [d.claim.claim_id for d in documents_from_bundle(professional)] == ["C1", "C3", "C4"]
