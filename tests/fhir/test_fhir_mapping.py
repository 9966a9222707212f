"""Each FHIR resource type becomes the documented record, from official and synthetic examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir_helpers import CLAIM_BUNDLE, PRACTICE, US_CORE, dump_records, write_ndjson

from bhi_audit.loaders import load_paths
from bhi_audit.loaders.bundle import BundleBuilder
from bhi_audit.loaders.fhir import FhirSession


def load_fhir(*paths: Path) -> BundleBuilder:
    """Load FHIR inputs into a builder without the claims-required check of load_paths."""
    builder = BundleBuilder()
    session = FhirSession()
    for path in paths:
        if path.suffix == ".ndjson":
            session.load_ndjson(path, path.name, builder)
        else:
            document = json.loads(path.read_text(encoding="utf-8"))
            session.load_document(path, path.name, builder, document)
    session.finish(builder)
    return builder


def test_us_core_examples_map_to_records():
    builder = load_fhir(*sorted(US_CORE.glob("*.json")))
    records = dump_records(builder.build())
    assert records == {
        "assessments": [
            {
                "administered_by": "practitioner-1",
                "assessment_id": "PHQ9-item-example-44261-6",
                "date": "2022-11-29",
                "instrument": "PHQ-9",
                "patient_id": "example",
                "score": 12,
            },
            {
                "administered_by": "practitioner-1",
                "assessment_id": "phq-9-example",
                "date": "2022-11-29",
                "instrument": "PHQ-9",
                "patient_id": "example",
                "score": 12,
            },
        ],
        "patients": [{"dob": "1987-02-20", "name": "Amy V. Baxter", "patient_id": "example"}],
        "staff": [],
        "visits": [
            {
                "code": "99201",
                "date": "2015-11-01",
                "patient_id": "example",
                "visit_id": "example-1",
            }
        ],
    }
    # US Core's practitioner has no PractitionerRole, so bhi-audit cannot know its role.
    assert [(r.kind, str(r.location), r.message) for r in builder.rejected] == [
        (
            "staff",
            "Practitioner-practitioner-1.json#/id",
            "/id: Practitioner/practitioner-1: no PractitionerRole with a role code bhi-audit "
            "knows names this practitioner (see the role table in docs/fhir.md)",
        )
    ]


def test_r4_privacy_consent_is_counted_not_used():
    builder = load_fhir(US_CORE.parent / "fhir-r4" / "consent-example-basic.json")
    assert builder.rejected == []
    assert builder.not_used == {"fhir:Consent": 1}
    assert "consents" not in builder.provided


def test_practice_bundle_maps_every_resource_type():
    records = dump_records(load_fhir(PRACTICE).build())
    assert records["staff"] == [
        {
            "name": "Pat Primary",
            "npi": "1234567893",
            "practitioner_type": "physician",
            "roles": ["billing_practitioner"],
            "staff_id": "DR1",
        },
        {
            "credential": "RN",
            "name": "Casey Manager",
            "npi": "1987654328",
            "practitioner_type": "other",
            "roles": ["bhcm", "clinical_staff"],
            "staff_id": "CM1",
        },
        {
            "name": "Quinn Consultant",
            "npi": "1555555550",
            "practitioner_type": "physician",
            "psychiatry_trained": True,
            "roles": ["psychiatric_consultant"],
            "staff_id": "PSY1",
        },
    ]
    assert records["patients"] == [
        {
            "dob": "1950-04-02",
            "medicare_id": "1EG4TE5MK73",
            "name": "Ada Testpatient",
            "patient_id": "P1",
        },
        {
            "dob": "1948-11-30",
            "medicare_id": "2EG4TE5MK74",
            "name": "Bo Synthetic",
            "patient_id": "P2",
        },
    ]
    assert records["registry_enrollments"] == [
        {
            "bhcm_id": "CM1",
            "consultant_id": "PSY1",
            "enrolled_on": "2026-03-01",
            "enrollment_id": "CT1",
            "patient_id": "P1",
        }
    ]
    assert records["consents"] == [
        {
            "billing_practitioner": "DR1",
            "consent_id": "CONS1",
            "date_obtained": "2026-02-20",
            "elements": ["cost_sharing", "consult_specialists"],
            "method": "verbal",
            "obtained_by": "DR1",
            "patient_id": "P1",
            "programs": ["COCM"],
        }
    ]
    assert records["assessments"] == [
        {
            "administered_by": "CM1",
            "assessment_id": "OBS-PHQ9-P1",
            "date": "2026-03-03",
            "instrument": "PHQ-9",
            "patient_id": "P1",
            "score": 15,
        },
        {
            "assessment_id": "OBS-GAD7-P2",
            "date": "2026-03-04",
            "instrument": "GAD-7",
            "patient_id": "P2",
            "score": 9,
        },
        {
            "administered_by": "CM1",
            "assessment_id": "QR-GAD7-P1",
            "date": "2026-03-03",
            "instrument": "GAD-7",
            "patient_id": "P1",
            "score": 7,
        },
    ]
    assert records["visits"] == [
        {
            "code": "99214",
            "date": "2026-02-10",
            "patient_id": "P1",
            "practitioner_id": "DR1",
            "visit_id": "ENC1",
        },
        {"code": "G0438", "date": "2026-01-15", "patient_id": "P2", "visit_id": "ENC2"},
    ]
    assert records["care_plans"] == [
        {
            "care_plan_id": "CP1",
            "created": "2026-03-02",
            "patient_id": "P1",
            "program": "COCM",
            "revised": [],
        }
    ]
    assert records["episodes"] == [{"episode_id": "EP1", "patient_id": "P1", "start": "2026-03-01"}]
    assert records["time_entries"] == [
        {
            "activity": "outreach call, PHQ-9 follow-up",
            "date": "2026-03-05",
            "end_time": "10:20:00",
            "entry_id": "T1",
            "patient_id": "P1",
            "program": ["COCM"],
            "staff_id": "CM1",
            "start_time": "10:00:00",
        },
        {
            "activity": "care plan review",
            "date": "2026-03-12",
            "end_time": "14:20:00",
            "entry_id": "T2",
            "patient_id": "P1",
            "program": ["COCM"],
            "staff_id": "CM1",
            "start_time": "14:00:00",
        },
        {
            "activity": "medication adherence check-in",
            "date": "2026-03-10",
            "entry_id": "T3",
            "minutes": 15,
            "patient_id": "P2",
            "program": ["BHI"],
            "staff_id": "CM1",
        },
    ]


def test_summary_accounts_for_every_resource():
    bundle = load_fhir(PRACTICE).build()
    entries = len(json.loads(PRACTICE.read_text(encoding="utf-8"))["entry"])
    assert sum(bundle.read.values()) == entries == 23
    assert bundle.rejected == []
    assert bundle.not_used == {"fhir:Condition": 1, "fhir:Observation": 1, "fhir:Organization": 1}
    assert bundle.read["fhir:PractitionerRole"] == 3


def test_claims_map_to_claims_and_lines():
    builder = load_fhir(PRACTICE, CLAIM_BUNDLE)
    records = dump_records(builder.build())
    assert records["claims"] == [
        {
            "billing_practitioner": "DR1",
            "claim_id": "FC1",
            "claim_type": "professional",
            "created_on": "2026-04-01",
            "diagnoses": ["F32.1", "F41.1"],
            "patient_id": "P1",
        },
        {
            "billing_practitioner": "DR1",
            "claim_id": "FC2",
            "claim_type": "professional",
            "created_on": "2026-04-01",
            "diagnoses": ["F41.1"],
            "patient_id": "P2",
            "rendering_practitioner": "DR1",
        },
    ]
    assert records["claim_lines"] == [
        {
            "charge": "160.32",
            "claim_id": "FC1",
            "code": "99492",
            "date_of_service": "2026-03-31",
            "diagnosis_pointers": [1, 2],
            "line_number": 1,
            "modifiers": [],
            "place_of_service": "11",
            "units": 1,
        },
        {
            "claim_id": "FC2",
            "code": "99484",
            "date_of_service": "2026-03-31",
            "diagnosis_pointers": [1],
            "line_number": 1,
            "modifiers": [],
            "units": 1,
        },
    ]
    assert [(str(r.location), r.message) for r in builder.rejected] == [
        (
            "claim_bundle.json#/entry/1/resource/item/1/serviced[x]",
            "/item/1/serviced[x]: Claim/FC2 item 2: missing required element serviced[x]",
        )
    ]
    assert builder.not_used["fhir:Claim"] == 1  # FC3 is cancelled


VALUE_CASES = [
    ("valueInteger", {"valueInteger": 12}),
    ("valueQuantity int", {"valueQuantity": {"value": 12, "unit": "{score}"}}),
    ("valueQuantity float", {"valueQuantity": {"value": 12.0}}),
    ("valueString", {"valueString": "12"}),
    ("valueString padded decimal", {"valueString": " 12.0 "}),
    ("valueDecimal", {"valueDecimal": 12}),
]


@pytest.mark.parametrize(
    ("value",), [(v,) for _, v in VALUE_CASES], ids=[c[0] for c in VALUE_CASES]
)
def test_observation_accepts_every_numeric_form(tmp_path, value):
    observation = {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
        "subject": {"reference": "Patient/P1"},
        "effectiveDateTime": "2026-03-03",
        **value,
    }
    builder = load_fhir(write_ndjson(tmp_path / "o.ndjson", [observation]))
    assert builder.rejected == []
    assert [r.score for r in builder.records["assessments"]] == [12]


@pytest.mark.parametrize(
    ("answer",),
    [
        ({"valueInteger": 5},),
        ({"valueDecimal": 5.0},),
        ({"valueString": "5"},),
        ({"valueQuantity": {"value": 5}},),
    ],
    ids=["valueInteger", "valueDecimal", "valueString", "valueQuantity"],
)
def test_questionnaire_response_accepts_every_numeric_form(tmp_path, answer):
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": "q1",
        "status": "completed",
        "subject": {"reference": "Patient/P1"},
        "authored": "2026-03-03",
        "item": [{"linkId": "group", "item": [{"linkId": "/70274-6", "answer": [answer]}]}],
    }
    builder = load_fhir(write_ndjson(tmp_path / "q.ndjson", [response]))
    assert builder.rejected == []
    assert [(r.instrument, r.score) for r in builder.records["assessments"]] == [("GAD-7", 5)]


def test_bundle_and_ndjson_export_give_the_same_audit(tmp_path):
    from fhir_helpers import CLAIMS_CSV, split_bundle

    from conftest import run_audit

    export = split_bundle(PRACTICE, tmp_path / "export")
    from_bundle = run_audit(CLAIMS_CSV, PRACTICE)
    from_ndjson = run_audit(CLAIMS_CSV, export)

    def comparable(result):
        return (
            [(f.claim_id, f.check_id, f.severity, f.message) for f in result.findings],
            result.records,
            result.rejected,
        )

    assert comparable(from_bundle) == comparable(from_ndjson)
    assert dump_records(load_paths([CLAIMS_CSV, PRACTICE])) == dump_records(
        load_paths([CLAIMS_CSV, export])
    )
