"""Run a partitioned audit on Apache Spark (``pip install bhi-audit[spark]``, Java 17+).

Why Spark beside Dask: a payer or a large billing company often already runs Spark, and the
audit splits the same way on it: every check but the batch-scope ones is per patient, so each
patient partition is audited on its own (:meth:`bhi_audit.engine.Engine.audit_partition`) and
the partial results are merged on the driver (:meth:`~bhi_audit.engine.Engine.merge`) into the
result a single process gives, byte for byte (tests/test_spark.py).

What each executor gets: the engine and the input's header (files, counts, rejections, the
roster and caseload reviews every partition needs), never the records. It reads its own
partition's spill file itself (:class:`bhi_audit.spill.SpilledInput`), so the spill directory
must be on a filesystem every executor sees (local mode: the driver's temporary folder; on a
cluster: a shared mount, ``load_spilled(..., directory=...)``). Loading stays on the driver: it
streams the input once and keeps only the header and the id keys of the duplicate rule.

Usage::

    from pyspark.sql import SparkSession
    from bhi_audit.loaders import load_spilled
    from bhi_audit.spark import audit_on_spark

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    spilled = load_spilled([path], partitions=8)
    try:
        result = audit_on_spark(spark, engine, spilled)
    finally:
        spilled.close()

Why one Spark job per partition (submitted from a few driver threads) and not one job over
every partition: a job fails as a whole once a task has used up its retries, which would
lose every partition's result and say nothing of which one failed. One job per partition
keeps the contract of ``--jobs`` and the Dask runner: a partition whose task fails (an engine
error, an executor that died) becomes the engine's internal-error finding for that partition
(:meth:`~bhi_audit.engine.Engine.failed_partition`); the run fails, nothing is lost silently.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bhi_audit.engine import Engine, PartialResult
from bhi_audit.parallel import SpilledPartitions
from bhi_audit.result import AuditResult
from bhi_audit.spill import SpilledInput


def _audit_task(engine: Engine, source: SpilledPartitions) -> Any:
    """The function each executor runs on its one-element partition: ``[k] -> [partial]``."""

    def run(partitions: Any) -> Any:
        for partition in partitions:
            yield source.audit(engine, partition)

    return run


def audit_on_spark(
    spark: Any, engine: Engine, spilled: SpilledInput, concurrency: int | None = None
) -> AuditResult:
    """Audit a streamed input on the Spark session ``spark``: one task per patient partition.

    ``spark`` is a ``pyspark.sql.SparkSession`` (typed ``Any``: pyspark is an optional extra,
    not imported here). ``concurrency`` is how many partitions run at once (default: the
    session's default parallelism).
    """
    context = spark.sparkContext
    source = SpilledPartitions(spilled)
    task = _audit_task(engine, source)

    def one(partition: int) -> PartialResult:
        try:
            [partial] = context.parallelize([partition], 1).mapPartitions(task).collect()
        except Exception as exc:  # NOTE: containment: the task failed for good (its retries
            # used up) or its executor died: a lost partition, reported as one
            # (docs/security.md, 2). Only the type: Spark's message quotes the traceback.
            return source.failed(engine, partition, f"its Spark task failed ({type(exc).__name__})")
        assert isinstance(partial, PartialResult)
        return partial

    workers = max(1, concurrency or int(context.defaultParallelism))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        partials = list(pool.map(one, range(spilled.partitions)))
    return engine.merge(spilled.header, spilled.header_batch(), partials)
