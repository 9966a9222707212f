"""Draw a simple random or stratified random sample from a frame, and replay it.

Why every parameter is written into the sample file: a sample is evidence. The file records the
frame's digest, the generator (:data:`bhi_audit.sampling.rng.GENERATOR`), the seed, the design,
the strata with their sizes, and every drawn unit in draw order, spares included (rulebook
§11.2). :func:`replay` re-derives the file from the frame and those parameters and compares
it byte for byte.

The draw, per stratum (the whole frame is one stratum, ``all``, in a simple random sample):
the stratum's units in frame-number order, shuffled by a partial Fisher-Yates shuffle driven by
the stratum's own stream (``Stream(seed, label)``): for ``i`` = 0, 1, …, swap position ``i``
with position ``i + below(N_h - i)``. The first ``n_h`` positions are the sample, in draw
order; the next ``spares`` positions are the spares, in the order they are to be used.

Sizes per stratum are given, or allocated from the total: ``proportional`` (to N_h) or
``neyman`` (to N_h * S_h, the standard deviation of the examined amounts in the frame), by the
after every stratum first receives min(2, N_h) units (two units are the least a stratum needs
for a variance): each stratum's share of what is left, rounded down and capped at the units it
has, repeatedly; when every share is below one unit, the largest share (the first on a tie)
gets one.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from bhi_audit.errors import BhiAuditError, InputError
from bhi_audit.sampling.frame import Frame, FrameUnit
from bhi_audit.sampling.rng import GENERATOR, Stream

Allocation = Literal["proportional", "neyman", "given"]
ALLOCATIONS: dict[str, Allocation] = {
    "proportional": "proportional",
    "neyman": "neyman",
    "given": "given",
}
MAGIC = "# bhi-audit sample v1"
#: What the draw writes (and a replay re-derives).
DRAWN_COLUMNS = (
    "stratum",
    "draw",
    "role",
    "number",
    "unit",
    "patient_id",
    "month",
    "claims",
    "codes",
    "examined",
    "basis",
)
#: What the auditor (or ``bhi-audit appraise``) fills in; a replay ignores these.
AUDITOR_COLUMNS = ("audited", "verdict", "findings", "note", "evidence")
SAMPLE_COLUMNS = DRAWN_COLUMNS + AUDITOR_COLUMNS


class SampleError(BhiAuditError):
    """A sample that cannot be drawn as asked (sizes, strata)."""


@dataclass(frozen=True)
class Stratum:
    """Units whose examined amount lies in ``[low, high)`` (an open end is None)."""

    label: str
    low: Decimal | None
    high: Decimal | None

    def holds(self, amount: Decimal) -> bool:
        """Whether ``amount`` falls in this stratum."""
        return (self.low is None or amount >= self.low) and (
            self.high is None or amount < self.high
        )


ALL = Stratum("all", None, None)


@dataclass(frozen=True)
class Design:
    """What to draw: strata, sizes, spares and seed."""

    seed: int
    strata: tuple[Stratum, ...]
    sizes: tuple[int, ...]
    spares: int
    allocation: Allocation


@dataclass(frozen=True)
class Drawn:
    """One drawn unit of the sample (or a spare)."""

    stratum: str
    draw: int
    role: Literal["sample", "spare"]
    unit: FrameUnit


def parse_strata(text: str) -> tuple[Stratum, ...]:
    """``"0-100,100-250,250-"`` -> three contiguous strata by examined amount."""
    strata = []
    for part in (p.strip() for p in text.split(",")):
        low_text, sep, high_text = part.partition("-")
        if not sep:
            raise SampleError(f"--strata: {part!r} is not LOW-HIGH (HIGH may be empty)")
        low, high = _amount(low_text, part), _amount(high_text, part)
        if low is None:
            raise SampleError(f"--strata: {part!r} needs a lower bound")
        if high is not None and high <= low:
            raise SampleError(f"--strata: {part!r} is empty (HIGH must exceed LOW)")
        strata.append(Stratum(part, low, high))
    for before, after in itertools.pairwise(strata):
        if before.high != after.low:
            raise SampleError(
                f"--strata: {before.label!r} and {after.label!r} must meet (no gap, no overlap)"
            )
    if len({s.label for s in strata}) != len(strata):
        raise SampleError("--strata: a stratum is named twice")
    return tuple(strata)


def _amount(text: str, part: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise SampleError(f"--strata: {part!r}: {text!r} is not an amount") from None
    if not value.is_finite() or value < 0:
        raise SampleError(f"--strata: {part!r}: {text!r} is not an amount")
    return value


def stratify(frame: Frame, strata: Sequence[Stratum]) -> list[list[FrameUnit]]:
    """The frame's units per stratum; a unit outside every stratum is an error."""
    groups: list[list[FrameUnit]] = [[] for _ in strata]
    for unit in frame.units:
        for index, stratum in enumerate(strata):
            if stratum.holds(unit.examined):
                groups[index].append(unit)
                break
        else:
            raise SampleError(
                f"frame unit {unit.number} (examined {unit.examined}) lies in no stratum: "
                "the strata must cover the whole universe"
            )
    return groups


