"""The partition writer's buffers stay bounded however many partitions there are."""

from __future__ import annotations

from bhi_audit import spill
from bhi_audit.loaders import load_paths
from bhi_audit.spill import BUFFERED, CHUNK, PartitionWriter, read_chunks

from conftest import SAMPLE


def _records():
    bundle = load_paths([SAMPLE])
    return [(kind, r) for kind, records in sorted(bundle.records.items()) for r in records]


def test_many_partitions_flush_smaller_chunks_and_read_back_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(spill, "BUFFERED", 12)
    records = _records()
    writer = PartitionWriter(tmp_path, 4)
    for index, (kind, record) in enumerate(records):
        writer.add(index % 4, kind, record)
        # NOTE: never more than BUFFERED records wait, in all buffers together.
        assert sum(map(len, writer._buffers)) <= 12
    writer.close()
    for partition in range(4):
        chunks = list(read_chunks(writer.path(partition)))
        expected = records[partition::4]
        assert max(map(len, chunks)) == 3
        got = [(kind, r) for chunk in chunks for kind, r in chunk]
        assert [(k, r.model_dump()) for k, r in got] == [(k, r.model_dump()) for k, r in expected]


def test_chunks_are_full_for_few_partitions_and_shrink_for_many(tmp_path):
    # NOTE: the 10,000-patient year's 6 partitions keep chunks of 2,000 (pickle's memo shares
    # repeated values within a chunk); the 100,000-patient year's 55 get 581.
    assert PartitionWriter(tmp_path, 6)._chunk == CHUNK == 2000
    assert PartitionWriter(tmp_path, 55)._chunk == BUFFERED // 55 == 581
    assert PartitionWriter(tmp_path, 256)._chunk == 125
