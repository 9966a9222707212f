"""Evaluations (one per check and unit) kept as sorted runs, merged whenever they are read.

Why: there is one evaluation per check and unit, about 95 per patient-year: ten million at
100,000 patients, which as objects in the parent of a streamed audit cost more than a partition
of records. So each partition leaves its evaluations sorted by ``(check_id, unit)`` in a compact
*run* (per check: its units and one status byte each), written to a file when the audit gives
a directory (``check`` does) or kept in memory otherwise; :class:`StoredEvaluations` is the
result's re-iterable, sized, read-only collection over the runs. Reading it merges the runs
(``heapq.merge``, one check at a time) into the one global order, and applies each pair's
settled status (after waivers and the baseline) from the small map of pairs that have findings.

A run file is a pickle stream, private to the run like the input spill (bhi_audit/spill.py):
written by this process or its own ``--jobs`` workers, read only here, removed by whoever made
the directory when the command ends.
"""

from __future__ import annotations

import heapq
import os
import pickle
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Literal, NamedTuple

#: The settled verdict of one check on one unit, decided by the engine after waivers and the
#: baseline: ``failed`` has an open violation; ``waived`` / ``baselined`` had violations (or
#: not-verifiable findings) that are all accepted, at least one by a waiver in force for
#: ``waived``. Reporters only map these to their format; they never re-derive them.
EvaluationStatus = Literal[
    "passed", "failed", "waived", "baselined", "unverifiable", "internal-error"
]
EVALUATION_STATUSES: tuple[EvaluationStatus, ...] = (
    "passed",
    "failed",
    "waived",
    "baselined",
    "unverifiable",
    "internal-error",
)
#: A status as the one byte a run stores it in (``passed`` is 0).
STATUS_CODE: dict[str, int] = {status: code for code, status in enumerate(EVALUATION_STATUSES)}
#: Units per stored block: blocks are read one at a time.
BLOCK = 4096
_NOT_PASSED = re.compile(rb"[^\x00]")


class Evaluation(NamedTuple):
    """One check applied to one unit (claim line, patient-month, patient or the batch).

    Why a named tuple, not a model: there is one per check and unit (about 95 per patient-year,
    a million at 10,000 patients), and a model instance costs about four times the memory and
    a constructor call each. The JSON report and its schema show it as the object
    ``result._Json.Evaluation`` describes; the engine makes every one itself.
    """

    check_id: str
    unit: str
    status: EvaluationStatus


#: A block of one check's evaluations in unit order: check id, units, one status byte each.
Block = tuple[str, list[str], bytes]


@dataclass(frozen=True)
class EvaluationRun:
    """One partition's evaluations sorted by ``(check_id, unit)``: in a file, or in memory.

    Picklable and small when in a file (a path, a count and where each check starts), so a
    ``--jobs`` worker sends it to the parent instead of the evaluations.
    """

    count: int
    #: Check id -> the file offset of its first block (or its first block's index in memory).
    starts: dict[str, int]
    path: Path | None = None
    blocks: tuple[Block, ...] = ()

    def of_check(self, check_id: str) -> Iterator[Block]:
        """The blocks of one check, in unit order (none if the run has no such check)."""
        start = self.starts.get(check_id)
        if start is None:
            return
        if self.path is None:
            for block in self.blocks[start:]:
                if block[0] != check_id:
                    return
                yield block
            return
        with self.path.open("rb") as handle:
            handle.seek(start)
            while True:
                try:
                    block = pickle.load(handle)
                except EOFError:
                    return
                if block[0] != check_id:
                    return
                yield block


def _blocks(rows: Iterable[tuple[str, str, str]]) -> Iterator[Block]:
    """Rows sorted by check id as blocks of at most :data:`BLOCK` units of one check."""
    check_id: str | None = None
    units: list[str] = []
    codes = bytearray()
    for row_check, unit, status in rows:
        if row_check != check_id or len(units) >= BLOCK:
            if check_id is not None:
                yield check_id, units, bytes(codes)
            check_id, units, codes = row_check, [], bytearray()
        units.append(unit)
        codes.append(STATUS_CODE[status])
    if check_id is not None:
        yield check_id, units, bytes(codes)


