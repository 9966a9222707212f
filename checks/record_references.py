"""Every reference in the input resolves: claims to patients and practitioners, lines to claims.

Why: a claim whose patient or billing practitioner is not in the records, a line whose claim
header is missing, or a claim with no lines cannot be audited against the rules — and would
otherwise be silently skipped. Documentation that names an unknown patient or staff member
proves nothing for the claims it was meant to support. Only kinds the input provides are
checked (an auditor's sample without a roster is not an error).
Source: rulebook §9 (data objects: Claim, TimeLog, Consent, Staff); STYLE §10 (no record
silently dropped).
Passes: every claim's patient is in patients.csv and its practitioners in staff.csv; every line
has its claim; every time entry, consent, review, visit, assessment, care plan and enrollment
names a known patient and known staff members.
Fails: claim C9 for patient P99 not in patients.csv; line C10#1 with no claim C10; claim C11
with no lines (errors); time entry T9 by unknown staff S99, or consent K1 obtained by or for
an unknown staff member (warnings).
Not verifiable: never reported: a reference into a kind the input does not provide is not
checked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from bhi_audit.checkapi import Problem
from bhi_audit.context import Batch
from bhi_audit.models import (
    Assessment,
    CarePlan,
    CaseloadReview,
    Claim,
    ClaimLine,
    Consent,
    Episode,
    Record,
    RegistryEnrollment,
    TimeEntry,
    Visit,
)

ID = "BHI-DATA-001"
NAME = "unresolved-reference"
SCOPE = "batch"
DEFAULT_SEVERITY = "error"
SEVERITIES = {"claim": "error", "documentation": "warning"}

#: How messages name one record of each documentation kind.
_RECORD_NOUN = {
    TimeEntry.KIND: "time entry",
    Consent.KIND: "consent",
    Assessment.KIND: "assessment",
    CarePlan.KIND: "care plan",
    Visit.KIND: "visit",
    RegistryEnrollment.KIND: "registry enrollment",
    Episode.KIND: "episode",
    CaseloadReview.KIND: "caseload review",
}


def _unknown(batch: Batch, kind: str, value: str | None, known: Mapping[str, object]) -> bool:
    return value is not None and batch.provided(kind) and value not in known


def check(batch: Batch, options: None) -> Iterator[Problem]:
    """One problem per reference that does not resolve.

    NOTE: a streamed audit runs it on each patient partition (bhi_audit/spill.py): a claim,
    its lines, its patient and their documentation are always in one partition, so the
    references between them resolve within it; the common records are judged in partition 0.
    """
    bundle = batch.bundle
    lines_by_claim: set[str] = {line.claim_id for line in bundle.of(ClaimLine)}
    for claim in bundle.of(Claim):
        yield from _claim_problems(batch, claim, lines_by_claim)
    for line in bundle.of(ClaimLine):
        if line.claim_id not in batch.claims:
            yield Problem(
                message=f"claim line {line.line_key}: claim {line.claim_id} is not in claims",
                record=line,
                field="claim_id",
                variant="claim",
            )
    docs: list[tuple[Record, str, str | None]] = []
    for entry in bundle.of(TimeEntry):
        docs.append((entry, "patient_id", entry.patient_id))
        if _unknown(batch, "staff", entry.staff_id, batch.staff):
            yield _doc_problem(entry, "staff_id", f"staff {entry.staff_id} is not on the roster")
    for kind in (Consent, Assessment, CarePlan, Visit, RegistryEnrollment, Episode):
        docs.extend((r, "patient_id", r.patient_id) for r in bundle.of(kind))
    for record, field, patient_id in docs:
        if _unknown(batch, "patients", patient_id, batch.patients):
            yield _doc_problem(record, field, f"patient {patient_id} is not in patients")
    for record, field in _staff_references(batch):
        staff_id = getattr(record, field)
        if _unknown(batch, "staff", staff_id, batch.staff):
            yield _doc_problem(
                record, field, f"{_STAFF_NOUN[field]} {staff_id} is not on the roster"
            )
    # NOTE: caseload reviews are common to every partition of a streamed audit: judged once
    # (Batch.reports_common), against every patient of the input (Batch.knows_patient).
    for review in bundle.of(CaseloadReview) if batch.reports_common else ():
        for patient_id in review.patients_reviewed:
            if batch.provided("patients") and not batch.knows_patient(patient_id):
                yield _doc_problem(
                    review, "patients_reviewed", f"patient {patient_id} is not in patients"
                )


#: How messages name the person a documentation field refers to.
_STAFF_NOUN = {
    "obtained_by": "obtained by",
    "billing_practitioner": "billing practitioner",
    "consultant_id": "consultant",
    "bhcm_id": "care manager",
    "administered_by": "administered by",
    "designated_member": "designated member",
    "practitioner_id": "practitioner",
}


def _staff_references(batch: Batch) -> Iterator[tuple[Record, str]]:
    """Every (record, field) of the documentation that names a staff member."""
    fields: tuple[tuple[type[Record], tuple[str, ...]], ...] = (
        (Consent, ("obtained_by", "billing_practitioner")),
        (CaseloadReview, ("consultant_id", "bhcm_id")),
        (Assessment, ("administered_by",)),
        (CarePlan, ("designated_member",)),
        (Visit, ("practitioner_id",)),
        (RegistryEnrollment, ("bhcm_id", "consultant_id")),
    )
    for kind, names in fields:
        if kind is CaseloadReview and not batch.reports_common:
            continue
        for record in batch.bundle.of(kind):
            for field in names:
                yield record, field


def _claim_problems(batch: Batch, claim: Claim, with_lines: set[str]) -> Iterator[Problem]:
    if _unknown(batch, "patients", claim.patient_id, batch.patients):
        yield Problem(
            message=f"claim {claim.claim_id}: patient {claim.patient_id} is not in patients",
            record=claim,
            field="patient_id",
            variant="claim",
        )
    for field in ("billing_practitioner", "rendering_practitioner"):
        staff_id = getattr(claim, field)
        if _unknown(batch, "staff", staff_id, batch.staff):
            yield Problem(
                message=f"claim {claim.claim_id}: {field.replace('_', ' ')} {staff_id} is not on "
                "the roster",
                record=claim,
                field=field,
                variant="claim",
            )
    if claim.claim_id not in with_lines:
        yield Problem(
            message=f"claim {claim.claim_id} has no lines",
            record=claim,
            field="claim_id",
            variant="claim",
        )


def _doc_problem(record: Record, field: str, what: str) -> Problem:
    return Problem(
        message=f"{_RECORD_NOUN.get(record.KIND, record.KIND)} {record.record_id}: {what}",
        record=record,
        field=field,
        variant="documentation",
    )
