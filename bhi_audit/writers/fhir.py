"""Write bundle records as FHIR R4 resources (Bulk Data NDJSON): the loader's mapping, inverted.

Why: the FHIR loader must be tested against exports whose content is known, and the generator
writes a practice's documentation as an EHR's ``$export`` would. Each function here produces
the resource that :mod:`bhi_audit.loaders.fhir_mapping` reads back into the same record, using
the code systems and the time-entry profile of ``docs/fhir.md``.

Not every field has a FHIR element (``docs/fhir.md``): a care plan's revisions, consultant
review and designated member, a patient's QMB flag, a staff member's ``bh_training`` and
``full_psych_prescriber`` are not written (:data:`LOSSY_KINDS` names the kinds that lose
something, so a caller can keep them in CSV). Claims are not written: bhi-audit reads claims
from CSV, X12 837P or FHIR, and the generator writes them as CSV beside the export.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from datetime import date, time
from pathlib import Path
from typing import IO, Any

from bhi_audit.loaders import fhir_codes as codes
from bhi_audit.models import (
    Assessment,
    CarePlan,
    Consent,
    Episode,
    Patient,
    Record,
    RegistryEnrollment,
    Role,
    Staff,
    TimeEntry,
    Visit,
)
from bhi_audit.outputs import atomic_output

__all__ = ["KINDS", "LOSSY_KINDS", "RESOURCE_TYPES", "NdjsonWriter", "resources"]

#: Every resourceType this module writes (``generate --force`` removes only these files).
RESOURCE_TYPES = (
    "CarePlan",
    "CareTeam",
    "Consent",
    "Encounter",
    "EpisodeOfCare",
    "Observation",
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "Procedure",
)

#: Record kinds whose FHIR form drops a field (see the module docstring).
LOSSY_KINDS = frozenset({"care_plans", "patients", "staff"})
#: The offset written on clock times; the loader reads the local time as written.
OFFSET = "-05:00"
CPT = "http://www.ama-assn.org/go/cpt"
LOINC_OF = {"PHQ-9": "44261-6", "GAD-7": "70274-6"}
ROLE_CODES = {
    Role.BILLING_PRACTITIONER: "billing_practitioner",
    Role.BHCM: "bhcm",
    Role.PSYCHIATRIC_CONSULTANT: "psychiatric_consultant",
    Role.CLINICAL_STAFF: "clinical_staff",
}


def _ref(kind: str, ident: str) -> dict[str, str]:
    return {"reference": f"{kind}/{ident}"}


def _coding(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _programs(programs: list[Any]) -> list[dict[str, Any]]:
    return [_coding(codes.PROGRAM_SYSTEM, str(p)) for p in programs]


def _moment(day: date, clock: time | None) -> str:
    if clock is None:
        return day.isoformat()
    return f"{day.isoformat()}T{clock.strftime('%H:%M:%S')}{OFFSET}"


def patient_resources(p: Patient) -> list[dict[str, Any]]:
    """Patient (id, name, birth date, Medicare Beneficiary Identifier)."""
    resource: dict[str, Any] = {"resourceType": "Patient", "id": p.patient_id}
    if p.name:
        resource["name"] = [{"use": "official", "text": p.name}]
    if p.dob:
        resource["birthDate"] = p.dob.isoformat()
    if p.medicare_id:
        resource["identifier"] = [
            {"system": "http://hl7.org/fhir/sid/us-mbi", "value": p.medicare_id}
        ]
    return [resource]


def staff_resources(s: Staff) -> list[dict[str, Any]]:
    """Practitioner (name, NPI, type, credential) and one PractitionerRole per role."""
    practitioner: dict[str, Any] = {"resourceType": "Practitioner", "id": s.staff_id}
    if s.name:
        practitioner["name"] = [{"text": s.name}]
    if s.npi:
        practitioner["identifier"] = [{"system": codes.NPI_SYSTEM, "value": s.npi}]
    qualifications = [{"code": _coding(codes.PRACTITIONER_TYPE_SYSTEM, str(s.practitioner_type))}]
    practitioner["qualification"] = qualifications
    roles = [
        {
            "resourceType": "PractitionerRole",
            "id": f"{s.staff_id}-{ROLE_CODES[role]}",
            "active": True,
            "practitioner": _ref("Practitioner", s.staff_id),
            "code": [_coding(codes.ROLE_SYSTEM, ROLE_CODES[role])],
        }
        for role in s.roles
        if role in ROLE_CODES
    ]
    return [practitioner, *roles]


def consent_resources(c: Consent) -> list[dict[str, Any]]:
    """Consent naming its programs, method, elements, grantee and billing practitioner."""
    provision: dict[str, Any] = {"type": "permit"}
    if c.billing_practitioner:
        provision["actor"] = [
            {
                "role": _coding(codes.ROLE_SYSTEM, "billing_practitioner"),
                "reference": _ref("Practitioner", c.billing_practitioner),
            }
        ]
    if c.elements:
        provision["code"] = [_coding(codes.CONSENT_ELEMENT_SYSTEM, str(e)) for e in c.elements]
    if c.revoked_on:
        provision["period"] = {"end": c.revoked_on.isoformat()}
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": c.consent_id,
        "status": "inactive" if c.revoked_on else "active",
        "scope": _coding("http://terminology.hl7.org/CodeSystem/consentscope", "treatment"),
        "category": [
            *_programs(c.programs),
            _coding(codes.CONSENT_METHOD_SYSTEM, str(c.method)),
        ],
        "patient": _ref("Patient", c.patient_id),
        "dateTime": c.date_obtained.isoformat(),
        "policyRule": _coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN"),
        "provision": provision,
    }
    if c.obtained_by:
        resource["performer"] = [_ref("Practitioner", c.obtained_by)]
    return [resource]


def care_plan_resources(p: CarePlan) -> list[dict[str, Any]]:
    """CarePlan with its program category (revisions and reviews have no element)."""
    return [
        {
            "resourceType": "CarePlan",
            "id": p.care_plan_id,
            "status": "active",
            "intent": "plan",
            "category": _programs([p.program]),
            "subject": _ref("Patient", p.patient_id),
            "created": p.created.isoformat(),
        }
    ]


def assessment_resources(a: Assessment) -> list[dict[str, Any]]:
    """Observation: the PHQ-9 or GAD-7 total score (other instruments are not written)."""
    loinc = LOINC_OF.get(a.instrument)
    if loinc is None:
        return []
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": a.assessment_id,
        "status": "final",
        "code": _coding(codes.LOINC, loinc),
        "subject": _ref("Patient", a.patient_id),
        "effectiveDateTime": a.date.isoformat(),
        "valueInteger": a.score,
    }
    if a.administered_by:
        resource["performer"] = [_ref("Practitioner", a.administered_by)]
    return [resource]


def visit_resources(v: Visit) -> list[dict[str, Any]]:
    """Encounter typed with the visit's CPT/HCPCS code."""
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": v.visit_id,
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
        },
        "type": [_coding(CPT, v.code)],
        "subject": _ref("Patient", v.patient_id),
        "period": {"start": v.date.isoformat()},
    }
    if v.practitioner_id:
        resource["participant"] = [{"individual": _ref("Practitioner", v.practitioner_id)}]
    return [resource]


