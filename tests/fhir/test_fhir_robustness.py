"""Any input yields records, rejections, not-used counts or an InputError — never a traceback."""

from __future__ import annotations

import contextlib
import json
import string

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bhi_audit.errors import InputError
from bhi_audit.loaders.bundle import BundleBuilder
from bhi_audit.loaders.fhir import FhirSession
from bhi_audit.loaders.fhir_mapping import MAPPERS

KEYS = [
    "id",
    "status",
    "code",
    "category",
    "subject",
    "patient",
    "value",
    "valueInteger",
    "valueQuantity",
    "valueString",
    "effectiveDateTime",
    "effectivePeriod",
    "performer",
    "practitioner",
    "identifier",
    "name",
    "birthDate",
    "qualification",
    "period",
    "participant",
    "type",
    "serviceType",
    "item",
    "diagnosis",
    "provider",
    "careTeam",
    "performedPeriod",
    "performedDateTime",
    "extension",
    "provision",
    "policy",
    "policyRule",
    "dateTime",
    "authored",
    "author",
    "questionnaire",
    "created",
    "use",
    "coding",
    "system",
    "reference",
    "linkId",
    "answer",
    "start",
    "end",
    "sequence",
    "productOrService",
    "servicedDate",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.floats(allow_nan=True),
    st.sampled_from(
        [
            "final",
            "completed",
            "active",
            "44261-6",
            "70274-6",
            "http://loinc.org",
            "urn:bhi-audit:program",
            "COCM",
            "Patient/P1",
            "Practitioner/D1",
            "PractitionerRole/R1",
            "urn:uuid:x",
            "#c",
            "2026-03-01",
            "2026-03-01T10:00:00Z",
            "2026",
            "12",
            "care-management-time",
            "urn:bhi-audit:category",
            "professional",
            "claim",
        ]
    ),
    st.text(string.printable, max_size=8),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=25,
)
RESOURCES = st.builds(
    lambda rtype, body: {**body, "resourceType": rtype},
    st.sampled_from([*MAPPERS, "Bundle", "Condition"]),
    st.dictionaries(st.sampled_from(KEYS), JSON, max_size=8),
)


def load(path):
    builder = BundleBuilder()
    session = FhirSession()
    session.load_ndjson(path, "x.ndjson", builder)
    session.finish(builder)
    return builder


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(resources=st.lists(st.one_of(RESOURCES, JSON), min_size=1, max_size=6))
@example(
    resources=[
        {
            "resourceType": "Procedure",
            "category": {
                "coding": [{"system": "urn:bhi-audit:category", "code": "care-management-time"}]
            },
            "status": "completed",
            "id": "t",
            "subject": {},
            "code": ["not", "an", "object"],
        }
    ]
)
@example(resources=[{"resourceType": "Bundle", "entry": [{"resource": []}, 3]}])
@example(resources=[{"resourceType": "Patient", "id": "p", "identifier": 5}])
@example(
    resources=[
        {
            "resourceType": "Claim",
            "id": "c",
            "status": "active",
            "use": "claim",
            "type": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                        "code": "professional",
                    }
                ]
            },
            "patient": {"reference": "Patient/p"},
            "provider": {"reference": "Practitioner/d"},
            "diagnosis": [{"sequence": "a"}, {"sequence": 1}],
        }
    ]
)
def test_any_resources_are_accounted_for(tmp_path, resources):
    path = tmp_path / "x.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")
    builder = load(path)
    # A Bundle is a container: its entries are counted, not the Bundle itself.
    top_level = sum(
        1 for r in resources if not (isinstance(r, dict) and r.get("resourceType") == "Bundle")
    )
    assert sum(builder.read.values()) >= top_level
    assert all(r.reasons for r in builder.rejected)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=200))
def test_any_bytes_are_records_rejections_or_an_input_error(tmp_path, content):
    path = tmp_path / "x.ndjson"
    path.write_bytes(content)
    with contextlib.suppress(InputError):
        load(path)
