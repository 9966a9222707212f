"""A loaded input filed by patient partition on disk, read back one partition at a time.

Why: holding the whole input as records made memory grow with the input (100,000 patients:
10 GB). The streaming loader (``loaders/spill.py``) files each kept record into the spill file
of its patient's partition (:func:`bhi_audit.context.partition_of`; claim lines follow their
claim's patient) and keeps only the run's header in memory: files, counts, rejections, the
provided kinds, the inferred coverage and the common records every partition needs (roster,
caseload reviews, period). An audit then loads, audits and releases one partition at a time,
in this process, in ``--jobs`` workers or on Dask workers that read the same directory.

The spill files are pickle streams in a private temporary directory (never beside the input),
written and read only by this process and its own workers, and removed when the audit ends
(:meth:`SpilledInput.close`). They are never read from anywhere else: a pickle is trusted
code, so a spill directory must not be writable by anyone but the auditing user.
"""

from __future__ import annotations

import math
import pickle
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bhi_audit.bundle import Bundle
from bhi_audit.context import Batch, Coverage, build_batch
from bhi_audit.models import KIND_BY_NAME, Location, Record
from bhi_audit.redact import PhiCollector

#: Input bytes per partition: about 40 MB of records in memory once validated (measured on
#: generated practices: ~130 CSV bytes and ~1.3 KB of records per row).
BYTES_PER_PARTITION = 4 << 20
#: At most this many partitions (each is one open file while loading).
MAX_PARTITIONS = 256
#: Records pickled together: fewer, larger writes, and records of one chunk share their
#: repeated values (pickle's memo).
CHUNK = 2000
#: Records waiting in the buffers of all partitions together, at most (about 40 MB): with many
#: partitions a chunk is smaller, so that the buffers do not grow with the input (55
#: partitions of 2,000 records were 0.18 GB of the 100,000-patient year's load).
BUFFERED = 32_000


def partitions_for(input_bytes: int, jobs: int = 1) -> int:
    """How many partitions an input of ``input_bytes`` is filed into (at least ``jobs``).

    The rule: one partition per :data:`BYTES_PER_PARTITION` of input, so that the largest
    partition, not the input, bounds what one process holds; at least one per job, so every
    worker has work; at most :data:`MAX_PARTITIONS`.
    """
    wanted = math.ceil(max(input_bytes, 1) / BYTES_PER_PARTITION)
    return max(1, jobs, min(MAX_PARTITIONS, wanted))