def enrollment_resources(e: RegistryEnrollment) -> list[dict[str, Any]]:
    """CareTeam in the CoCM category: the registry team with its BHCM and consultant."""
    period = {"start": e.enrolled_on.isoformat()}
    if e.ended_on:
        period["end"] = e.ended_on.isoformat()
    participants = [
        {"role": [_coding(codes.ROLE_SYSTEM, role)], "member": _ref("Practitioner", member)}
        for role, member in (("bhcm", e.bhcm_id), ("psychiatric_consultant", e.consultant_id))
        if member
    ]
    resource: dict[str, Any] = {
        "resourceType": "CareTeam",
        "id": e.enrollment_id,
        "status": "inactive" if e.ended_on else "active",
        "category": _programs(["COCM"]),
        "subject": _ref("Patient", e.patient_id),
        "period": period,
    }
    if participants:
        resource["participant"] = participants
    return [resource]


def episode_resources(e: Episode) -> list[dict[str, Any]]:
    """EpisodeOfCare of type COCM."""
    period = {"start": e.start.isoformat()}
    if e.end:
        period["end"] = e.end.isoformat()
    return [
        {
            "resourceType": "EpisodeOfCare",
            "id": e.episode_id,
            "status": "finished" if e.end else "active",
            "type": _programs(["COCM"]),
            "patient": _ref("Patient", e.patient_id),
            "period": period,
        }
    ]