def allocate(
    total: int, groups: Sequence[Sequence[FrameUnit]], allocation: Allocation
) -> tuple[int, ...]:
    """Per-stratum sizes for ``total`` units (see the module docstring for the method)."""
    capacity = [len(g) for g in groups]
    if total > sum(capacity):
        raise SampleError(f"--size {total} exceeds the frame's {sum(capacity)} units")
    sizes = [min(2, c) for c in capacity]
    if total < sum(sizes):
        raise SampleError(
            f"--size {total} is too small: each stratum needs at least 2 units "
            f"({sum(sizes)} in all)"
        )
    weights = [float(c) for c in capacity]
    if allocation == "neyman":
        neyman = [len(g) * _stdev(g) for g in groups]
        weights = neyman if any(neyman) else weights
    left = total - sum(sizes)
    while left > 0:
        room = [i for i, c in enumerate(capacity) if sizes[i] < c]
        weight = {i: weights[i] for i in room}
        if not any(weight.values()):
            weight = dict.fromkeys(room, 1.0)
        scale = left / sum(weight.values())
        quota = {i: w * scale for i, w in weight.items()}
        grant = {i: min(math.floor(q), capacity[i] - sizes[i]) for i, q in quota.items()}
        if not any(grant.values()):  # every share is a fraction: the largest gets one unit
            grant = {max(room, key=lambda i: (quota[i], -i)): 1}
        for i, extra in grant.items():
            sizes[i] += extra
            left -= extra
    return tuple(sizes)


def _stdev(units: Sequence[FrameUnit]) -> float:
    if len(units) < 2:
        return 0.0
    values = [float(u.examined) for u in units]
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def draw(frame: Frame, design: Design) -> list[Drawn]:
    """Every drawn unit, stratum by stratum, in draw order (spares after the sample)."""
    groups = stratify(frame, design.strata)
    drawn: list[Drawn] = []
    for stratum, units, size in zip(design.strata, groups, design.sizes, strict=True):
        if size > len(units):
            raise SampleError(
                f"stratum {stratum.label}: size {size} exceeds its {len(units)} units"
            )
        order = list(units)
        stream = Stream(design.seed, stratum.label)
        wanted = min(len(order), size + design.spares)
        for i in range(wanted):
            j = i + stream.below(len(order) - i)
            order[i], order[j] = order[j], order[i]
        for position, unit in enumerate(order[:wanted]):
            role: Literal["sample", "spare"] = "sample" if position < size else "spare"
            drawn.append(Drawn(stratum.label, position + 1, role, unit))
    return drawn


def sample_text(frame: Frame, frame_name: str, frame_digest: str, design: Design) -> str:
    """The sample file: its parameters as ``#`` lines, then one CSV row per drawn unit."""
    groups = stratify(frame, design.strata)
    head = [
        MAGIC,
        f"# frame: {frame_name}",
        f"# frame-sha256: {frame_digest}",
        f"# frame-units: {len(frame.units)}",
        f"# unit: {frame.unit_kind}",
        f"# generator: {GENERATOR}",
        f"# seed: {design.seed}",
        f"# design: {'simple' if design.strata == (ALL,) else 'stratified'}",
        f"# allocation: {design.allocation}",
        f"# spares: {design.spares}",
    ]
    for stratum, units, size in zip(design.strata, groups, design.sizes, strict=True):
        examined = sum((u.examined for u in units), Decimal("0.00"))
        head.append(
            f"# stratum: {stratum.label} units={len(units)} examined={examined:.2f} size={size}"
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SAMPLE_COLUMNS)
    for item in draw(frame, design):
        unit = item.unit
        writer.writerow(
            (
                item.stratum,
                item.draw,
                item.role,
                unit.number,
                unit.unit,
                unit.patient_id,
                unit.month,
                ";".join(unit.claims),
                ";".join(unit.codes),
                f"{unit.examined:.2f}",
                unit.basis,
                *("" for _ in AUDITOR_COLUMNS),
            )
        )
    return "\n".join(head) + "\n" + out.getvalue()