def make_run(rows: list[tuple[str, str, str]], path: Path | None = None) -> EvaluationRun:
    """A run of ``rows`` (sorted here, stably, in place): written to ``path``, or in memory."""
    # NOTE: by unit, then stably by check: the same order as one stable sort by (check, unit),
    # without a key tuple per row (~11 MB per 170,000 rows, in every --jobs worker at once).
    rows.sort(key=itemgetter(1))
    rows.sort(key=itemgetter(0))
    starts: dict[str, int] = {}
    if path is None:
        blocks = tuple(_blocks(rows))
        for index, block in enumerate(blocks):
            starts.setdefault(block[0], index)
        return EvaluationRun(len(rows), starts, blocks=blocks)
    with path.open("wb") as handle:
        for block in _blocks(rows):
            starts.setdefault(block[0], handle.tell())
            pickle.dump(block, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return EvaluationRun(len(rows), starts, path=path)


def settle(status: str, statuses: Collection[str]) -> EvaluationStatus | None:
    """An evaluation's settled status from its findings' settled statuses (None: unchanged).

    Why: the status is the result's one source of truth, so every reporter maps it instead of
    joining findings to evaluations again. A pair with an open finding stays ``failed``; one
    whose findings are all accepted becomes ``waived`` (a waiver in force among them) or
    ``baselined``; an unverifiable pair stays ``unverifiable`` unless its findings are all
    accepted.
    """
    if status not in ("failed", "unverifiable") or not statuses:
        return None
    if "open" in statuses:
        return "failed"
    if status == "unverifiable" and "unverifiable" in statuses:
        return "unverifiable"
    if "waived" in statuses:
        return "waived"
    if "baselined" in statuses:
        return "baselined"
    return None


def settled_pairs(
    findings: Iterable[tuple[str, str, str]],
) -> dict[tuple[str, str], tuple[int, int]]:
    """``(check_id, unit)`` -> the status codes a ``failed`` and an ``unverifiable`` evaluation
    of the pair settle to, for every pair with a finding (``(check_id, unit, status)``)."""
    by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for check_id, unit, status in findings:
        by_pair[(check_id, unit)].add(status)
    return {
        pair: (
            STATUS_CODE[settle("failed", statuses) or "failed"],
            STATUS_CODE[settle("unverifiable", statuses) or "unverifiable"],
        )
        for pair, statuses in by_pair.items()
    }


_FAILED, _UNVERIFIABLE = STATUS_CODE["failed"], STATUS_CODE["unverifiable"]


@dataclass(frozen=True, eq=False)
class StoredEvaluations(Collection[Evaluation]):
    """Every evaluation of an audit, in ``(check_id, unit)`` order, with settled statuses.

    Re-iterable (each iteration reads the runs again), sized and read-only; equal to any
    collection of the same evaluations in the same order (a tuple too).
    """

    runs: tuple[EvaluationRun, ...]
    #: See :func:`settled_pairs`.
    settled: Mapping[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(run.count for run in self.runs)

    def __iter__(self) -> Iterator[Evaluation]:
        for check_id in self.check_ids():
            yield from self.of_check(check_id)

    def __contains__(self, item: object) -> bool:
        return any(item == evaluation for evaluation in self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Collection) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoredEvaluations({len(self)} evaluations in {len(self.runs)} runs)"

    def check_ids(self) -> list[str]:
        """The ids of the checks evaluated, sorted."""
        return sorted({check_id for run in self.runs for check_id in run.starts})

    def of_check(self, check_id: str, *, passed: bool = True) -> Iterator[Evaluation]:
        """One check's evaluations in unit order (without the passed ones if not ``passed``).

        Ties (the same unit in two runs) keep the runs' order, as a stable sort would.
        """
        streams = [
            self._rows(run, index, check_id, passed)
            for index, run in enumerate(self.runs)
            if check_id in run.starts
        ]
        if not streams:
            return
        merged = streams[0] if len(streams) == 1 else heapq.merge(*streams)
        statuses = EVALUATION_STATUSES
        settled = self.settled
        for unit, _, code in merged:
            if code in (_FAILED, _UNVERIFIABLE) and (check_id, unit) in settled:
                code = settled[(check_id, unit)][code != _FAILED]
            yield Evaluation(check_id, unit, statuses[code])

    def not_passed(self) -> Iterator[Evaluation]:
        """The evaluations whose settled status is not ``passed``, in order."""
        for check_id in self.check_ids():
            yield from self.of_check(check_id, passed=False)

    def status_counts(self) -> dict[str, Counter[str]]:
        """Check id -> settled status -> evaluations, counted without merging the runs.

        The status bytes are counted per block; only the not-passed evaluations of checks
        with a settled pair are looked at one by one, to move them to their settled status.
        """
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        wanted: dict[str, set[str]] = defaultdict(set)
        for check_id, unit in self.settled:
            wanted[check_id].add(unit)
        for run in self.runs:
            for check_id in run.starts:
                mine = counts[check_id]
                units_settled = wanted.get(check_id)
                for _, units, codes in run.of_check(check_id):
                    for code in set(codes):
                        mine[EVALUATION_STATUSES[code]] += codes.count(code)
                    if not units_settled:
                        continue
                    for found in _NOT_PASSED.finditer(codes):
                        unit, code = units[found.start()], codes[found.start()]
                        if unit not in units_settled or code not in (_FAILED, _UNVERIFIABLE):
                            continue
                        settled = self.settled[(check_id, unit)][code != _FAILED]
                        if settled != code:
                            mine[EVALUATION_STATUSES[code]] -= 1
                            mine[EVALUATION_STATUSES[settled]] += 1
        return counts

    @staticmethod
    def _rows(
        run: EvaluationRun, index: int, check_id: str, passed: bool
    ) -> Iterator[tuple[str, int, int]]:
        for _, units, codes in run.of_check(check_id):
            if passed:
                yield from zip(units, repeat(index), codes, strict=False)
            else:
                for found in _NOT_PASSED.finditer(codes):
                    at = found.start()
                    yield units[at], index, codes[at]

    def relabelled(self, unit: Callable[[str], str]) -> StoredEvaluations:
        """The same evaluations with every unit replaced by ``unit(unit)``, re-sorted by it.

        Each run is written again beside itself (in memory if it was), one run at a time, so
        that redaction never holds every evaluation either.
        """
        runs = []
        for run in self.runs:
            rows: list[tuple[str, str, str]] = []
            for check_id in run.starts:
                mine = [
                    (unit(u), code)
                    for _, units, codes in run.of_check(check_id)
                    for u, code in zip(units, codes, strict=True)
                ]
                mine.sort(key=itemgetter(0))
                rows.extend((check_id, u, EVALUATION_STATUSES[c]) for u, c in mine)
            path = None
            if run.path is not None:
                handle, name = tempfile.mkstemp(prefix="evaluations-", dir=run.path.parent)
                os.close(handle)
                path = Path(name)
            runs.append(make_run(rows, path))
        settled = {(check_id, unit(u)): codes for (check_id, u), codes in self.settled.items()}
        return StoredEvaluations(tuple(runs), settled)


def status_counts(evaluations: Iterable[Evaluation]) -> dict[str, Counter[str]]:
    """Check id -> settled status -> evaluations, of any collection of evaluations."""
    if isinstance(evaluations, StoredEvaluations):
        return evaluations.status_counts()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for evaluation in evaluations:
        counts[evaluation.check_id][evaluation.status] += 1
    return counts


def not_passed(evaluations: Iterable[Evaluation]) -> tuple[Evaluation, ...]:
    """The evaluations whose status is not ``passed``, in the same order."""
    if isinstance(evaluations, StoredEvaluations):
        return tuple(evaluations.not_passed())
    return tuple(e for e in evaluations if e.status != "passed")


def of_checks(evaluations: Iterable[Evaluation]) -> Callable[[str], Iterable[Evaluation]]:
    """A function giving one check's evaluations in order (without holding every check's)."""
    if isinstance(evaluations, StoredEvaluations):
        return evaluations.of_check
    grouped: dict[str, list[Evaluation]] = defaultdict(list)
    for evaluation in evaluations:
        grouped[evaluation.check_id].append(evaluation)
    return lambda check_id: grouped.get(check_id, ())


def relabelled(
    evaluations: Collection[Evaluation], unit: Callable[[str], str]
) -> Collection[Evaluation]:
    """The evaluations with every unit replaced by ``unit(unit)``, in ``(check_id, unit)``
    order of the new units (redaction: ordered by what the report shows)."""
    if isinstance(evaluations, StoredEvaluations):
        return evaluations.relabelled(unit)
    # NOTE: constructed, not copied: one per check and unit, and copying dominated the time.
    mapped = [Evaluation(e.check_id, unit(e.unit), e.status) for e in evaluations]
    return tuple(sorted(mapped, key=lambda e: (e.check_id, e.unit)))
