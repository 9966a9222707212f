"""Malformed 837P input: every structural problem is an input error or a rejected record with
its exact message and segment — never a traceback, never a silently skipped claim.

The base file is the source fixture written as two transaction sets (C1, C2 | C3, C4); see
``render_source``. Segment numbers below are those of that file (ISA = 1).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from x12_support import (
    drop,
    drop_segments,
    load,
    recount,
    render_source,
    replace,
    segment_of,
    write,
)

from bhi_audit.errors import InputError, InputErrors

BASE = render_source()

# ------------------------------------------------------------------ whole file unusable

ISA = BASE.splitlines()[0]
UNUSABLE = [
    (
        "text-before-isa",
        "HELLO WORLD\n" + BASE,
        "segment 1: text before ISA: an X12 interchange must start with ISA (found 'HELLO WORLD')",
    ),
    (
        "empty-file",
        "",
        "segment 1: text before ISA: an X12 interchange must start with ISA "
        "(found 'an empty file')",
    ),
    (
        "isa-not-fixed-width",
        BASE.replace("*BHIAUDIT       *", "*BHIAUDIT*", 1),
        "segment 1: bad ISA length: ISA must be 106 characters with 16 elements separated by "
        "'*' (found 18 separators in the first 106 characters)",
    ),
    (
        "same-element-and-component-separator",
        BASE.replace("*P*:~", "*P**~", 1),
        "segment 1: ISA declares unusable delimiters (the separators must differ from each "
        "other): element '*', repetition '^', component '*', segment '~'",
    ),
    (
        "letter-as-segment-terminator",
        BASE.replace("*P*:~", "*P*:X", 1),
        "segment 1: ISA declares unusable delimiters (each separator must be one punctuation "
        "character): element '*', repetition '^', component ':', segment 'X'",
    ),
    (
        "unknown-isa-version",
        BASE.replace("*00501*", "*00401*", 1),
        "segment 1: unknown version: ISA12 '00401' (only 00501, the 5010 envelope, is read)",
    ),
    (
        "institutional-837i-group",
        BASE.replace("*X*005010X222A1~\nST", "*X*005010X223A2~\nST", 1),
        "segment 2: unknown version: GS01 'HC' GS08 '005010X223A2' is not an 837P claim group "
        "(005010X222A1 or 005010X222A2)",
    ),
    (
        "truncated-inside-a-set",
        "\n".join(BASE.splitlines()[:50]) + "\n",
        "segment 50: truncated interchange: the file ends without IEA "
        "(last segment 50, inside transaction set 0002)",
    ),
    (
        "missing-iea",
        "\n".join(BASE.splitlines()[:-1]) + "\n",
        "segment 73: truncated interchange: the file ends without IEA (last segment 73)",
    ),
    (
        "ge-count-wrong",
        BASE.replace("GE*2*1~", "GE*3*1~"),
        "segment 73: GE01 says 3 transaction sets, group 1 has 2",
    ),
    (
        "iea-control-number-wrong",
        BASE.replace("IEA*1*000000001~", "IEA*1*000000002~"),
        "segment 74: IEA02 '000000002' does not match ISA13 '000000001'",
    ),
    (
        "segment-outside-a-set",
        BASE.replace("GE*2*1~", "NM1*85*1*X~\nGE*2*1~"),
        "segment 73: segment 'NM1' outside a transaction set (ST/SE)",
    ),
    (
        "st-outside-a-group",
        BASE.replace("GS*HC*", "XX*HC*", 1),
        "segment 2: segment 'XX' outside a transaction set (ST/SE)",
    ),
    (
        "second-isa-without-iea",
        BASE.replace("GE*2*1~\nIEA*1*000000001~\n", "GE*2*1~\n" + ISA + "\n"),
        "segment 74: ISA inside an interchange (the previous IEA is missing)",
    ),
    (
        "second-interchange-other-delimiters",
        BASE + ISA.replace("*", "|") + "\n",
        "segment 75: this interchange's ISA declares element separator '|', the first declared "
        "'*' (one file, one set of delimiters)",
    ),
    (
        "segment-after-iea",
        BASE + "NM1*85*1*X~\n",
        "segment 75: segment 'NM1' after IEA (outside any interchange)",
    ),
    (
        "gs-inside-a-group",
        BASE.replace("ST*837*0002", "GS*HC*A*B*20260101*1200*2*X*005010X222A1~\nST*837*0002"),
        "segment 37: GS inside a functional group (the previous GE is missing)",
    ),
    (
        "not-837",
        BASE.replace("ST*837*0001", "ST*835*0001"),
        "segment 3: ST01 '835' is not an 837 claim",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), UNUSABLE, ids=[c[0] for c in UNUSABLE])
def test_unusable_file_is_an_input_error(tmp_path, case, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(InputErrors) as excinfo:
        load(path)
    assert [str(e) for e in excinfo.value.errors] == [f"{path}:{expected}"]


# ------------------------------------------------------------------ rejected records

SET1_CLAIMS = {("claims", 18), ("claims", 30)}


def _rejected_set1(message: str) -> set[tuple[str, int, str]]:
    return {
        ("claims", 18, message),
        ("claims", 30, message),
        ("claim_lines", 20, "claim_id: claim C1 (segment 18) is rejected"),
        ("claim_lines", 23, "claim_id: claim C1 (segment 18) is rejected"),
        ("claim_lines", 33, "claim_id: claim C2 (segment 30) is rejected"),
    }


REJECTED = [
    (
        "se-count-mismatch",
        BASE.replace("SE*34*0001", "SE*33*0001"),
        _rejected_set1(
            "SE: SE01 says 33 segments but transaction set 0001 has 34 (segment 36); "
            "claim not audited"
        ),
        {"C3", "C4"},
    ),
    (
        "se-control-mismatch",
        BASE.replace("SE*34*0001", "SE*34*0009"),
        _rejected_set1(
            "SE: SE02 '0009' does not match ST02 '0001' (segment 36); claim not audited"
        ),
        {"C3", "C4"},
    ),
    (
        "missing-se",
        drop(BASE, r"SE\*34\*0001"),
        _rejected_set1(
            "SE: transaction set 0001 (segment 3) has no SE before the next ST; claim not audited"
        ),
        {"C3", "C4"},
    ),
    (
        "claim-without-lines",
        recount(drop_segments(BASE, 33, 34, 35)),
        {("claims", 30, "claim_lines: claim C2 has no service lines (LX)")},
        {"C1", "C3", "C4"},
    ),
    (
        "line-without-date-of-service",
        recount(drop(BASE, r"DTP\*472\*D8\*20260315")),
        {("claim_lines", 33, "date_of_service: service line 1 has no date of service (DTP*472)")},
        {"C1", "C2", "C3", "C4"},
    ),
    (
        "bad-procedure-code",
        replace(BASE, "SV1*HC:99484:95", "SV1*HC:9948:95"),
        {
            (
                "claim_lines",
                33,
                "code: String should match pattern '^(?:[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})$'",
            )
        },
        {"C1", "C2", "C3", "C4"},
    ),
    (
        "procedure-qualifier-not-hc",
        replace(BASE, "SV1*HC:99484:95", "SV1*ER:99484:95"),
        {("claim_lines", 33, "code: SV101-1 qualifier 'ER' is not HC (HCPCS/CPT procedure)")},
        {"C1", "C2", "C3", "C4"},
    ),
    (
        "not-a-calendar-date",
        replace(BASE, "D8*20260315", "D8*20261315"),
        {("claim_lines", 33, "date_of_service: not a calendar date: '2026-13-15'")},
        {"C1", "C2", "C3", "C4"},
    ),
    (
        "date-range-spans-two-months",
        replace(BASE, "D8*20260315", "RD8*20260315-20260402"),
        {
            (
                "claim_lines",
                33,
                "date_of_service: DTP*472 range 2026-03-15 to 2026-04-02 spans two calendar "
                "months (a line's service period must be one calendar month)",
            )
        },
        {"C1", "C2", "C3", "C4"},
    ),
    (
        "date-range-backwards",
        replace(BASE, "D8*20260315", "RD8*20260315-20260301"),
        {
            (
                "claim_lines",
                33,
                "date_of_service: DTP*472 range ends before it starts (2026-03-15 to 2026-03-01)",
            )
        },
        {"C1", "C2", "C3", "C4"},
    ),
    (
        "bad-icd10-code",
        replace(BASE, "HI*ABK:F330", "HI*ABK:330F"),
        {
            ("claims", 30, "diagnoses.0: not an ICD-10-CM code: '330F'"),
            ("claim_lines", 33, "claim_id: claim C2 (segment 30) is rejected"),
        },
        {"C1", "C3", "C4"},
    ),
    (
        "icd9-qualifier",
        replace(BASE, "HI*ABK:F330", "HI*BK:2962"),
        {
            (
                "claims",
                30,
                "diagnoses: HI qualifier BK is ICD-9; only ICD-10-CM (ABK/ABF) is read",
            ),
            ("claim_lines", 33, "claim_id: claim C2 (segment 30) is rejected"),
        },
        {"C1", "C3", "C4"},
    ),
    (
        "not-medicare-part-b",
        BASE.replace("SBR*P*18*******MB~\nNM1*IL*1*ROE", "SBR*P*18*******CI~\nNM1*IL*1*ROE"),
        {
            (
                "claims",
                30,
                "SBR09: claim filing indicator 'CI' is not MB (Medicare Part B): not audited "
                "against Medicare rules",
            ),
            ("claim_lines", 33, "claim_id: claim C2 (segment 30) is rejected"),
        },
        {"C1", "C3", "C4"},
    ),
    (
        "void-claim",
        replace(BASE, "CLM*C2*48.24***11:B:1", "CLM*C2*48.24***11:B:8"),
        {
            ("claims", 30, "CLM05-3: claim frequency 8 voids an earlier claim: nothing to audit"),
            ("claim_lines", 33, "claim_id: claim C2 (segment 30) is rejected"),
        },
        {"C1", "C3", "C4"},
    ),
    (
        "member-id-missing",
        replace(BASE, "NM1*IL*1*ROE*SAM****MI*2FH5UF6NL84", "NM1*IL*1*ROE*SAM"),
        {
            ("claims", 30, "patient_id: 2010BA NM109 (subscriber member id) is missing"),
            ("claim_lines", 33, "claim_id: claim C2 (segment 30) is rejected"),
        },
        {"C1", "C3", "C4"},
    ),
    (
        "billing-npi-missing",
        replace(BASE, "NM1*85*1*PARK*LEE****XX*1987654328", "NM1*85*1*PARK*LEE"),
        {
            ("claims", 52, "billing_practitioner: 2010AA NM109 (billing provider NPI) is missing"),
            ("claim_lines", 54, "claim_id: claim C3 (segment 52) is rejected"),
        },
        {"C1", "C2", "C4"},
    ),
    (
        "claim-frequency-missing",
        replace(BASE, "CLM*C2*48.24***11:B:1*Y", "CLM*C2*48.24***11*Y"),
        {
            ("claims", 30, "CLM05-3: claim frequency missing (1 original, 7 replacement)"),
            ("claim_lines", 33, "claim_id: claim C2 (segment 30) is rejected"),
        },
        {"C1", "C3", "C4"},
    ),
    (
        "claim-before-any-subscriber",
        recount(drop_segments(BASE, 47, 48, 49, 50, 51)),
        {
            (
                "claims",
                47,
                "CLM: CLM before any subscriber loop (HL*22); SBR09: claim filing indicator "
                "missing is not MB (Medicare Part B): not audited against Medicare rules",
            ),
            ("claim_lines", 49, "claim_id: claim C3 (segment 47) is rejected"),
        },
        {"C1", "C2", "C4"},
    ),
    (
        "sv1-outside-a-line",
        recount(drop_segments(BASE, 33)),
        {
            (
                "claims",
                30,
                "SV1: SV1 at segment 33 outside a service line (LX); "
                "claim_lines: claim C2 has no service lines (LX)",
            ),
        },
        {"C1", "C3", "C4"},
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "expected", "audited"), REJECTED, ids=[c[0] for c in REJECTED]
)
def test_bad_record_is_rejected_with_its_segment(tmp_path, case, text, expected, audited):
    bundle = load(write(tmp_path, text))
    got = {(r.kind, r.location.segment, r.message) for r in bundle.rejected}
    assert got == expected
    assert {c.claim_id for c in bundle.records["claims"]} == audited
    claims_read = bundle.read["claims"]
    assert claims_read == 4  # every CLM is either audited or rejected


def test_line_level_segment_numbers_follow_the_file():
    # Guard for the hard-coded numbers above.
    assert (segment_of(BASE, "CLM*C1"), segment_of(BASE, "CLM*C2")) == (18, 30)
    assert segment_of(BASE, "LX*1", 1) == 33
    assert segment_of(BASE, "SE*34") == 36


def test_unreadable_bytes_are_an_input_error(tmp_path):
    path = tmp_path / "batch.837"
    path.write_bytes(BASE.encode().replace(b"ROE", b"R\xffE"))
    with pytest.raises(InputErrors) as excinfo:
        load(path)
    assert [str(e) for e in excinfo.value.errors] == [f"{path}: not UTF-8/ASCII text (byte 0xff)"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(0, len(BASE) - 1), length=st.integers(0, 12), junk=st.text(max_size=4))
def test_any_damage_gives_rejections_or_an_input_error(tmp_path, cut, length, junk):
    text = BASE[:cut] + junk + BASE[cut + length :]
    path = write(tmp_path, text, name="fuzz.837")
    try:
        bundle = load(path)
    except (InputError, InputErrors):
        return
    rejected_claims = sum(1 for r in bundle.rejected if r.kind == "claims")
    assert len(bundle.records["claims"]) + rejected_claims == bundle.read["claims"]


def test_reader_streams_block_by_block(tmp_path):
    from bhi_audit.loaders.x12_reader import BLOCK, X12Claim, iter_837

    body = "".join(BASE.splitlines(keepends=True)[12:35])  # HL*2 .. claim C2's last segment
    head = "".join(BASE.splitlines(keepends=True)[:12])
    repeats = 3 * BLOCK // len(body) + 1
    path = write(tmp_path, head + body * repeats, name="big.837")
    with path.open(encoding="utf-8", newline="") as handle:
        first = next(e for e in iter_837(handle, "big.837") if isinstance(e, X12Claim))
        assert first.claim_id == "C1"
        assert handle.tell() <= 2 * BLOCK < path.stat().st_size


def test_isa11_letter_u_is_no_repetition_separator(tmp_path):
    # 4010 habit: "U" in ISA11. Nothing the audit reads repeats, so the file is still read.
    bundle = load(write(tmp_path, BASE.replace("*1200*^*00501*", "*1200*U*00501*", 1)))
    assert bundle.rejected == []
    assert len(bundle.records["claims"]) == 4
