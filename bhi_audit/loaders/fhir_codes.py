"""Code systems and code mappings the FHIR loader understands (documented in docs/fhir.md).

Why a table module: which FHIR code means which bhi-audit value is a decision an auditor must
be able to read and challenge. Everything the loader maps by code is listed here, once.
"""

from __future__ import annotations

from bhi_audit.models import ConsentElement, ConsentMethod, PractitionerType, Program, Role

# --------------------------------------------------------------------------- standard systems

LOINC = "http://loinc.org"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
#: Medicare Beneficiary Identifier, and the legacy HICN system some exports still use.
MEDICARE_SYSTEMS = frozenset(
    {"http://hl7.org/fhir/sid/us-mbi", "http://hl7.org/fhir/sid/us-medicare"}
)
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
#: v2-0203 identifier type codes for a Medicare number ("MC" = patient's Medicare number).
MEDICARE_TYPE_CODES = frozenset({"MC"})
CPT_SYSTEMS = frozenset({"http://www.ama-assn.org/go/cpt", "urn:oid:2.16.840.1.113883.6.12"})
HCPCS_SYSTEMS = frozenset(
    {
        "urn:oid:2.16.840.1.113883.6.285",
        "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    }
)
PROCEDURE_CODE_SYSTEMS = CPT_SYSTEMS | HCPCS_SYSTEMS
ICD10_SYSTEMS = frozenset({"http://hl7.org/fhir/sid/icd-10-cm", "urn:oid:2.16.840.1.113883.6.90"})
PLACE_OF_SERVICE_SYSTEMS = frozenset(
    {
        "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
        "urn:oid:2.16.840.1.113883.15.5",
    }
)
CLAIM_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/claim-type"
CLAIM_TYPES = {"professional": "professional", "institutional": "institutional"}
PRACTITIONER_ROLE_SYSTEM = "http://terminology.hl7.org/CodeSystem/practitioner-role"
SNOMED = "http://snomed.info/sct"
NUCC_TAXONOMY = "http://nucc.org/provider-taxonomy"
V2_DEGREE = "http://terminology.hl7.org/CodeSystem/v2-0360"
CARE_TEAM_ROLE_SYSTEM = "http://terminology.hl7.org/CodeSystem/claimcareteamrole"

# --------------------------------------------------------------------------- bhi-audit systems

#: Our own code systems (URNs: bhi-audit owns no web domain to mint http URIs under).
PROGRAM_SYSTEM = "urn:bhi-audit:program"
ROLE_SYSTEM = "urn:bhi-audit:role"
PRACTITIONER_TYPE_SYSTEM = "urn:bhi-audit:practitioner-type"
CONSENT_METHOD_SYSTEM = "urn:bhi-audit:consent-method"
CONSENT_ELEMENT_SYSTEM = "urn:bhi-audit:consent-element"
CATEGORY_SYSTEM = "urn:bhi-audit:category"
#: Procedure.category code that marks a Procedure as a bhi-audit time entry.
TIME_ENTRY_CATEGORY = "care-management-time"
MINUTES_EXTENSION = "urn:bhi-audit:minutes"
BILLED_SERVICE_EXTENSION = "urn:bhi-audit:billed-service"
#: Policy URIs ``urn:bhi-audit:program:COCM`` name a program in Consent.policy.uri.
PROGRAM_POLICY_PREFIX = "urn:bhi-audit:program:"

# --------------------------------------------------------------------------- mappings

#: LOINC total-score codes of the rating scales bhi-audit reads (rulebook §3.7).
INSTRUMENT_BY_LOINC: dict[str, tuple[str, int]] = {
    "44261-6": ("PHQ-9", 27),  # Patient Health Questionnaire 9 item total score
    "70274-6": ("GAD-7", 21),  # Generalized anxiety disorder 7 item total score
}
#: LOINC panel codes of the same instruments (a QuestionnaireResponse's questionnaire).
PANEL_LOINC = {"44249-1": "PHQ-9", "69737-5": "GAD-7"}

PROGRAM_CODES: dict[str, Program] = {p.value: p for p in Program}

#: PractitionerRole.code / CareTeam.participant.role -> care-team role.
ROLE_BY_CODE: dict[tuple[str, str], Role] = {
    **{(ROLE_SYSTEM, r.value): r for r in Role},
    (PRACTITIONER_ROLE_SYSTEM, "doctor"): Role.BILLING_PRACTITIONER,
    (PRACTITIONER_ROLE_SYSTEM, "nurse"): Role.CLINICAL_STAFF,
    (SNOMED, "80584001"): Role.PSYCHIATRIC_CONSULTANT,  # Psychiatrist
}

#: NUCC taxonomy prefixes -> Medicare practitioner type (longest prefix wins).
TYPE_BY_TAXONOMY_PREFIX: dict[str, PractitionerType] = {
    "20": PractitionerType.PHYSICIAN,  # Allopathic & Osteopathic Physicians
    "363L": PractitionerType.NURSE_PRACTITIONER,
    "363A": PractitionerType.PHYSICIAN_ASSISTANT,
    "364S": PractitionerType.CLINICAL_NURSE_SPECIALIST,
    "367A": PractitionerType.CERTIFIED_NURSE_MIDWIFE,
    "103T": PractitionerType.CLINICAL_PSYCHOLOGIST,
    "1041C0700X": PractitionerType.CLINICAL_SOCIAL_WORKER,
    "101YM0800X": PractitionerType.MENTAL_HEALTH_COUNSELOR,
    "106H": PractitionerType.MARRIAGE_FAMILY_THERAPIST,
}
#: NUCC psychiatry taxonomies (Psychiatry & Neurology: Psychiatry and its subspecialties,
#: Psychiatric/Mental Health NP) mark a practitioner as trained in psychiatry.
PSYCHIATRY_TAXONOMY_PREFIXES = ("2084P08", "363LP0808X")
#: v2-0360 degree codes in Practitioner.qualification -> practitioner type.
TYPE_BY_DEGREE: dict[str, PractitionerType] = {
    "MD": PractitionerType.PHYSICIAN,
    "DO": PractitionerType.PHYSICIAN,
    "NP": PractitionerType.NURSE_PRACTITIONER,
    "PA": PractitionerType.PHYSICIAN_ASSISTANT,
    "CNS": PractitionerType.CLINICAL_NURSE_SPECIALIST,
    "CNM": PractitionerType.CERTIFIED_NURSE_MIDWIFE,
}

CONSENT_METHODS: dict[str, ConsentMethod] = {m.value: m for m in ConsentMethod}
CONSENT_ELEMENTS: dict[str, ConsentElement] = {e.value: e for e in ConsentElement}


def taxonomy_type(code: str) -> PractitionerType | None:
    """The practitioner type of a NUCC taxonomy code, by its longest known prefix."""
    best: tuple[int, PractitionerType] | None = None
    for prefix, kind in TYPE_BY_TAXONOMY_PREFIX.items():
        if code.startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), kind)
    return best[1] if best else None


#: ExplanationOfBenefit adjudication categories that are what the payer paid for an item:
#: HL7's ``benefit`` and the CARIN Blue Button profile's ``paidtoprovider``.
PAID_CATEGORIES = frozenset(
    {
        ("http://terminology.hl7.org/CodeSystem/adjudication", "benefit"),
        ("http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication", "paidtoprovider"),
    }
)
