"""Run a partitioned audit over several processes (``bhi-audit check --jobs N``).

Why processes: the checks are pure Python, so threads would share one interpreter lock. Every
check but the batch-scope ones is per patient, so the engine audits patient partitions
independently (:meth:`bhi_audit.engine.Engine.audit_partition`) and merges the partial results
(:meth:`~bhi_audit.engine.Engine.merge`) into the same result as a single-process run, byte
for byte.

Why one process per partition, each with its own result pipe (not a ``multiprocessing.Pool``
nor a ``concurrent.futures.ProcessPoolExecutor``): a worker that dies (a check calling
``os._exit``, the out-of-memory killer's SIGKILL) hangs a ``Pool`` forever, and breaks a
``ProcessPoolExecutor`` for every partition still running, so it cannot say which one was lost.
Here the parent waits on every partition's pipe: it gets either the partial result or, when the
worker died first, end-of-file. It then knows exactly which partition never completed, and the
engine reports it as an internal-error finding (:meth:`~bhi_audit.engine.Engine.failed_partition`):
the run fails, every report shows it, and nothing hangs.

What a worker audits comes from a partition source: a streamed input's spill files
(:class:`SpilledPartitions`, what ``check`` uses: each worker reads only its own partition's
file, and the parent never holds the records) or a batch already in memory
(:class:`BatchPartitions`, for callers that loaded a whole bundle).

Start methods: with ``fork`` (the Linux default) the workers inherit the engine and the source
from the parent without copying; with ``spawn`` or ``forkserver`` (macOS, Windows) they
receive both pickled once per worker, which needs every check module to be importable by name
in the worker.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Protocol

from bhi_audit.bundle import Bundle
from bhi_audit.context import Batch, PatientIndex, build_batch
from bhi_audit.diagnoses import billable_status
from bhi_audit.engine import Engine, PartialResult, Progress
from bhi_audit.result import AuditResult
from bhi_audit.spill import SpilledInput


class PartitionSource(Protocol):
    """Where a partition's records come from, for the parent and its workers."""

    @property
    def partitions(self) -> int:
        """How many partitions there are."""
        ...

    def audit(self, engine: Engine, partition: int) -> PartialResult:
        """Audit one partition (in whichever process calls it)."""
        ...

    def failed(self, engine: Engine, partition: int, reason: str) -> PartialResult:
        """The engine's internal-error partial result for a partition that was lost."""
        ...


@dataclass
class BatchPartitions:
    """Partitions of a batch held in memory (the patient index is built once, shared)."""

    batch: Batch
    partitions: int
    index: PatientIndex

    def audit(self, engine: Engine, partition: int) -> PartialResult:
        """Audit one partition of the batch."""
        return engine.audit_partition(self.batch, partition, self.partitions, index=self.index)

    def failed(self, engine: Engine, partition: int, reason: str) -> PartialResult:
        """A lost partition of the batch."""
        return engine.failed_partition(self.batch, partition, self.partitions, reason, self.index)


@dataclass
class SpilledPartitions:
    """Partitions of a streamed input: each is read from its own spill file when audited."""

    spilled: SpilledInput
    #: Where each partition's evaluations are written as a sorted run (bhi_audit/evaluations.py),
    #: so that neither the worker's pipe nor the parent carries them; None: kept in memory.
    evaluations: Path | None = None

    @property
    def partitions(self) -> int:
        """How many partitions the input was filed into."""
        return self.spilled.partitions

    def audit(self, engine: Engine, partition: int) -> PartialResult:
        """Read one partition, audit it; its records are released when this returns."""
        partial = engine.audit_partition(self.spilled.batch(partition), partition, self.partitions)
        if self.evaluations is not None:
            engine.file_evaluations(partial, self.evaluations / f"evaluations-{partition:04d}")
        return partial

    def failed(self, engine: Engine, partition: int, reason: str) -> PartialResult:
        """A lost partition, read again only to list its claims and count its patients."""
        try:
            batch = self.spilled.batch(partition)
        except Exception:  # NOTE: its file is unreadable too: report it with what is known
            batch = self.spilled.header_batch()
        return engine.failed_partition(batch, partition, self.partitions, reason)


#: What each worker audits its partitions with (set by inheritance or from its arguments).
_shared: tuple[Engine, PartitionSource] | None = None
#: How long a worker that already sent its result may take to exit before it is killed (it has
#: nothing left to lose; only a check's leftover thread could keep it alive).
_EXIT_GRACE_SECONDS = 10.0
_SIGINT = {signal.SIGINT}


def _share(engine: Engine, source: PartitionSource) -> None:
    global _shared
    _shared = (engine, source)


def _share_clear() -> None:
    global _shared
    _shared = None


def _run_partition(
    partition: int,
    pipe: Connection,
    shared: tuple[Engine, PartitionSource] | None,
) -> None:
    """A worker: audit one partition and send its partial result, or why there is none."""
    # NOTE: Ctrl-C reaches every process of the terminal's process group. Only the parent acts
    # on it (it stops the workers and exits 130), so that no worker prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # NOTE: a forked worker inherits the parent's SIGTERM handler (bhi_audit.termination); a
    # worker stopped on its own simply dies (a lost partition), the parent removes the files.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGINT)
    if shared is not None:
        _share(*shared)
    assert _shared is not None, "worker started without an engine and batch"
    engine, source = _shared
    try:
        pipe.send(("done", source.audit(engine, partition)))
    except KeyboardInterrupt:  # a check raised it: the run stops, as with --jobs 1
        with contextlib.suppress(Exception):
            pipe.send(("interrupted", ""))
    except BaseException as exc:  # NOTE: containment: an engine bug or MemoryError in a worker
        # NOTE: only the type: its message could quote the data (docs/security.md, section 2).
        with contextlib.suppress(Exception):
            pipe.send(("failed", f"its worker raised {type(exc).__name__}"))
    finally:
        pipe.close()