class PartitionWriter:
    """Appends ``(kind, record)`` pairs to one pickle stream per partition, in chunks."""

    def __init__(self, directory: Path, files: int) -> None:
        self.directory = directory
        self._buffers: list[list[tuple[Any, ...]]] = [[] for _ in range(files)]
        self._chunk = max(1, min(CHUNK, BUFFERED // max(files, 1)))
        self._handles: dict[int, IO[bytes]] = {}

    def path(self, index: int) -> Path:
        """The spill file of partition ``index``."""
        return self.directory / f"part-{index:04d}.pickle"

    def add(self, index: int, kind: str, record: Record) -> None:
        """File one record into partition ``index``."""
        buffer = self._buffers[index]
        # NOTE: the record's state, not the record: pickling a pydantic model goes through its
        # Python-level __getstate__/__reduce_ex__, about twice the cost of its plain dicts.
        buffer.append(
            (
                kind,
                record.__dict__,
                record.__pydantic_fields_set__,
                _pack_private(record.__pydantic_private__),
            )
        )
        if len(buffer) >= self._chunk:
            self._flush(index)

    def _flush(self, index: int) -> None:
        buffer = self._buffers[index]
        if not buffer:
            return
        handle = self._handles.get(index)
        if handle is None:
            handle = self._handles[index] = self.path(index).open("ab")
        pickle.dump(buffer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        buffer.clear()

    def abandon(self) -> None:
        """Close every file without writing what is buffered (the spill is being removed)."""
        for buffer in self._buffers:
            buffer.clear()
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()

    def close(self) -> None:
        """Write what is buffered and close every file."""
        for index in range(len(self._buffers)):
            self._flush(index)
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()


def read_chunks(path: Path) -> Iterator[list[tuple[str, Record]]]:
    """Each chunk of one spill file in turn, as ``(kind, record)`` pairs (none if it got no
    record). One at a time: the claim lines that wait for their claim's partition are one
    such file, as large as all the lines of the input."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        while True:
            try:
                packed = pickle.load(handle)
            except EOFError:
                return
            yield [_restore(*item) for item in packed]


#: A record's location as plain values: (file, row, pointer, segment, start).
_PackedLocation = tuple[str, int | None, str | None, int | None, tuple[int, int] | None]


def _pack_private(private: dict[str, Any] | None) -> _PackedLocation | dict[str, Any] | None:
    """A record's private state, its location as a plain tuple when that is all it holds.

    Why: a slotted dataclass pickles through Python-level ``__getstate__``/``__setstate__``
    that look up its fields on every call (a third of the spill's pickling cost); a tuple
    of strings and ints is pickled and read back entirely in C.
    """
    if private is not None and len(private) == 1:
        location = private.get("_location")
        if type(location) is Location:
            return (location.file, location.row, location.pointer, location.segment, location.start)
    return private


def _restore(
    kind: str,
    values: dict[str, Any],
    fields_set: set[str],
    private: _PackedLocation | dict[str, Any] | None,
) -> tuple[str, Record]:
    """A record rebuilt from its state, as pydantic's own ``__setstate__`` does (no validation:
    it was validated when read)."""
    model = KIND_BY_NAME[kind]
    record = model.__new__(model)
    if type(private) is tuple:
        private = {"_location": Location(*private)}
    object.__setattr__(record, "__pydantic_fields_set__", fields_set)
    object.__setattr__(record, "__pydantic_extra__", None)
    object.__setattr__(record, "__pydantic_private__", private)
    object.__setattr__(record, "__dict__", values)
    return kind, record


@dataclass
class SpilledInput:
    """The run's header in memory and every partition's records on disk.

    Picklable (a path and the header), so a ``--jobs`` or Dask worker receives it and reads
    only its own partition's file.
    """

    directory: Path
    partitions: int
    #: Files, counts, rejections, provided kinds and the common records (roster, caseload
    #: reviews, period): what the merge and every partition need.
    header: Bundle
    #: The whole input's coverage (inferred from every dated record while loading).
    coverage: Coverage
    #: Every patient id with a patient record (references from the common records).
    patient_ids: frozenset[str]
    #: What redaction needs of the records, captured while loading (when asked); never sent
    #: to workers (see ``__getstate__``).
    phi: PhiCollector | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["phi"] = None
        return state

    def bundle(self, partition: int) -> Bundle:
        """One partition's records together with the common records."""
        header = self.header
        records: dict[str, list[Any]] = {kind: list(rs) for kind, rs in header.records.items()}
        for chunk in read_chunks(PartitionWriter(self.directory, 0).path(partition)):
            for kind, record in chunk:
                records.setdefault(kind, []).append(record)
        return Bundle(
            records=records,
            rejected=[],
            read=header.read,
            provided=header.provided,
            files=header.files,
            not_used=header.not_used,
        )

    def batch(self, partition: int) -> Batch:
        """The batch a partition is audited as (see ``Batch.part``)."""
        return build_batch(
            self.bundle(partition),
            coverage=self.coverage,
            part=(partition, self.partitions),
            all_patient_ids=self.patient_ids,
        )

    def header_batch(self) -> Batch:
        """The batch of the header alone: what :meth:`bhi_audit.engine.Engine.merge` reads."""
        return build_batch(self.header, coverage=self.coverage, part=(0, self.partitions))

    def close(self) -> None:
        """Remove the spill files."""
        shutil.rmtree(self.directory, ignore_errors=True)
