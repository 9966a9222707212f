"""PHI redaction: a new AuditResult with patients pseudonymised and free-text notes dropped.

Why a pure function over the finished result: reporters decide nothing, so redaction cannot
live in them; and doing it once, before any reporter runs, makes every format equally safe.

What is replaced:
- patient ids -> ``pt-`` + the first 12 hex digits of HMAC-SHA256(key, patient id); the same
  key gives the same pseudonym in every run, so months can be compared without PHI;
- patient names -> the same pseudonym as the patient's id;
- dates of birth and Medicare ids -> ``[redacted]``;
- free text typed into the input (time-entry notes and activities, caseload-review notes)
  -> ``[note redacted]``;
- quoted input values in rejected-record messages (``got '1948-13-40'``) -> ``'[redacted]'``,
  because a rejected record never reaches the bundle, so its values cannot be listed.

Identifiers are replaced exactly where a field holds one (``Finding.patient_id``, the unit keys)
and with a word-bounded search in text (messages, evidence, facts, waiver reasons). A short
numeric patient id may therefore also blank an unrelated number in a message: redaction errs on
the side of removing too much.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bhi_audit.loaders import Bundle
from bhi_audit.models import CaseloadReview, Patient, TimeEntry
from bhi_audit.result import AuditResult

REDACTED = "[redacted]"
NOTE_REDACTED = "[note redacted]"
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


@dataclass(frozen=True)
class PatientIdentity:
    """What identifies one patient in the input."""

    patient_id: str
    name: str | None = None
    dob: str | None = None
    medicare_id: str | None = None


@dataclass(frozen=True)
class Phi:
    """Every identifying value and free-text note found in a bundle."""

    patients: tuple[PatientIdentity, ...]
    free_text: tuple[str, ...]


def collect_phi(bundle: Bundle) -> Phi:
    """Patients (with name, DOB, Medicare id) and free-text notes from a loaded bundle.

    Patient ids are gathered from every record that names one, not only from ``patients``, so a
    claim for a patient missing from the roster is pseudonymised too.
    """
    identities: dict[str, PatientIdentity] = {}
    for patient in bundle.of(Patient):
        identities[patient.patient_id] = PatientIdentity(
            patient_id=patient.patient_id,
            name=patient.name,
            dob=patient.dob.isoformat() if patient.dob else None,
            medicare_id=patient.medicare_id,
        )
    free_text: set[str] = set()
    for records in bundle.records.values():
        for record in records:
            pid = getattr(record, "patient_id", None)
            if isinstance(pid, str) and pid not in identities:
                identities[pid] = PatientIdentity(patient_id=pid)
            if isinstance(record, CaseloadReview):
                for reviewed in record.patients_reviewed:
                    identities.setdefault(reviewed, PatientIdentity(patient_id=reviewed))
                if record.notes:
                    free_text.add(record.notes)
            if isinstance(record, TimeEntry):
                free_text.update(t for t in (record.note, record.activity) if t)
    return Phi(
        patients=tuple(identities[k] for k in sorted(identities)),
        free_text=tuple(sorted(t.strip() for t in free_text if t.strip())),
    )


def derive_key(phi: Phi) -> bytes:
    """A key for when the user gave none: a digest of all the PHI itself.

    Deterministic for the same input (so outputs stay byte-identical), stable only within
    that input, and unguessable without knowing every patient's identifiers — unlike a fixed
    default key, which would let anyone with a list of plausible MRNs reverse the pseudonyms.
    """
    canonical = json.dumps(
        [[p.patient_id, p.name, p.dob, p.medicare_id] for p in phi.patients]
        + [list(phi.free_text)],
        ensure_ascii=False,
    )
    return hashlib.sha256(b"bhi-audit-redact-v1\0" + canonical.encode("utf-8")).digest()


def pseudonym(key: bytes, patient_id: str) -> str:
    """``pt-`` + 12 hex digits of HMAC-SHA256(key, patient id)."""
    digest = hmac.new(key, patient_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"pt-{digest[:12]}"


def _bounded(values: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching any value not glued to a letter or digit; longest first."""
    unique = sorted({v for v in values if v}, key=lambda v: (-len(v), v))
    if not unique:
        return None
    alternation = "|".join(re.escape(v) for v in unique)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternation})(?![A-Za-z0-9])")


