"""Run a partitioned audit on a Dask cluster (``pip install bhi-audit[dask]``).

Why Dask: every check is per patient, or (batch scope) runs on each partition with the whole
input's ids, so an audit splits into patient partitions that any distributed engine can run:
audit a partition into a partial result (:meth:`bhi_audit.engine.Engine.audit_partition`),
then merge the partials on the client (:meth:`~bhi_audit.engine.Engine.merge`). The merged
result equals a single-process audit byte for byte (tests/test_distributed.py). The same
contract would carry over to Spark; see docs/performance.md.

Usage::

    from dask.distributed import Client
    from bhi_audit.distributed import audit_on_client
    from bhi_audit.loaders import load_spilled

    spilled = load_spilled([path], partitions=64, directory=Path("/shared/scratch"))
    try:
        with Client("scheduler:8786") as client:
            result = audit_on_client(client, engine, spilled)
    finally:
        spilled.close()

The client reads and validates the input once, filing each record into its patient's
partition file (bhi_audit/spill.py). Each task then reads only its own partition's file and
returns its compact partial result: nothing of the input is broadcast, and no worker holds
more than one partition at a time. The spill directory must therefore be on a filesystem that
every worker mounts at the same path (``directory=``), readable only by the auditing user
(its pickles are trusted code to whoever loads them); every worker needs bhi-audit and the
same check modules installed.

A partition whose task fails (an engine error, or ``KilledWorker`` once the scheduler gave up
re-running it on workers that kept dying) becomes the engine's internal-error finding for that
partition (:meth:`~bhi_audit.engine.Engine.failed_partition`): the run fails, nothing is lost
silently. A worker that hangs is left to Dask (heartbeats and timeouts); there is no timeout here.
"""

from __future__ import annotations

from typing import Any

from bhi_audit.engine import Engine, PartialResult
from bhi_audit.parallel import SpilledPartitions
from bhi_audit.result import AuditResult
from bhi_audit.spill import SpilledInput


def audit_partition_task(engine: Engine, spilled: SpilledInput, partition: int) -> PartialResult:
    """The task each worker runs: read one partition's file, return its partial result."""
    return SpilledPartitions(spilled).audit(engine, partition)


def audit_on_client(client: Any, engine: Engine, spilled: SpilledInput) -> AuditResult:
    """Audit a streamed input on the cluster behind ``client``: one task per partition.

    ``client`` is a ``dask.distributed.Client`` (typed ``Any``: dask is an optional extra, not
    imported here, and its API is untyped). ``spilled`` comes from
    :func:`bhi_audit.loaders.load_spilled`, whose ``partitions`` sets the number of tasks.
    """
    source = SpilledPartitions(spilled)
    # NOTE: the engine (checks and settings) and the header (roster, reviews, counts) are
    # small; sent once to every worker. hash=False: no need to tokenise them.
    [shared_engine, shared_input] = client.scatter([engine, spilled], broadcast=True, hash=False)
    futures = [
        client.submit(audit_partition_task, shared_engine, shared_input, k, pure=False)
        for k in range(spilled.partitions)
    ]
    partials: list[PartialResult] = []
    for partition, future in enumerate(futures):
        try:
            partials.append(future.result())
        except Exception as exc:  # NOTE: containment: the task failed, or KilledWorker (its
            # workers kept dying): a lost partition, reported as one (docs/security.md, 2).
            # Only the type: the message could quote the data.
            reason = f"its task failed ({type(exc).__name__})"
            partials.append(source.failed(engine, partition, reason))
    return engine.merge(spilled.header, spilled.header_batch(), partials)
