"""Malformed FHIR input: unusable files are InputErrors, bad resources are rejected records.

Every case asserts the exact message and location, so a user can find the culprit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir_helpers import write_ndjson

from bhi_audit.errors import InputError, InputErrors
from bhi_audit.loaders import load_paths
from bhi_audit.loaders.bundle import BundleBuilder
from bhi_audit.loaders.fhir import FhirSession

PATIENT = {"resourceType": "Patient", "id": "P1"}
PRACTITIONER = {"resourceType": "Practitioner", "id": "DR1"}
ROLE = {
    "resourceType": "PractitionerRole",
    "id": "R1",
    "practitioner": {"reference": "Practitioner/DR1"},
    "code": [{"coding": [{"system": "urn:bhi-audit:role", "code": "billing_practitioner"}]}],
}


def phq9(**changes):
    """A valid PHQ-9 total Observation, changed; a key mapped to None is removed."""
    resource = {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
        "subject": {"reference": "Patient/P1"},
        "effectiveDateTime": "2026-03-03",
        "valueInteger": 12,
    }
    resource.update(changes)
    return {k: v for k, v in resource.items() if v is not None}


def time_entry(**changes):
    resource = {
        "resourceType": "Procedure",
        "id": "t1",
        "status": "completed",
        "category": {
            "coding": [{"system": "urn:bhi-audit:category", "code": "care-management-time"}]
        },
        "code": {"coding": [{"system": "urn:bhi-audit:program", "code": "BHI"}]},
        "subject": {"reference": "Patient/P1"},
        "performedDateTime": "2026-03-03",
        "performer": [{"actor": {"reference": "Practitioner/DR1"}}],
    }
    resource.update(changes)
    return {k: v for k, v in resource.items() if v is not None}


def load_lines(tmp_path, lines):
    """Load NDJSON text lines (strings) with a patient and practitioner on lines 1-3."""
    path = tmp_path / "export.ndjson"
    head = [json.dumps(PATIENT), json.dumps(PRACTITIONER), json.dumps(ROLE)]
    path.write_text("\n".join([*head, *lines]) + "\n", encoding="utf-8")
    builder = BundleBuilder()
    session = FhirSession()
    session.load_ndjson(path, "export.ndjson", builder)
    session.finish(builder)
    return builder


REJECTED = [
    (
        "not JSON",
        "{oops",
        "fhir:resource",
        "export.ndjson:4",
        "not valid JSON (Expecting property name enclosed in double quotes, column 2)",
    ),
    (
        "array line",
        "[1, 2]",
        "fhir:resource",
        "export.ndjson:4",
        "expected a FHIR resource object, got array",
    ),
    (
        "string line",
        '"Patient"',
        "fhir:resource",
        "export.ndjson:4",
        "expected a FHIR resource object, got string",
    ),
    (
        "missing resourceType",
        '{"id": "x"}',
        "fhir:resource",
        "export.ndjson:4",
        "/resourceType: missing required element resourceType",
    ),
    (
        "missing id",
        json.dumps(phq9(id=None)),
        "assessments",
        "export.ndjson:4",
        "/id: Observation: missing required element id",
    ),
    (
        "unresolvable patient",
        json.dumps(phq9(subject={"reference": "Patient/P9"})),
        "assessments",
        "export.ndjson:4",
        "/subject/reference: Observation/o1: Patient/P9 is not in the input",
    ),
    (
        "reference to wrong type",
        json.dumps(phq9(subject={"reference": "Group/G1"})),
        "assessments",
        "export.ndjson:4",
        "/subject/reference: Observation/o1: expected a reference to Patient, got Group/G1",
    ),
    (
        "urn reference outside a bundle",
        json.dumps(phq9(subject={"reference": "urn:uuid:1"})),
        "assessments",
        "export.ndjson:4",
        "/subject/reference: Observation/o1: urn:uuid:1 matches no fullUrl in the Bundle",
    ),
    (
        "contained reference",
        json.dumps(phq9(subject={"reference": "#p"})),
        "assessments",
        "export.ndjson:4",
        "/subject/reference: Observation/o1: contained resource #p is not supported; reference a "
        "resource in the input",
    ),
    (
        "display-only reference",
        json.dumps(phq9(subject={"display": "Ada"})),
        "assessments",
        "export.ndjson:4",
        "/subject: Observation/o1: reference has neither a reference nor a Medicare identifier",
    ),
    (
        "unknown performer",
        json.dumps(time_entry(performer=[{"actor": {"reference": "Practitioner/X"}}])),
        "time_entries",
        "export.ndjson:4",
        "/performer/0/actor/reference: Procedure/t1: Practitioner/X is not in the input",
    ),
    (
        "unknown PractitionerRole",
        json.dumps(time_entry(performer=[{"actor": {"reference": "PractitionerRole/R9"}}])),
        "time_entries",
        "export.ndjson:4",
        "/performer/0/actor/reference: Procedure/t1: PractitionerRole/R9 is not in the input",
    ),
    (
        "missing subject",
        json.dumps(phq9(subject=None)),
        "assessments",
        "export.ndjson:4",
        "/subject: Observation/o1: missing required element subject",
    ),
    (
        "missing effective",
        json.dumps(phq9(effectiveDateTime=None)),
        "assessments",
        "export.ndjson:4",
        "/effective[x]: Observation/o1: missing required element effective[x]",
    ),
    (
        "month-precision date",
        json.dumps(phq9(effectiveDateTime="2026-03")),
        "assessments",
        "export.ndjson:4",
        "/effectiveDateTime: Observation/o1: date '2026-03' is not precise to the day",
    ),
    (
        "missing value",
        json.dumps(phq9(valueInteger=None)),
        "assessments",
        "export.ndjson:4",
        "/value[x]: Observation/o1: missing required element value[x]",
    ),
    (
        "text value",
        json.dumps(phq9(valueInteger=None, valueString="twelve")),
        "assessments",
        "export.ndjson:4",
        "/valueString: Observation/o1: PHQ-9 score 'twelve' is not a number",
    ),
    (
        "fractional value",
        json.dumps(phq9(valueInteger=None, valueString="12.5")),
        "assessments",
        "export.ndjson:4",
        "/valueString: Observation/o1: PHQ-9 score '12.5' is not a whole number",
    ),
    (
        "boolean value",
        json.dumps(phq9(valueInteger=True)),
        "assessments",
        "export.ndjson:4",
        "/valueInteger: Observation/o1: PHQ-9 score True is not a number",
    ),
    (
        "out-of-range score",
        json.dumps(phq9(valueInteger=28)),
        "assessments",
        "export.ndjson:4",
        "/valueInteger: Observation/o1: PHQ-9 score 28 is out of range (0-27)",
    ),
    (
        "coded value",
        json.dumps(phq9(valueInteger=None, valueCodeableConcept={"text": "x"})),
        "assessments",
        "export.ndjson:4",
        "/valueCodeableConcept: Observation/o1: valueCodeableConcept is not a number (use "
        "valueInteger, valueQuantity or valueString)",
    ),
    (
        "unknown program code",
        json.dumps(
            time_entry(code={"coding": [{"system": "urn:bhi-audit:program", "code": "XYZ"}]})
        ),
        "time_entries",
        "export.ndjson:4",
        "/code/coding/0/code: Procedure/t1: unknown program code 'XYZ' (expected one of BHI, COCM, "
        "CCM, PCM, TCM, APCM, RPM, RTM, DMHT)",
    ),
    (
        "time entry without program",
        json.dumps(time_entry(code={"text": "call"})),
        "time_entries",
        "export.ndjson:4",
        "/code: Procedure/t1: no program: add a code.coding in urn:bhi-audit:program",
    ),
    (
        "unknown role code",
        json.dumps(
            {
                **ROLE,
                "id": "R2",
                "code": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/practitioner-role",
                                "code": "pharmacist",
                            }
                        ]
                    }
                ],
            }
        ),
        "fhir:PractitionerRole",
        "export.ndjson:4",
        "/code: PractitionerRole/R2: no role code bhi-audit knows "
        "(http://terminology.hl7.org/CodeSystem/practitioner-role|pharmacist); see the role table "
        "in docs/fhir.md",
    ),
    (
        "encounter without CPT",
        json.dumps(
            {
                "resourceType": "Encounter",
                "id": "e1",
                "status": "finished",
                "subject": {"reference": "Patient/P1"},
                "period": {"start": "2026-03-01"},
            }
        ),
        "visits",
        "export.ndjson:4",
        "/type: Encounter/e1: no CPT/HCPCS code in type or serviceType",
    ),
    (
        "consent without method",
        json.dumps(
            {
                "resourceType": "Consent",
                "id": "c1",
                "status": "active",
                "category": [{"coding": [{"system": "urn:bhi-audit:program", "code": "BHI"}]}],
                "patient": {"reference": "Patient/P1"},
                "dateTime": "2026-03-01",
            }
        ),
        "consents",
        "export.ndjson:4",
        "/category: Consent/c1: no consent method: add a category coding "
        "urn:bhi-audit:consent-method|verbal or |written",
    ),
    (
        "model rule in FHIR terms",
        json.dumps(time_entry(extension=[{"url": "urn:bhi-audit:minutes", "valueInteger": 2000}])),
        "time_entries",
        "export.ndjson:4",
        "/extension/0: Procedure/t1: minutes: Input should be less than or equal to 1440",
    ),
]


@pytest.mark.parametrize(
    ("line", "kind", "location", "message"),
    [case[1:] for case in REJECTED],
    ids=[case[0] for case in REJECTED],
)
def test_bad_resource_is_rejected_with_location(tmp_path, line, kind, location, message):
    builder = load_lines(tmp_path, [line])
    assert [(r.kind, str(r.location), r.message) for r in builder.rejected] == [
        (kind, location, message)
    ]


def test_rejection_location_has_pointer_and_line(tmp_path):
    builder = load_lines(tmp_path, [json.dumps(phq9(valueInteger=None, valueString="x"))])
    location = builder.rejected[0].location
    assert (location.file, location.row, location.pointer) == ("export.ndjson", 4, "/valueString")


def test_bundle_rejection_points_into_the_entry(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(
        json.dumps(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {"resource": PATIENT},
                    {"fullUrl": "urn:uuid:9"},
                    {"resource": phq9(valueInteger=None, valueString="x")},
                ],
            }
        ),
        encoding="utf-8",
    )
    builder = BundleBuilder()
    session = FhirSession()
    session.load_document(path, "b.json", builder, json.loads(path.read_text()))
    session.finish(builder)
    assert [(str(r.location), r.message) for r in builder.rejected] == [
        ("b.json#/entry/1", "/entry/1: Bundle entry has no resource"),
        (
            "b.json#/entry/2/resource/valueString",
            "/valueString: Observation/o1: PHQ-9 score 'x' is not a number",
        ),
    ]


def test_bundle_resolves_urn_uuid_full_urls(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(
        json.dumps(
            {
                "resourceType": "Bundle",
                "type": "transaction",
                "entry": [
                    {"fullUrl": "urn:uuid:aaa", "resource": {"resourceType": "Patient"}},
                    {
                        "fullUrl": "urn:uuid:bbb",
                        "resource": phq9(subject={"reference": "urn:uuid:aaa"}),
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    builder = BundleBuilder()
    session = FhirSession()
    session.load_document(path, "b.json", builder, json.loads(path.read_text()))
    session.finish(builder)
    assert builder.rejected == []
    assert [r.patient_id for r in builder.records["assessments"]] == ["aaa"]


UNUSABLE = [
    (
        "not JSON at all",
        b"claim_id,patient_id\nC1,P1\n",
        "x.ndjson:1: not NDJSON: not valid JSON (Expecting value, column 1)",
    ),
    (
        "binary",
        b'{"resourceType": "Patient", "id": "P1"}\n\x00\x01',
        "x.ndjson:2: binary file, not NDJSON text (contains NUL bytes)",
    ),
    (
        "not UTF-8",
        b'{"resourceType": "Patient", "id": "P\xe9"}\n',
        "x.ndjson:1: not UTF-8 text; export the file as UTF-8",
    ),
]


@pytest.mark.parametrize(
    ("content", "message"), [c[1:] for c in UNUSABLE], ids=[c[0] for c in UNUSABLE]
)
def test_unusable_ndjson_is_an_input_error(tmp_path, content, message):
    path = tmp_path / "x.ndjson"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        FhirSession().load_ndjson(path, "x.ndjson", BundleBuilder())
    assert str(caught.value) == message


def test_invalid_json_document_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "b.json").write_text('{"resourceType": "Bundle",\n "entry": [}', encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        load_paths([Path("b.json")])
    assert [str(e) for e in caught.value.errors] == [
        "b.json:2: not valid JSON (Expecting value, column 12)"
    ]


def test_blank_lines_and_bom_are_fine(tmp_path):
    path = tmp_path / "p.ndjson"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(PATIENT).encode() + b"\n\n  \n")
    builder = BundleBuilder()
    session = FhirSession()
    session.load_ndjson(path, "p.ndjson", builder)
    session.finish(builder)
    assert builder.rejected == [] and [p.patient_id for p in builder.records["patients"]] == ["P1"]


def test_ndjson_streams_and_is_written_back(tmp_path):
    path = write_ndjson(tmp_path / "many.ndjson", [{**PATIENT, "id": f"P{i}"} for i in range(50)])
    builder = BundleBuilder()
    session = FhirSession()
    session.load_ndjson(path, "many.ndjson", builder)
    session.finish(builder)
    assert len(builder.records["patients"]) == 50
    assert builder.files[0].format == "fhir-ndjson"


@pytest.mark.parametrize(
    ("line", "kind", "message"),
    [
        (
            json.dumps(PATIENT),
            "patients",
            "/id: Patient/P1: patient_id: duplicate of export.ndjson:1",
        ),
        (
            json.dumps(ROLE),
            "fhir:PractitionerRole",
            "/id: PractitionerRole/R1: duplicate of export.ndjson:3",
        ),
    ],
    ids=["patient", "practitioner-role"],
)
def test_duplicate_resources_are_rejected(tmp_path, line, kind, message):
    builder = load_lines(tmp_path, [line])
    assert [(r.kind, str(r.location), r.message) for r in builder.rejected] == [
        (kind, "export.ndjson:4", message)
    ]


def test_gzip_ndjson_is_streamed(tmp_path):
    import gzip

    path = tmp_path / "Patient.ndjson.gz"
    path.write_bytes(gzip.compress((json.dumps(PATIENT) + "\n").encode()))
    builder = BundleBuilder()
    load_paths_fhir = FhirSession()
    load_paths_fhir.load_ndjson(path, "Patient.ndjson.gz", builder)
    load_paths_fhir.finish(builder)
    assert [p.patient_id for p in builder.records["patients"]] == ["P1"]


def test_truncated_gzip_is_an_input_error(tmp_path):
    import gzip

    path = tmp_path / "Patient.ndjson.gz"
    data = gzip.compress(
        ("".join(json.dumps({**PATIENT, "id": f"P{i}"}) + "\n" for i in range(200))).encode()
    )
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as caught:
        FhirSession().load_ndjson(path, "Patient.ndjson.gz", BundleBuilder())
    assert str(caught.value).startswith("Patient.ndjson.gz:")
    assert "cannot read compressed file (Compressed file ended before the end-of-stream " in str(
        caught.value
    )