@dataclass(frozen=True)
class SampleHeader:
    """The parameters a sample file records (its ``#`` lines)."""

    frame_name: str
    frame_digest: str
    frame_units: int
    unit_kind: str
    generator: str
    design: Design
    #: stratum label -> (units in the frame, examined amount in the frame)
    universe: dict[str, tuple[int, Decimal]]


def read_header(text: str, where: str) -> SampleHeader:
    """The parameters of a sample file; every problem names the line."""
    lines = text.split("\n")
    if not lines or lines[0] != MAGIC:
        raise InputError(where, f"not a bhi-audit sample (first line is not {MAGIC!r})", row=1)
    values: dict[str, str] = {}
    strata: list[Stratum] = []
    sizes: list[int] = []
    universe: dict[str, tuple[int, Decimal]] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.startswith("# "):
            break
        key, sep, value = line[2:].partition(": ")
        if not sep:
            raise InputError(where, "not KEY: VALUE", row=number)
        if key != "stratum":
            values[key] = value
            continue
        label, units, examined, size = _stratum_line(value, where, number)
        strata.append(ALL if label == "all" else _one_stratum(label, where, number))
        sizes.append(size)
        universe[label] = (units, examined)
    try:
        seed = int(values["seed"])
        spares = int(values["spares"])
        frame_units = int(values["frame-units"])
        allocation = values["allocation"]
        header = SampleHeader(
            frame_name=values["frame"],
            frame_digest=values["frame-sha256"],
            frame_units=frame_units,
            unit_kind=values["unit"],
            generator=values["generator"],
            design=Design(
                seed=seed,
                strata=tuple(strata),
                sizes=tuple(sizes),
                spares=spares,
                allocation=ALLOCATIONS[allocation],
            ),
            universe=universe,
        )
    except KeyError as exc:
        raise InputError(where, f"the sample file lacks a valid {exc.args[0]!r} line") from None
    except ValueError:
        raise InputError(where, "seed, spares and frame-units must be whole numbers") from None
    if not strata:
        raise InputError(where, "the sample file lists no stratum")
    return header


def _stratum_line(value: str, where: str, number: int) -> tuple[str, int, Decimal, int]:
    label, *pairs = value.split(" ")
    fields = dict(p.partition("=")[::2] for p in pairs)
    try:
        return label, int(fields["units"]), Decimal(fields["examined"]), int(fields["size"])
    except (KeyError, ValueError, InvalidOperation):
        raise InputError(
            where, "stratum line needs units=, examined= and size=", row=number
        ) from None


def _one_stratum(label: str, where: str, number: int) -> Stratum:
    try:
        return parse_strata(label)[0]
    except SampleError as exc:
        raise InputError(where, str(exc), row=number) from None


def replay(sample: str, frame: Frame, frame_digest: str, where: str) -> list[str]:
    """Re-derive a sample file; the differences (empty when it replays exactly)."""
    header = read_header(sample, where)
    problems = []
    if header.generator != GENERATOR:
        problems.append(f"generator {header.generator!r} is not this version's {GENERATOR!r}")
    if header.frame_digest != frame_digest:
        problems.append(
            f"the frame changed: its SHA-256 is {frame_digest}, the sample was drawn from "
            f"{header.frame_digest}"
        )
    if problems:
        return problems
    expected = sample_text(frame, header.frame_name, frame_digest, header.design)
    drawn_part = _without_audit(sample)
    if drawn_part == _without_audit(expected):
        return []
    for number, (got, want) in enumerate(
        zip(drawn_part.split("\n"), _without_audit(expected).split("\n"), strict=False), start=1
    ):
        if got != want:
            return [f"line {number} differs: the file has {got!r}, the draw gives {want!r}"]
    return ["the file and the draw differ in length"]


def _without_audit(text: str) -> str:
    """A sample file without the auditor's cells (:data:`AUDITOR_COLUMNS`, filled in later)."""
    kept = []
    rows = text.split("\n")
    for line in rows:
        if line.startswith("#") or not line:
            kept.append(line)
            continue
        row = next(csv.reader([line]))
        if len(row) == len(SAMPLE_COLUMNS):
            row = row[: len(DRAWN_COLUMNS)]
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(row)
        kept.append(out.getvalue())
    return "\n".join(kept)
