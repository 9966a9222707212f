"""Run a partitioned audit over several processes (``bhi-audit check --jobs N``).

Why processes: the checks are pure Python, so threads would share one interpreter lock. Every
check but the batch-scope ones is per patient, so the engine audits patient partitions
independently (:meth:`bhi_audit.engine.Engine.audit_partition`) and merges the partial results
(:meth:`~bhi_audit.engine.Engine.merge`) into the same result as a single-process run, byte
for byte.

Start methods: with ``fork`` (the Linux default) the workers inherit the loaded input and the
engine from the parent without copying; with ``spawn`` or ``forkserver`` (macOS, Windows) they
receive both pickled once per worker, which needs every check module to be importable by name
in the worker.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable

from bhi_audit.context import Batch, PatientIndex, build_batch
from bhi_audit.diagnoses import billable_status
from bhi_audit.engine import Engine, PartialResult, Progress
from bhi_audit.loaders import Bundle
from bhi_audit.result import AuditResult

#: What each worker audits its partitions with (set by inheritance or by the initializer).
_shared: tuple[Engine, Batch, int, PatientIndex] | None = None


def _share(engine: Engine, batch: Batch, partitions: int, index: PatientIndex) -> None:
    global _shared
    _shared = (engine, batch, partitions, index)


def _audit_partition(partition: int) -> PartialResult:
    assert _shared is not None, "worker started without an engine and batch"
    engine, batch, partitions, index = _shared
    return engine.audit_partition(batch, partition, partitions, index=index)


def audit_partitions(
    engine: Engine,
    batch: Batch,
    partitions: int,
    jobs: int,
    progress: Progress | None = None,
    start_method: str | None = None,
) -> Iterable[PartialResult]:
    """The partial results of every partition, computed by ``jobs`` worker processes."""
    context = multiprocessing.get_context(start_method)
    forked = context.get_start_method() == "fork"
    # NOTE: set before the pool starts, so that forked workers inherit it; spawned workers
    # get the same objects through the initializer instead.
    # NOTE: the index is built once, here: each worker then touches only its own patients'
    # records, so forked workers copy few pages of the parent's memory.
    index = PatientIndex(batch)
    _share(engine, batch, partitions, index)
    if forked:
        # NOTE: load the ICD-10-CM code set (about 2 s, imported on first use) once in the
        # parent, so that forked workers share it instead of each loading their own.
        billable_status("F32.1")
    initargs = () if forked else (engine, batch, partitions, index)
    partials = []
    try:
        with context.Pool(
            processes=jobs, initializer=None if forked else _share, initargs=initargs
        ) as pool:
            for done, partial in enumerate(
                pool.imap_unordered(_audit_partition, range(partitions)), start=1
            ):
                partials.append(partial)
                if progress is not None:
                    progress(done, partitions)
    finally:
        _share_clear()
    return partials


def _share_clear() -> None:
    global _shared
    _shared = None


def audit_in_processes(
    engine: Engine,
    bundle: Bundle,
    jobs: int,
    progress: Progress | None = None,
    start_method: str | None = None,
) -> AuditResult:
    """Audit ``bundle`` with ``jobs`` processes (one partition each); 1 runs in-process.

    ``start_method`` is a :mod:`multiprocessing` start method (default: the platform's).
    """
    if jobs <= 1:
        return engine.audit(bundle, progress)
    batch = build_batch(bundle)
    partials = audit_partitions(engine, batch, jobs, jobs, progress, start_method)
    return engine.merge(bundle, batch, partials)