class _Scrubber:
    """Replaces identifiers and notes inside strings and exact identifier fields."""

    def __init__(self, phi: Phi, key: bytes) -> None:
        self.ids = {p.patient_id: pseudonym(key, p.patient_id) for p in phi.patients}
        replacement: dict[str, str] = {}
        for p in phi.patients:
            replacement[p.patient_id] = self.ids[p.patient_id]
            if p.name:
                replacement[p.name] = self.ids[p.patient_id]
            for secret in (p.dob, p.medicare_id):
                if secret:
                    replacement[secret] = REDACTED
        for note in phi.free_text:
            replacement.setdefault(note, NOTE_REDACTED)
        self.replacement = replacement
        self.pattern = _bounded(replacement)

    def text(self, value: str) -> str:
        """A string with every identifying value replaced."""
        if self.pattern is None:
            return value
        return self.pattern.sub(lambda m: self.replacement[m.group(0)], value)

    def patient(self, value: str | None) -> str | None:
        """An exact patient-id field."""
        if value is None:
            return None
        return self.ids.get(value, self.text(value))

    def unit(self, value: str) -> str:
        """A unit key: a patient id, ``<patient id> <month>``, a claim line key or ``batch``."""
        if value in self.ids:
            return self.ids[value]
        head, sep, month = value.rpartition(" ")
        if sep and head in self.ids:
            return f"{self.ids[head]} {month}"
        return self.text(value)

    def deep(self, value: Any) -> Any:
        """Scrub every string inside nested dicts, lists and tuples."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(v) for v in value]
        return value


def redact(result: AuditResult, phi: Phi, key: bytes) -> AuditResult:
    """A copy of ``result`` with no patient identifier, name, DOB, Medicare id or note in it."""
    scrub = _Scrubber(phi, key)
    findings = [
        finding.model_copy(
            update={
                "patient_id": scrub.patient(finding.patient_id),
                "unit": scrub.unit(finding.unit),
                "message": scrub.text(finding.message),
                "evidence": tuple(
                    e.model_copy(
                        update={
                            "id": scrub.unit(e.id),
                            "summary": scrub.text(e.summary),
                        }
                    )
                    for e in finding.evidence
                ),
                "facts": scrub.deep(finding.facts),
                "waiver": _scrub_waiver(finding.waiver, scrub.text),
            }
        )
        for finding in result.findings
    ]
    rejected = [
        r.model_copy(
            update={
                "message": _QUOTED.sub(f"'{REDACTED}'", scrub.text(r.message)),
                "reasons": tuple(
                    (field, _QUOTED.sub(f"'{REDACTED}'", scrub.text(msg)))
                    for field, msg in r.reasons
                ),
            }
        )
        for r in result.rejected
    ]
    evaluations = [e.model_copy(update={"unit": scrub.unit(e.unit)}) for e in result.evaluations]
    # NOTE: re-sort so the redacted output is ordered by what it shows, and stays deterministic.
    return result.model_copy(
        update={
            "findings": tuple(sorted(findings, key=lambda f: f.sort_key)),
            "rejected": tuple(rejected),
            "evaluations": tuple(sorted(evaluations, key=lambda e: (e.check_id, e.unit))),
            "notes": tuple(scrub.text(n) for n in result.notes),
            "unused_waivers": tuple(
                w.model_copy(
                    update={"scope": scrub.text(w.scope), "message": scrub.text(w.message)}
                )
                for w in result.unused_waivers
            ),
            "stale_baseline": tuple(
                b.model_copy(
                    update={
                        "patient_id": scrub.patient(b.patient_id),
                        "message": scrub.text(b.message),
                    }
                )
                for b in result.stale_baseline
            ),
            "config": {**scrub.deep(result.config), "redacted": True},
        }
    )


def _scrub_waiver(waiver: Any, text: Callable[[str], str]) -> Any:
    if waiver is None:
        return None
    return waiver.model_copy(
        update={
            "reason": text(waiver.reason),
            "evidence": text(waiver.evidence) if waiver.evidence else waiver.evidence,
        }
    )
