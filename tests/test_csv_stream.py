"""CSV files are checked and parsed a block at a time, with read_text's messages.

Why these cases: the check reads the file in blocks (``csv_bundle.READ_BLOCK``), so a bad byte
or a multi-byte character can fall on a block's edge; the line named and the byte shown must
be the file's own, and a NUL byte anywhere still wins over a bad byte, as it did when the file
was read whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bhi_audit.errors import InputError
from bhi_audit.loaders import csv_bundle, load_paths
from bhi_audit.loaders.csv_bundle import check_text, read_text

ROWS = "".join(f"C{n},P{n},S1,11,F32.1\n" for n in range(40))
HEADER = "claim_id,patient_id,billing_practitioner,place_of_service,diagnoses\n"


def _message(path: Path, check) -> str:
    with pytest.raises(InputError) as caught:
        check(path, "claims.csv")
    return str(caught.value)


@pytest.fixture(params=[3, 7, 64, 1 << 20], ids=lambda n: f"block-{n}")
def block(request, monkeypatch) -> int:
    monkeypatch.setattr(csv_bundle, "READ_BLOCK", request.param)
    return request.param


@pytest.mark.parametrize(
    "content",
    [
        (HEADER + ROWS + "C99,Jos\xe9,S1,11,F41.1\n").encode("latin-1"),
        b"\xef\xbb\xbf" + (HEADER + ROWS).encode() + b"C99,\xff,S1,11,F41.1\n",
        (HEADER + ROWS).encode() + b"C99,Jos\xc3",  # a character cut off at the end
        (HEADER + ROWS).encode() + b"\xe2\x82\n",  # a character cut off by a line break
        (HEADER + "C1,P1,S1,11,F32.1\n").encode() + b"\xe9\n" + b"\x00",  # NUL wins
        b"\x00" + HEADER.encode() + b"\xe9",
    ],
    ids=["latin-1", "bom-then-bad", "cut-at-end", "cut-by-newline", "nul-after-bad", "nul-first"],
)
def test_the_streamed_check_says_what_reading_the_whole_file_said(tmp_path, block, content):
    path = tmp_path / "claims.csv"
    path.write_bytes(content)
    expected = _message(path, read_text)
    if content.startswith(b"\xef\xbb\xbf"):
        # NOTE: read_text names the byte 3 places off after a BOM (utf-8-sig's positions skip
        # it); the streamed check names the file's own byte, on the same line.
        assert expected.startswith("claims.csv:42: not UTF-8 text")
        assert _message(path, check_text) == (
            "claims.csv:42: not UTF-8 text (byte 0xff); export the file as UTF-8"
        )
    else:
        assert _message(path, check_text) == expected


def test_a_multibyte_character_across_every_block_edge_is_valid(tmp_path, block):
    path = tmp_path / "claims.csv"
    path.write_text(HEADER + "".join(f"C{n},Zoë-€-𝄞{n},S1,11,F32.1\n" for n in range(30)))
    check_text(path, "claims.csv")  # no error


def test_a_file_parsed_as_a_stream_keeps_rows_breaks_and_bom(tmp_path, block):
    directory = tmp_path / "practice"
    directory.mkdir()
    for name in ("patients", "claim_lines"):
        source = Path(__file__).parent.parent / "sample_claims" / f"{name}.csv"
        (directory / f"{name}.csv").write_bytes(source.read_bytes())
    body = (
        HEADER.replace("diagnoses", "diagnoses,created_on")
        + "C1,P001,S-ADAMS,11,F41.1,2026-02-01\r\n"
        + '"C2",P001,"S-ADAMS",11,"F41.1;\nF32.1",2026-02-01\r\n'
        + "\n"
        + "C3,P001,S-ADAMS,11,F41.1,2026-02-01"
    )
    (directory / "claims.csv").write_bytes(b"\xef\xbb\xbf" + body.encode())
    bundle = load_paths([directory])
    claims = {c.claim_id: c for c in bundle.records["claims"]}
    assert sorted(claims) == ["C1", "C2", "C3"]
    assert claims["C2"].diagnoses == ["F41.1", "F32.1"]
    assert [str(c.location) for c in bundle.records["claims"]] == [
        f"{directory}/claims.csv:2",
        f"{directory}/claims.csv:3",
        f"{directory}/claims.csv:6",
    ]
