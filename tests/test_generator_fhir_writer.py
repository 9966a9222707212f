"""bhi_audit.writers.fhir writes what the FHIR loader reads back: record -> resource -> record."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from bhi_audit.loaders.bundle import BundleBuilder
from bhi_audit.loaders.fhir import FhirSession
from bhi_audit.models import (
    Assessment,
    CarePlan,
    Consent,
    Episode,
    Patient,
    RegistryEnrollment,
    Staff,
    TimeEntry,
    Visit,
)
from bhi_audit.writers.fhir import KINDS, LOSSY_KINDS, NdjsonWriter

STAFF = [
    Staff.model_validate(
        {
            "staff_id": "DR1",
            "name": "Alder Testwood",
            "npi": "1000000004",
            "roles": "billing_practitioner",
            "practitioner_type": "physician",
        }
    ),
    Staff.model_validate({"staff_id": "CM1", "roles": "bhcm", "practitioner_type": "other"}),
    Staff.model_validate(
        {"staff_id": "PSY1", "roles": "psychiatric_consultant", "practitioner_type": "physician"}
    ),
]
PATIENT = Patient.model_validate(
    {"patient_id": "P1", "name": "Briar Fakeley", "dob": "1950-02-03", "medicare_id": "1SY0000001"}
)
#: (record, fields FHIR has no element for: not compared)
CASES = [
    (PATIENT, set()),
    (STAFF[0], set()),
    (
        Staff.model_validate(
            {
                "staff_id": "CM2",
                "npi": "1000000012",
                "roles": "bhcm;clinical_staff",
                "practitioner_type": "clinical_social_worker",
                "credential": "LCSW",
                "bh_training": "true",
                "group_id": "G-MAIN",
                "active_from": "2015-01-01",
            }
        ),
        {"credential", "bh_training", "group_id", "active_from"},
    ),
    (
        Consent.model_validate(
            {
                "consent_id": "K1",
                "patient_id": "P1",
                "programs": "BHI;CCM",
                "date_obtained": "2026-01-05",
                "method": "written",
                "obtained_by": "DR1",
                "billing_practitioner": "DR1",
                "elements": "cost_sharing;consult_specialists",
            }
        ),
        set(),
    ),
    (
        Consent.model_validate(
            {
                "consent_id": "K2",
                "patient_id": "P1",
                "programs": "COCM",
                "date_obtained": "2026-01-05",
                "method": "verbal",
                "revoked_on": "2026-04-01",
            }
        ),
        set(),
    ),
    (
        CarePlan.model_validate(
            {
                "care_plan_id": "CP1",
                "patient_id": "P1",
                "program": "COCM",
                "created": "2026-01-06",
                "consultant_reviewed_on": "2026-01-12",
                "designated_member": "CM1",
            }
        ),
        {"consultant_reviewed_on", "designated_member", "revised"},
    ),
    (
        Assessment.model_validate(
            {
                "assessment_id": "A1",
                "patient_id": "P1",
                "date": "2026-01-03",
                "instrument": "GAD-7",
                "score": 12,
                "administered_by": "CM1",
            }
        ),
        set(),
    ),
    (
        Visit.model_validate(
            {
                "visit_id": "V1",
                "patient_id": "P1",
                "date": "2025-11-20",
                "code": "99214",
                "practitioner_id": "DR1",
            }
        ),
        set(),
    ),
    (
        RegistryEnrollment.model_validate(
            {
                "enrollment_id": "R1",
                "patient_id": "P1",
                "enrolled_on": "2026-01-01",
                "ended_on": "2026-05-31",
                "bhcm_id": "CM1",
                "consultant_id": "PSY1",
            }
        ),
        set(),
    ),
    (
        Episode.model_validate(
            {"episode_id": "E1", "patient_id": "P1", "start": "2026-01-01", "end": "2026-05-31"}
        ),
        {"end_reason"},
    ),
    (
        TimeEntry.model_validate(
            {
                "entry_id": "T1",
                "patient_id": "P1",
                "staff_id": "CM1",
                "date": "2026-01-03",
                "minutes": 20,
                "start_time": "09:00",
                "end_time": "09:20",
                "program": "BHI;CCM",
                "activity": "outreach call",
                "note": "synthetic note",
                "billed_service": "90834",
            }
        ),
        set(),
    ),
    (
        TimeEntry.model_validate(
            {"entry_id": "T2", "patient_id": "P1", "date": "2026-01-04", "program": "COCM"}
        ),
        set(),
    ),
]


def _round_trip(tmp_path, records):
    with ExitStack() as stack:
        writer = NdjsonWriter(tmp_path, stack)
        for record in records:
            writer.write_record(record)
    builder = BundleBuilder()
    session = FhirSession()
    for path in sorted(tmp_path.glob("*.ndjson")):
        session.load_ndjson(path, path.name, builder)
    session.finish(builder)
    return builder.build()


@pytest.mark.parametrize(
    ("record", "lost"), CASES, ids=[f"{type(r).KIND}-{i}" for i, (r, _) in enumerate(CASES)]
)
def test_record_comes_back(tmp_path, record, lost):
    context = [c for c in [PATIENT, *STAFF] if c is not record]
    bundle = _round_trip(tmp_path, [*context, record])
    assert bundle.rejected == []
    ident = next(iter(type(record).model_fields))
    (back,) = [r for r in bundle.of(type(record)) if getattr(r, ident) == getattr(record, ident)]
    assert back.model_dump(exclude=lost) == record.model_dump(exclude=lost)


def test_lossy_kinds_are_kinds_with_a_fhir_form():
    assert LOSSY_KINDS <= KINDS
