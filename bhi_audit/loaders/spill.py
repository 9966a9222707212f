"""The streaming loader's builder: kept records go to partition spill files, not memory.

Why a builder: every loader (CSV, JSON/YAML, X12, FHIR) already hands each valid record to
``BundleBuilder.keep()``, which applies the one duplicate rule and the counts, then
``store()``. This builder only overrides where a kept record goes, so every format keeps its
own parser, validation, rejections and locations exactly as they were. It keeps the duplicate
rule's id keys (``BundleBuilder._seen``) and, per record, nothing but its claim id's partition
(claim lines follow their claim's patient) and what redaction asks for, if asked.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from bhi_audit.context import DATED_BY, coverage_of, infer_coverage, partition_of
from bhi_audit.loaders.bundle import BundleBuilder
from bhi_audit.models import CaseloadReview, Claim, ClaimLine, Patient, Period, Record, Staff
from bhi_audit.redact import PhiCollector
from bhi_audit.spill import PartitionWriter, SpilledInput, read_chunks

#: Kinds with no patient, which every partition loads: kept in memory, in the header.
COMMON_KINDS = frozenset({Staff.KIND, CaseloadReview.KIND, Period.KIND})


class SpillingBuilder(BundleBuilder):
    """A :class:`BundleBuilder` whose :meth:`spilled` input holds one partition at a time."""

    def __init__(self, partitions: int, phi: bool = False, directory: Path | None = None) -> None:
        super().__init__()
        self.partitions = partitions
        self.directory = Path(tempfile.mkdtemp(prefix="bhi-audit-spill-", dir=directory))
        #: Partitions 0..n-1, then one file of lines read before their claim.
        self._writer = PartitionWriter(self.directory, partitions + 1)
        self._claim_partition: dict[str, int] = {}
        self._first: date | None = None
        self._last: date | None = None
        #: What redaction needs, captured as records are kept (only when asked).
        self.phi: PhiCollector | None = PhiCollector() if phi else None

    def store(self, kind: str, record: Record) -> None:
        """File one kept record: common kinds and patients in memory, the rest on disk.

        NOTE: patients stay in memory until :meth:`spilled` as well, because the X12 and FHIR
        loaders match member ids and NPIs against the patients and staff already loaded.
        """
        if self.phi is not None:
            self.phi.add(record)
        attribute = DATED_BY.get(kind)
        if attribute is not None:
            day = getattr(record, attribute)
            if day is not None:
                if self._first is None or day < self._first:
                    self._first = day
                if self._last is None or day > self._last:
                    self._last = day
        if kind in COMMON_KINDS or isinstance(record, Patient):
            super().store(kind, record)
        elif isinstance(record, Claim):
            partition = partition_of(record.patient_id, self.partitions)
            self._claim_partition[record.claim_id] = partition
            self._writer.add(partition, kind, record)
        elif isinstance(record, ClaimLine):
            partition_or_none = self._claim_partition.get(record.claim_id)
            if partition_or_none is None:  # its claim may come later (claim_lines.csv first)
                self._writer.add(self.partitions, kind, record)
            else:
                self._writer.add(partition_or_none, kind, record)
        else:
            patient_id = getattr(record, "patient_id", "")
            self._writer.add(partition_of(patient_id, self.partitions), kind, record)

    def discard(self) -> None:
        """Remove the spill files (loading failed)."""
        self._writer.abandon()
        shutil.rmtree(self.directory, ignore_errors=True)

    def spilled(self) -> SpilledInput:
        """Finish loading: file the waiting lines and the patients, and return the input."""
        writer = self._writer
        writer.close()
        pending = writer.path(self.partitions)
        for chunk in read_chunks(pending):
            for kind, line in chunk:
                assert isinstance(line, ClaimLine)
                # NOTE: a line whose claim is not in the input goes to partition 0 (the engine
                # reports it there, BHI-DATA-001).
                writer.add(self._claim_partition.get(line.claim_id, 0), kind, line)
        pending.unlink(missing_ok=True)
        patients = self.records.pop(Patient.KIND, [])
        for patient in patients:
            assert isinstance(patient, Patient)
            writer.add(partition_of(patient.patient_id, self.partitions), Patient.KIND, patient)
        writer.close()
        self._claim_partition.clear()
        header = self.build()
        coverage = (
            infer_coverage(header)
            if header.period is not None
            else coverage_of(self._first, self._last)
        )
        return SpilledInput(
            directory=self.directory,
            partitions=self.partitions,
            header=header,
            coverage=coverage,
            patient_ids=frozenset(p.record_id for p in patients if p.record_id),
            phi=self.phi,
        )