@dataclass
class _Worker:
    partition: int
    process: BaseProcess
    results: Connection


@contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold Ctrl-C back while a worker starts; it is delivered to the parent afterwards.

    Why: the worker inherits the held signal and ignores SIGINT before it lets it through, so
    a Ctrl-C that lands while the worker is starting can never give it a traceback.
    """
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks (nor process groups)
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGINT)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _why_no_result(exitcode: int | None) -> str:
    """How a worker ended without sending a result, in words (never anything from the data)."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"its worker process was killed by {name}"
    return f"its worker process exited (code {exitcode}) without returning a result"


def audit_partitions(
    engine: Engine,
    source: PartitionSource,
    jobs: int,
    progress: Progress | None = None,
    start_method: str | None = None,
) -> list[PartialResult]:
    """The partial results of every partition, computed by at most ``jobs`` worker processes.

    A partition whose worker died or failed gives the engine's internal-error partial result
    instead (:meth:`~bhi_audit.engine.Engine.failed_partition`). A KeyboardInterrupt (also one a
    check raised in a worker) stops every worker and is raised here.
    """
    context = multiprocessing.get_context(start_method)
    forked = context.get_start_method() == "fork"
    partitions = source.partitions
    # NOTE: set before the workers start, so that forked workers inherit it; spawned workers
    # get the same objects pickled as an argument instead.
    _share(engine, source)
    if forked:
        # NOTE: read the ICD-10-CM code sets (about 0.1 s and 18 MB, read on first use) once in
        # the parent, so that forked workers share them instead of each reading their own.
        billable_status("F32.1")
    shared = None if forked else (engine, source)
    waiting = list(range(partitions))
    running: dict[Connection, _Worker] = {}
    partials = []
    try:
        while waiting or running:
            finished = []
            while waiting and len(running) < jobs:
                partition = waiting.pop(0)
                started = _start(context, partition, shared)
                if isinstance(started, _Worker):
                    running[started.results] = started
                else:
                    finished.append(source.failed(engine, partition, started))
            if not finished:
                for ready in wait(list(running)):
                    assert isinstance(ready, Connection)
                    worker = running.pop(ready)
                    finished.append(_collect(engine, source, worker))
            for partial in finished:
                partials.append(partial)
                if progress is not None:
                    progress(len(partials), partitions)
    finally:
        for worker in running.values():  # only after an interrupt: stop the rest, leave none
            worker.process.kill()
            worker.process.join()
            worker.results.close()
        _share_clear()
    return partials


def _start(
    context: multiprocessing.context.BaseContext,
    partition: int,
    shared: tuple[Engine, PartitionSource] | None,
) -> _Worker | str:
    """Start one partition's worker; why it could not be started, if it could not."""
    results, sender = context.Pipe(duplex=False)
    process = context.Process(  # type: ignore[attr-defined]
        target=_run_partition, args=(partition, sender, shared), daemon=True
    )
    try:
        with _sigint_held():
            process.start()
    except OSError as exc:  # no memory or no process slot left for another worker
        results.close()
        return f"its worker process could not be started ({type(exc).__name__})"
    finally:
        # NOTE: the parent must not hold the sending end: only then does the worker's death
        # show as end-of-file on ``results`` instead of an endless wait.
        sender.close()
    return _Worker(partition, process, results)


def _collect(engine: Engine, source: PartitionSource, worker: _Worker) -> PartialResult:
    """The partial result a ready worker sent, or the engine's failure for its partition."""
    try:
        kind, payload = worker.results.recv()
    except (EOFError, OSError):  # the worker died before (or while) sending its result
        kind, payload = "died", None
    except Exception as exc:  # its result arrived but cannot be read back here
        kind, payload = "failed", f"its result could not be read ({type(exc).__name__})"
    finally:
        worker.results.close()
    worker.process.join(_EXIT_GRACE_SECONDS)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join()
    if kind == "done":
        assert isinstance(payload, PartialResult)
        return payload
    if kind == "interrupted":
        raise KeyboardInterrupt
    reason = payload if kind == "failed" else _why_no_result(worker.process.exitcode)
    return source.failed(engine, worker.partition, str(reason))


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
    # NOTE: the index is built once, here: each worker then touches only its own patients'
    # records, so forked workers copy few pages of the parent's memory.
    source = BatchPartitions(batch, jobs, PatientIndex(batch))
    partials = audit_partitions(engine, source, jobs, progress, start_method)
    return engine.merge(bundle, batch, partials)


def audit_spilled(
    engine: Engine,
    spilled: SpilledInput,
    jobs: int,
    progress: Progress | None = None,
    start_method: str | None = None,
    evaluations: Path | None = None,
) -> AuditResult:
    """Audit a streamed input partition by partition: here (``jobs`` 1) or in ``jobs`` workers.

    Only one partition's records are in a process at a time; the parent keeps the header and
    each partition's compact partial result, and merges them. With ``evaluations`` (a private
    directory that outlives the result's use: the caller removes it), each partition's
    evaluations are written there and the result reads them back from it.
    """
    source = SpilledPartitions(spilled, evaluations)
    if jobs <= 1:
        partials = []
        for partition in range(spilled.partitions):
            partials.append(source.audit(engine, partition))
            if progress is not None:
                progress(partition + 1, spilled.partitions)
    else:
        partials = audit_partitions(engine, source, jobs, progress, start_method)
    return engine.merge(spilled.header, spilled.header_batch(), partials)
