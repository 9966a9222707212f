"""The audit on a local Spark session equals the single-process audit, byte for byte."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from bhi_audit.engine import Engine
from bhi_audit.loaders import load_paths, load_spilled
from bhi_audit.registry import load_registry

from conftest import SAMPLE, EngineFailingOn, every_report, sample_partition_size

pyspark = pytest.importorskip(
    "pyspark", reason="pyspark is not installed (pip install bhi-audit[spark])"
)
if shutil.which("java") is None:
    pytest.skip("Spark needs Java 17 or later on the PATH", allow_module_level=True)
TESTS = Path(__file__).parent


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # NOTE: Spark's Python workers are started by the JVM with the driver's environment: they
    # need this interpreter and this checkout (and tests/, for the failing engine below).
    saved = {name: os.environ.get(name) for name in ("PYSPARK_PYTHON", "PYTHONPATH")}
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(TESTS.parent), str(TESTS), *filter(None, [saved["PYTHONPATH"]])]
    )
    session = (
        SparkSession.builder.master("local[2]")
        .appName("bhi-audit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.mark.parametrize("where", ["sample", "practice"])
@pytest.mark.parametrize("partitions", [1, 3])
def test_spark_result_equals_single_process(where, partitions, small_practice, spark):
    from bhi_audit.spark import audit_on_spark

    engine = Engine(load_registry(plugins=False).specs)
    path = SAMPLE if where == "sample" else small_practice
    spilled = load_spilled([path], partitions=partitions)
    try:
        on_spark = audit_on_spark(spark, engine, spilled)
    finally:
        spilled.close()
    assert every_report(on_spark) == every_report(engine.audit(load_paths([path])))


def test_a_failed_task_is_a_lost_partition_not_a_traceback(spark):
    from bhi_audit.spark import audit_on_spark

    engine = EngineFailingOn(load_registry(plugins=False).specs, partition=1)
    spilled = load_spilled([SAMPLE], partitions=2)
    try:
        result = audit_on_spark(spark, engine, spilled)
    finally:
        spilled.close()
    assert [f.message for f in result.findings if f.check_id == "BHI-ENGINE"] == [
        f"internal error: partition 2 of 2 ({sample_partition_size(1)} patients) was not audited: "
        "its Spark task failed (PythonException) (its findings are missing; please report this)"
    ]
    assert result.totals.internal_errors == 1
