"""One-line summaries of records, shown as the evidence behind a finding."""

from __future__ import annotations

from bhi_audit.findings import Evidence
from bhi_audit.models import (
    Assessment,
    CarePlan,
    CaseloadReview,
    Claim,
    ClaimLine,
    Consent,
    Record,
    RegistryEnrollment,
    Staff,
    TimeEntry,
    Visit,
)


def _describe(record: Record) -> str:
    match record:
        case TimeEntry():
            programs = "+".join(p.value for p in record.program)
            when = f"{record.date}" if record.date else "undated"
            if record.start_time and record.end_time:
                when += f" {record.start_time:%H:%M}-{record.end_time:%H:%M}"
            minutes = f"{record.duration} min" if record.duration is not None else "no duration"
            parts = [when, record.staff_id or "no staff", minutes, programs]
            if record.activity:
                parts.append(record.activity)
            if record.billed_service:
                parts.append(f"billed as {record.billed_service}")
            return ", ".join(parts)
        case Consent():
            programs = "+".join(p.value for p in record.programs)
            text = f"{programs} consent obtained {record.date_obtained} ({record.method.value})"
            if record.revoked_on:
                text += f", revoked {record.revoked_on}"
            return text
        case ClaimLine():
            return (
                f"claim {record.claim_id} line {record.line_number}: {record.code} x{record.units}"
                f" on {record.date_of_service}"
            )
        case Claim():
            return f"claim {record.claim_id} billed by {record.billing_practitioner}"
        case CaseloadReview():
            return f"caseload review {record.date} by {record.consultant_id}"
        case Assessment():
            return f"{record.instrument} {record.score} on {record.date}"
        case CarePlan():
            return f"{record.program.value} care plan created {record.created}"
        case Visit():
            return f"visit {record.code} on {record.date} by {record.practitioner_id or '?'}"
        case RegistryEnrollment():
            return f"registry enrollment from {record.enrolled_on}"
        case Staff():
            roles = "+".join(r.value for r in record.roles)
            return f"{record.staff_id} ({roles}, {record.practitioner_type.value})"
    return record.KIND


def summarize(record: Record) -> Evidence:
    """The evidence entry for one record."""
    if isinstance(record, ClaimLine):
        ident = record.line_key
    else:
        ident = str(record.record_id or record.KIND)
    return Evidence(
        kind=record.KIND, id=ident, location=str(record.location), summary=_describe(record)
    )
