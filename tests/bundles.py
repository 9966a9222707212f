"""Build an in-memory bundle from a dict document, the way the JSON loader would.

For unit tests of shared logic (time counting, episodes) that need a Batch or PatientRecords
without a fixture file. Check tests use real fixture files instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bhi_audit.context import Batch, PatientIndex, PatientRecords, build_batch
from bhi_audit.loaders.bundle import BundleBuilder
from bhi_audit.models import Location


def batch_of(document: Mapping[str, Sequence[Mapping[str, Any]]]) -> Batch:
    """Validate every row of ``document`` (kind -> rows) and index it; no row may be rejected."""
    builder = BundleBuilder()
    for kind, rows in document.items():
        builder.mark_provided(kind)
        for index, row in enumerate(rows):
            builder.add_row(kind, row, Location(file="<test>", pointer=f"/{kind}/{index}"))
    bundle = builder.build()
    assert bundle.rejected == [], bundle.rejected
    return build_batch(bundle)


def records_of(
    document: Mapping[str, Sequence[Mapping[str, Any]]], patient_id: str = "P1"
) -> PatientRecords:
    """Everything ``document`` holds about one patient."""
    return PatientIndex(batch_of(document)).records(patient_id)
