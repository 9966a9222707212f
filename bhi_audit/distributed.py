"""Run a partitioned audit on a Dask cluster (``pip install bhi-audit[dask]``).

Why Dask: every check but the batch-scope ones is per patient, so an audit splits into patient
partitions that any distributed engine can run: audit a partition into a partial result
(:meth:`bhi_audit.engine.Engine.audit_partition`), then merge the partials on the client
(:meth:`~bhi_audit.engine.Engine.merge`). The merged result equals a single-process audit
byte for byte (tests/test_distributed.py). The same contract would carry over to Spark; see
docs/performance.md.

Usage::

    from dask.distributed import Client
    from bhi_audit.distributed import audit_on_client

    with Client("scheduler:8786") as client:
        result = audit_on_client(client, engine, load_paths([path]))

The input is loaded on the client and sent to the workers once (``scatter``, broadcast);
every worker needs bhi-audit and the same check modules installed.

A partition whose task fails (an engine error, or ``KilledWorker`` once the scheduler gave up
re-running it on workers that kept dying) becomes the engine's internal-error finding for that
partition (:meth:`~bhi_audit.engine.Engine.failed_partition`): the run fails, nothing is lost
silently. A worker that hangs is left to Dask (heartbeats and timeouts); there is no timeout here.
"""

from __future__ import annotations

from typing import Any

from bhi_audit.bundle import Bundle
from bhi_audit.context import Batch, build_batch
from bhi_audit.engine import Engine, PartialResult
from bhi_audit.result import AuditResult


def audit_partition_task(
    shared: tuple[Engine, Batch], partition: int, partitions: int
) -> PartialResult:
    """The task each worker runs: one partition's partial result."""
    engine, batch = shared
    return engine.audit_partition(batch, partition, partitions)


def audit_on_client(
    client: Any, engine: Engine, bundle: Bundle, partitions: int | None = None
) -> AuditResult:
    """Audit ``bundle`` on the cluster behind ``client``: one task per patient partition.

    ``client`` is a ``dask.distributed.Client`` (typed ``Any``: dask is an optional extra, not
    imported here, and its API is untyped). ``partitions`` defaults to the number of workers
    (at least one).
    """
    batch = build_batch(bundle)
    if partitions is None:
        partitions = max(1, len(client.scheduler_info().get("workers", {})))
    # NOTE: hash=False: tokenising a whole batch would cost as much as sending it.
    [shared] = client.scatter([(engine, batch)], broadcast=True, hash=False)
    futures = [
        client.submit(audit_partition_task, shared, k, partitions, pure=False)
        for k in range(partitions)
    ]
    partials: list[PartialResult] = []
    for partition, future in enumerate(futures):
        try:
            partials.append(future.result())
        except Exception as exc:  # NOTE: containment: the task failed, or KilledWorker (its
            # workers kept dying): a lost partition, reported as one (docs/security.md, 2).
            # Only the type: the message could quote the data.
            reason = f"its task failed ({type(exc).__name__})"
            partials.append(engine.failed_partition(batch, partition, partitions, reason))
    return engine.merge(bundle, batch, partials)