def time_entry_resources(t: TimeEntry) -> list[dict[str, Any]]:
    """Procedure in the bhi-audit time-entry profile (docs/fhir.md)."""
    code: dict[str, Any] = {
        "coding": [{"system": codes.PROGRAM_SYSTEM, "code": str(p)} for p in t.program]
    }
    if t.activity:
        code["text"] = t.activity
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": t.entry_id,
        "status": "completed",
        "category": _coding(codes.CATEGORY_SYSTEM, codes.TIME_ENTRY_CATEGORY),
        "code": code,
        "subject": _ref("Patient", t.patient_id),
    }
    if t.date is not None:
        if t.start_time is not None and t.end_time is not None:
            resource["performedPeriod"] = {
                "start": _moment(t.date, t.start_time),
                "end": _moment(t.date, t.end_time),
            }
        else:
            resource["performedDateTime"] = t.date.isoformat()
    if t.staff_id:
        resource["performer"] = [{"actor": _ref("Practitioner", t.staff_id)}]
    extensions: list[dict[str, Any]] = []
    if t.minutes is not None:
        extensions.append({"url": codes.MINUTES_EXTENSION, "valueInteger": t.minutes})
    if t.billed_service:
        extensions.append({"url": codes.BILLED_SERVICE_EXTENSION, "valueString": t.billed_service})
    if extensions:
        resource["extension"] = extensions
    if t.note:
        resource["note"] = [{"text": t.note}]
    return [resource]


_WRITERS: dict[type[Record], Any] = {
    Patient: patient_resources,
    Staff: staff_resources,
    Consent: consent_resources,
    CarePlan: care_plan_resources,
    Assessment: assessment_resources,
    Visit: visit_resources,
    RegistryEnrollment: enrollment_resources,
    Episode: episode_resources,
    TimeEntry: time_entry_resources,
}
#: Record kinds that have a FHIR form here.
KINDS = frozenset(model.KIND for model in _WRITERS)


def resources(record: Record) -> list[dict[str, Any]]:
    """The FHIR resources of one record; raises KeyError for a kind without a FHIR form."""
    writer = _WRITERS[type(record)]
    result: list[dict[str, Any]] = writer(record)
    return result


class NdjsonWriter:
    """Writes resources to ``<resourceType>.ndjson`` files in a directory, as they come."""

    def __init__(self, directory: Path, stack: ExitStack) -> None:
        self.directory = directory
        self.stack = stack
        self.files: dict[str, IO[str]] = {}
        directory.mkdir(parents=True, exist_ok=True)

    def write(self, resource: dict[str, Any]) -> None:
        """Append one resource as one line (keys sorted: same records, same bytes)."""
        kind = resource["resourceType"]
        handle = self.files.get(kind)
        if handle is None:
            path = self.directory / f"{kind}.ndjson"
            handle = self.stack.enter_context(atomic_output(path))
            self.files[kind] = handle
        handle.write(json.dumps(resource, sort_keys=True, separators=(",", ":")) + "\n")

    def write_record(self, record: Record) -> None:
        """Write the FHIR resources of one record."""
        for resource in resources(record):
            self.write(resource)
