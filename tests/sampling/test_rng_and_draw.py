"""The random stream and the draw, checked against an independent reading of their spec.

The expected values here are computed in the test from the algorithm as docs/auditing.md and
bhi_audit/sampling/rng.py state it (SHA-256 counter mode, rejection sampling, partial
Fisher-Yates), with hashlib only: a replay must never depend on the code under test.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from bhi_audit.sampling.draw import (
    ALL,
    Design,
    SampleError,
    Stratum,
    allocate,
    draw,
    parse_strata,
    replay,
    sample_text,
    stratify,
)
from bhi_audit.sampling.frame import Frame, FrameUnit, digest, frame_csv
from bhi_audit.sampling.rng import Stream


def spec_next64(seed: int, label: str, k: int) -> int:
    data = b"bhi-audit-sample-v1\0" + str(seed).encode() + b"\0" + label.encode() + b"\0"
    return int.from_bytes(hashlib.sha256(data + k.to_bytes(8, "big")).digest()[:8], "big")


def spec_draw(numbers: list[int], seed: int, label: str, count: int) -> list[int]:
    """The documented draw, written again from its description."""
    order, k = list(numbers), 0
    for i in range(count):
        n = len(order) - i
        while True:
            x = spec_next64(seed, label, k)
            k += 1
            if x < 2**64 - 2**64 % n:
                break
        j = i + x % n
        order[i], order[j] = order[j], order[i]
    return order[:count]


def make_frame(amounts: list[str]) -> Frame:
    units = tuple(
        FrameUnit(
            number=i,
            unit=f"P{i:03d} 2026-01",
            patient_id=f"P{i:03d}",
            month="2026-01",
            claims=(f"C{i:03d}",),
            codes=("99484",),
            examined=Decimal(a),
            basis="allowed",
        )
        for i, a in enumerate(amounts, start=1)
    )
    return Frame(unit_kind="patient-month", units=units)


def test_stream_matches_the_documented_sha256_counter():
    stream = Stream(20261202, "0-100")
    assert [stream.next64() for _ in range(3)] == [
        spec_next64(20261202, "0-100", k) for k in range(3)
    ]


def test_below_rejects_the_incomplete_last_block(monkeypatch):
    # n = 2^63 + 1: 2^64 mod n = 2^63 - 1, so values from 2^63 + 1 on form the incomplete block
    n = 2**63 + 1
    values = iter([2**64 - 1, 2**63 + 1, 2**63, 7])
    stream = Stream(1, "all")
    monkeypatch.setattr(stream, "next64", lambda: next(values))
    assert stream.below(n) == 2**63  # the first two are rejected, the third kept
    assert stream.below(n) == 7


@pytest.mark.parametrize("seed", [0, 1, 99, 2**31 - 1])
def test_simple_random_draw_follows_the_spec(seed):
    frame = make_frame(["10.00"] * 25)
    drawn = draw(frame, Design(seed, (ALL,), (6,), 3, "proportional"))
    assert [d.unit.number for d in drawn] == spec_draw(list(range(1, 26)), seed, "all", 9)
    assert [d.role for d in drawn] == ["sample"] * 6 + ["spare"] * 3
    assert [d.draw for d in drawn] == list(range(1, 10))
    assert len({d.unit.number for d in drawn}) == 9  # without replacement


def test_stratified_draw_uses_one_stream_per_stratum():
    frame = make_frame(["5.00", "50.00", "150.00", "99.99", "100.00", "300.00", "1.00", "250.00"])
    strata = parse_strata("0-100,100-")
    drawn = draw(frame, Design(5, strata, (2, 2), 0, "given"))
    low = [d.unit.number for d in drawn if d.stratum == "0-100"]
    high = [d.unit.number for d in drawn if d.stratum == "100-"]
    assert low == spec_draw([1, 2, 4, 7], 5, "0-100", 2)
    assert high == spec_draw([3, 5, 6, 8], 5, "100-", 2)


def test_strata_are_half_open_and_must_meet():
    low, high = parse_strata("0-100,100-")
    assert low.holds(Decimal("99.99")) and not low.holds(Decimal("100.00"))
    assert high.holds(Decimal("100.00")) and high.high is None
    with pytest.raises(SampleError, match="must meet"):
        parse_strata("0-100,150-")
    with pytest.raises(SampleError, match="empty"):
        parse_strata("100-100")
    with pytest.raises(SampleError, match="lies in no stratum"):
        stratify(make_frame(["5.00", "500.00"]), parse_strata("0-100,100-250"))


def test_proportional_allocation_by_hand():
    # 38 and 41 units, 10 to draw: 2 + 2 first; 6 left -> 2.886 and 3.114 -> 2 and 3;
    # 1 left -> 0.481 and 0.519 -> the second stratum.
    groups = [make_frame(["1.00"] * 38).units, make_frame(["1.00"] * 41).units]
    assert allocate(10, groups, "proportional") == (4, 6)


def test_neyman_allocation_by_hand():
    # N*S: stratum A 4 units of 0,0,10,10 (S = 5.7735) -> 23.094; stratum B 4 equal units -> 0.
    a = make_frame(["0.00", "0.00", "10.00", "10.00"]).units
    b = make_frame(["3.00"] * 4).units
    assert allocate(5, [a, b], "neyman") == (3, 2)  # minima 2 + 2; the one left goes to A
    with pytest.raises(SampleError, match="at least 2"):
        allocate(3, [a, b], "neyman")
    with pytest.raises(SampleError, match="exceeds"):
        allocate(9, [a, b], "neyman")


def test_replay_is_exact_and_fails_loudly():
    frame = make_frame([f"{i}.00" for i in range(1, 31)])
    frame_digest = digest(frame_csv(frame))
    design = Design(42, parse_strata("0-15,15-"), (3, 4), 1, "proportional")
    text = sample_text(frame, "frame.csv", frame_digest, design)
    assert text == sample_text(frame, "frame.csv", frame_digest, design)  # deterministic
    assert replay(text, frame, frame_digest, "s.csv") == []
    # the auditor's cells filled in do not break the replay
    filled = text.replace(",allowed,,,,,\n", ",allowed,0.00,not-supported,BHI-X error,n,e\n", 1)
    assert filled != text and replay(filled, frame, frame_digest, "s.csv") == []
    changed = make_frame([f"{i}.00" for i in range(1, 30)] + ["31.00"])
    problems = replay(text, changed, digest(frame_csv(changed)), "s.csv")
    assert len(problems) == 1 and problems[0].startswith("the frame changed")
    tampered = text.replace("# seed: 42", "# seed: 43")
    assert replay(tampered, frame, frame_digest, "s.csv")[0].startswith("line ")


def test_stratum_labels_are_kept_in_the_file():
    frame = make_frame(["1.00", "2.00", "200.00", "300.00"])
    text = sample_text(
        frame, "f.csv", "abc", Design(1, parse_strata("0-100,100-"), (2, 2), 0, "given")
    )
    assert "# stratum: 0-100 units=2 examined=3.00 size=2" in text
    assert "# stratum: 100- units=2 examined=500.00 size=2" in text
    assert Stratum("0-100", Decimal(0), Decimal(100)) == parse_strata("0-100")[0]
