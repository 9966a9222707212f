"""The audit on a Dask LocalCluster equals the single-process audit, byte for byte."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from bhi_audit.engine import Engine
from bhi_audit.loaders import load_paths, load_spilled
from bhi_audit.models import Claim
from bhi_audit.registry import load_registry

from conftest import SAMPLE, EngineFailingOn, every_report, sample_partition_size

distributed = pytest.importorskip(
    "distributed", reason="dask.distributed is not installed (pip install bhi-audit[dask])"
)


@pytest.fixture(scope="module")
def client():
    # NOTE: two in-process workers (threads): real scheduler, scatter and task graph, no
    # worker processes to start on a small CI machine.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@contextmanager
def spilled(path, partitions):
    spilled = load_spilled([path], partitions=partitions)
    try:
        yield spilled
    finally:
        spilled.close()


@pytest.mark.parametrize("where", ["sample", "practice"])
@pytest.mark.parametrize("partitions", [1, 3])
def test_dask_result_equals_single_process(where, partitions, small_practice, client):
    from bhi_audit.distributed import audit_on_client

    path = SAMPLE if where == "sample" else small_practice
    engine = Engine(load_registry(plugins=False).specs)
    with spilled(path, partitions) as streamed:
        on_cluster = audit_on_client(client, engine, streamed)
    assert every_report(on_cluster) == every_report(engine.audit(load_paths([path])))


def test_tasks_read_their_own_partition_file_not_a_broadcast_batch(client, monkeypatch):
    from bhi_audit import spill
    from bhi_audit.distributed import audit_on_client

    read: list[int] = []
    real = spill.SpilledInput.bundle

    def bundle(self, partition):
        read.append(partition)
        return real(self, partition)

    monkeypatch.setattr(spill.SpilledInput, "bundle", bundle)
    scattered: list[object] = []
    real_scatter = client.scatter

    def scatter(data, **kwargs):
        scattered.extend(data)
        return real_scatter(data, **kwargs)

    monkeypatch.setattr(client, "scatter", scatter)
    engine = Engine(load_registry(plugins=False).specs)
    with spilled(SAMPLE, 3) as streamed:
        audit_on_client(client, engine, streamed)
    assert sorted(read) == [0, 1, 2]  # each partition read once, by its own task
    sent = [item for item in scattered if isinstance(item, spill.SpilledInput)]
    assert [s.header.of(Claim) for s in sent] == [[]]  # no claim is sent, only the header


def test_a_failed_task_is_a_lost_partition_not_a_traceback(client):
    from bhi_audit.distributed import audit_on_client

    engine = EngineFailingOn(load_registry(plugins=False).specs, partition=1)
    with spilled(SAMPLE, 2) as streamed:
        result = audit_on_client(client, engine, streamed)
    assert [f.message for f in result.findings if f.check_id == "BHI-ENGINE"] == [
        f"internal error: partition 2 of 2 ({sample_partition_size(1)} patients) was not audited: "
        "its task failed "
        "(MemoryError) (its findings are missing; please report this)"
    ]
    assert result.totals.internal_errors == 1
