"""PHI redaction: a new AuditResult in which nothing can be linked to a person.

Why a pure function over the finished result: reporters decide nothing, so redaction cannot
live in them; and doing it once, before any reporter runs, makes every format equally safe.

What is replaced (docs/security.md section 3):
- patient ids (and 837P member ids that matched no patient) -> ``pt-`` + 12 hex digits of
  HMAC-SHA256(key, patient id); the same key gives the same pseudonym in every run, so months
  can be compared, baselined and waived without PHI;
- patient names -> the same pseudonym as the patient's id;
- claim ids -> ``cl-`` + 12 hex digits, other record ids (consents, time entries, visits,
  FHIR resource ids...) -> ``id-`` + 12 hex digits, because generators and EHRs build them
  from patient ids (``P000005-2026-02``), which would undo the pseudonym;
- input files -> ``input-`` + 8 hex digits (keyed the same way), so a location reads
  ``input-3f2a9c1e:12`` and the inputs list keeps only that label and the file's sha256;
- dates of birth and Medicare ids -> ``[redacted]``; free text typed into the input
  (time-entry notes and activities, caseload-review notes) -> ``[note redacted]``;
- rejected-record messages -> the field and the kind of problem the loader recorded
  (``Rejection.problems``), never the message, which may quote the input; the claim a
  rejected claim or claim line names -> its ``cl-`` pseudonym, even when no kept record
  holds that claim id;
- internal-error messages -> the check id and the exception type, never the exception text
  (which may hold a record's repr; the traceback stays in the debug log).

Everything redaction needs is taken from what the loaders kept (:func:`collect_phi` reads the
loaded bundle, never the input files again). Identifiers are replaced exactly where a field
holds one (``Finding.patient_id``, ``claim_id``, unit keys, evidence ids) and with a
word-bounded search in text that checks wrote (messages, evidence, facts, waiver reasons). A
short numeric id may therefore also blank an unrelated number in a message: redaction errs on
the side of removing too much.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bhi_audit.bundle import Bundle
from bhi_audit.evaluations import relabelled
from bhi_audit.findings import Evidence, Finding, Outcome
from bhi_audit.models import (
    CaseloadReview,
    Claim,
    ClaimLine,
    Episode,
    Patient,
    Record,
    Staff,
    TimeEntry,
)
from bhi_audit.result import AuditResult, InputFileSummary, Readiness, RejectedRecord

REDACTED = "[redacted]"
NOTE_REDACTED = "[note redacted]"

#: How a rejection's kind of problem reads under redaction (anything else: the code itself,
#: with spaces; a pydantic error type never holds an input value).
PROBLEMS = {
    "": "rejected (details withheld under --redact)",
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "duplicate": "duplicate record",
    "not_an_object": "not an object",
    "value_error": "invalid value",
    "string_pattern_mismatch": "value does not have the expected form",
    "unresolved_reference": "reference to a record that is not in the input",
    "fhir_mapping": "FHIR element bhi-audit cannot use",
    "fhir_validation": "fails FHIR validation",
    "x12_validation": "fails 837P implementation-guide validation (pyx12)",
    "claim_rejected": "its claim is rejected",
}
#: The name of a field that is not one of ours came from the input: it is not shown either.
_UNKNOWN_FIELD = "(unknown field)"
_EXCEPTION_TYPE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*(?=: |\s|$)")


@dataclass(frozen=True)
class PatientIdentity:
    """What identifies one patient in the input."""

    patient_id: str
    name: str | None = None
    dob: str | None = None
    medicare_id: str | None = None


@dataclass(frozen=True)
class Phi:
    """Every identifying value the loaders kept, and what redaction shows instead of a value.

    ``problems`` maps a rejection (kind, location, reasons) to the kinds of its problems, as
    the loader recorded them.
    """

    patients: tuple[PatientIdentity, ...]
    free_text: tuple[str, ...]
    claim_ids: tuple[str, ...] = ()
    record_ids: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    problems: dict[tuple[str, str, tuple[tuple[str, str], ...]], tuple[str, ...]] = field(
        default_factory=dict
    )


def collect_phi(bundle: Bundle, paths: Iterable[str] = ()) -> Phi:
    """Identifiers, notes, file names and rejection problems from a loaded bundle.

    Patient ids are gathered from every record that names one, not only from ``patients``, so
    a claim for a patient missing from the roster (or an 837P member id that matched nobody)
    is pseudonymised too. ``paths`` are the input paths as given (directories included), whose
    names may be derived from a patient's.
    """
    collector = PhiCollector()
    for records in bundle.records.values():
        for record in records:
            collector.add(record)
    return collector.phi(bundle, paths)


class PhiCollector:
    """What :func:`collect_phi` gathers, fed one record at a time.

    Why: a streamed audit (bhi_audit/spill.py) never holds the whole input, so redaction's
    identifiers are captured while loading, as each record is kept; the result is the same
    :class:`Phi` as :func:`collect_phi` of the whole bundle, in whatever order records come.
    """

    def __init__(self) -> None:
        self.identities: dict[str, PatientIdentity] = {}
        self.free_text: set[str] = set()
        self.claim_ids: set[str] = set()
        self.record_ids: set[str] = set()

    def add(self, record: Record) -> None:
        """Take the identifiers and free text of one kept record."""
        identities = self.identities
        if isinstance(record, Patient):
            # NOTE: a patient's own record names them fully, whichever record came first.
            identities[record.patient_id] = PatientIdentity(
                patient_id=record.patient_id,
                name=record.name,
                dob=record.dob.isoformat() if record.dob else None,
                medicare_id=record.medicare_id,
            )
        pid = getattr(record, "patient_id", None)
        if isinstance(pid, str) and pid not in identities:
            identities[pid] = PatientIdentity(patient_id=pid)
        if isinstance(record, Claim | ClaimLine):
            self.claim_ids.add(record.claim_id)
        elif not isinstance(record, Staff | Patient) and record.record_id:
            self.record_ids.add(str(record.record_id))
        if isinstance(record, CaseloadReview):
            for reviewed in record.patients_reviewed:
                identities.setdefault(reviewed, PatientIdentity(patient_id=reviewed))
            if record.notes:
                self.free_text.add(record.notes)
        if isinstance(record, TimeEntry):
            self.free_text.update(t for t in (record.note, record.activity) if t)
        if isinstance(record, Episode) and record.end_reason:
            self.free_text.add(record.end_reason)

    def phi(self, bundle: Bundle, paths: Iterable[str] = ()) -> Phi:
        """The finished :class:`Phi`, with the files and rejections of ``bundle``."""
        identities = self.identities
        # NOTE: a rejected claim or claim line names its claim as given, which may be in no kept
        # record (bhi_audit.bundle.Rejection.claim_id): the same id space, so the same pseudonym.
        claim_ids = self.claim_ids | {r.claim_id for r in bundle.rejected if r.claim_id}
        files = {f.path for f in bundle.files} | {p for p in paths if p}
        problems = {
            (r.kind, str(r.location), r.reasons): r.problems for r in bundle.rejected if r.problems
        }
        return Phi(
            patients=tuple(identities[k] for k in sorted(identities)),
            free_text=tuple(sorted(t.strip() for t in self.free_text if t.strip())),
            claim_ids=tuple(sorted(claim_ids)),
            record_ids=tuple(sorted(self.record_ids - claim_ids - set(identities))),
            files=tuple(sorted(files)),
            problems=problems,
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


def _digest(key: bytes, value: str) -> str:
    # NOTE: surrogatepass: a file name that is not UTF-8 reaches us as surrogate escapes
    # (os.fsdecode); it must still get its label rather than crash the redaction.
    return hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def pseudonym(key: bytes, patient_id: str) -> str:
    """``pt-`` + 12 hex digits of HMAC-SHA256(key, patient id)."""
    return f"pt-{_digest(key, patient_id)[:12]}"


def claim_pseudonym(key: bytes, claim_id: str) -> str:
    """``cl-`` + 12 hex digits of HMAC-SHA256(key, ``claim\\0`` + claim id)."""
    return f"cl-{_digest(key, 'claim' + chr(0) + claim_id)[:12]}"


def record_pseudonym(key: bytes, record_id: str) -> str:
    """``id-`` + 12 hex digits of HMAC-SHA256(key, ``record\\0`` + record id)."""
    return f"id-{_digest(key, 'record' + chr(0) + record_id)[:12]}"


def file_label(key: bytes, path: str) -> str:
    """``input-`` + 8 hex digits of HMAC-SHA256(key, ``file\\0`` + path as displayed)."""
    return f"input-{_digest(key, 'file' + chr(0) + path)[:8]}"


def pseudonym_index(phi: Phi, key: bytes) -> dict[str, str]:
    """Pseudonym -> real id for every patient and claim of the input, under ``key``.

    What resolves a pseudonymous baseline or a waiver naming ``pt-…``/``cl-…`` back to the
    ids the engine matches on; the pseudonyms never need to be reversed, only recomputed.
    """
    index = {claim_pseudonym(key, c): c for c in phi.claim_ids}
    index.update({pseudonym(key, p.patient_id): p.patient_id for p in phi.patients})
    return index


def _date_forms(iso: str) -> list[str]:
    """A date as ISO, as X12 writes it (CCYYMMDD), as US text and as Python's repr."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return [iso]
    return [
        iso,
        day.strftime("%Y%m%d"),
        day.strftime("%m/%d/%Y"),
        repr(day),
        f"date({day.year}, {day.month}, {day.day})",
    ]


_CHUNK = re.compile(r"\S+")
_WORD = re.compile(r"[A-Za-z0-9]")


class Replacer:
    """Replaces whole values in text wherever they are not glued to a letter or digit.

    Why not one regular expression of all values: a batch has hundreds of thousands of ids and
    notes, and an alternation that large takes minutes to compile and to match. Instead each
    place a value could start (a non-space character not preceded by a letter or digit) is
    looked up by hash: single-word values by every substring that ends where a value could
    end, multi-word values (names, notes) by their first word. Longest match wins.
    """

    def __init__(self, replacement: dict[str, str]) -> None:
        self.replacement = {v: r for v, r in replacement.items() if v}
        self.by_head: dict[str, list[str]] = {}
        longest = 0
        for value in self.replacement:
            words = value.split()
            if len(words) > 1 or words[0] != value:
                self.by_head.setdefault(words[0], []).append(value)
            else:
                longest = max(longest, len(value))
        for values in self.by_head.values():
            values.sort(key=lambda v: (-len(v), v))
        self.longest = longest

    def _match(self, text: str, start: int, chunk_end: int) -> str | None:
        """The longest value that starts at ``start`` and ends at a word boundary."""
        best: str | None = None
        for value in self.by_head.get(text[start:chunk_end], ()):
            end = start + len(value)
            if text.startswith(value, start) and not _WORD.match(text, end):
                best = value
                break
        limit = min(chunk_end, start + self.longest)
        for end in range(limit, start, -1):
            if best is not None and end - start <= len(best):
                break
            if end < len(text) and _WORD.match(text, end):
                continue
            candidate = text[start:end]
            if candidate in self.replacement:
                return candidate
        return best

    def sub(self, text: str) -> str:
        """``text`` with every value replaced."""
        if not self.replacement:
            return text
        out: list[str] = []
        done = 0
        for chunk in _CHUNK.finditer(text):
            for start in range(chunk.start(), chunk.end()):
                if start < done or (start > 0 and _WORD.match(text, start - 1)):
                    continue
                found = self._match(text, start, chunk.end())
                if found is not None:
                    out.append(text[done:start])
                    out.append(self.replacement[found])
                    done = start + len(found)
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)


class Scrubber:
    """Replaces identifiers, notes and file names inside strings and exact identifier fields."""

    def __init__(self, phi: Phi, key: bytes) -> None:
        self.ids = {p.patient_id: pseudonym(key, p.patient_id) for p in phi.patients}
        self.claims = {c: claim_pseudonym(key, c) for c in phi.claim_ids}
        self.records = {r: record_pseudonym(key, r) for r in phi.record_ids}
        self.files = {f: file_label(key, f) for f in phi.files}
        replacement: dict[str, str] = {**self.files, **self.records, **self.claims, **self.ids}
        for p in phi.patients:
            if p.name:
                replacement.setdefault(p.name, self.ids[p.patient_id])
            if p.medicare_id:
                replacement.setdefault(p.medicare_id, REDACTED)
            for form in _date_forms(p.dob) if p.dob else ():
                replacement.setdefault(form, REDACTED)
        for note in phi.free_text:
            replacement.setdefault(note, NOTE_REDACTED)
        self.replacement = replacement
        self.replacer = Replacer(replacement)
        self.problems = phi.problems

    def text(self, value: str) -> str:
        """A string with every identifying value replaced."""
        return self.replacer.sub(value)

    def patient(self, value: str | None) -> str | None:
        """An exact patient-id field."""
        if value is None:
            return None
        return self.ids[value] if value in self.ids else self.text(value)

    def claim(self, value: str | None) -> str | None:
        """An exact claim-id field."""
        if value is None:
            return None
        return self.claims[value] if value in self.claims else self.text(value)

    def file(self, value: str) -> str:
        """An exact input-file field: its label (``<input>`` and the like stay as they are)."""
        return self.files[value] if value in self.files else self.text(value)

    def unit(self, value: str) -> str:
        """A unit or evidence key: a patient id, ``<patient id> <month>``, ``claim#line``,
        a record id or ``batch``."""
        for table in (self.ids, self.claims, self.records):
            if value in table:
                return table[value]
        head, sep, month = value.rpartition(" ")
        if sep and head in self.ids:
            return f"{self.ids[head]} {month}"
        head, sep, line = value.rpartition("#")
        if sep and head in self.claims:
            return f"{self.claims[head]}#{line}"
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

    def rejected(self, record: RejectedRecord) -> RejectedRecord:
        """A rejected record as field and kind of problem: its message may quote the input."""
        problems = self.problems.get((record.kind, record.location, record.reasons), ())
        reasons = []
        for index, (fld, _message) in enumerate(record.reasons):
            problem = problems[index] if index < len(problems) else ""
            shown_field = _UNKNOWN_FIELD if problem == "extra_forbidden" else self.text(fld)
            reasons.append((shown_field, PROBLEMS.get(problem, problem.replace("_", " "))))
        message = "; ".join(f"{f}: {m}" if f else m for f, m in reasons)
        return record.model_copy(
            update={
                "location": self.text(record.location),
                "file": self.file(record.file),
                "message": message,
                "reasons": tuple(reasons),
                "claim_id": self.claim(record.claim_id),
            }
        )

    def finding(self, finding: Finding) -> Finding:
        """A finding with every identifier replaced (and an internal error's text dropped)."""
        message = self.text(finding.message)
        if finding.outcome is Outcome.INTERNAL_ERROR:
            message = self._internal_error(finding)
        return finding.model_copy(
            update={
                "patient_id": self.patient(finding.patient_id),
                "claim_id": self.claim(finding.claim_id),
                "unit": self.unit(finding.unit),
                "message": message,
                "location": self.text(finding.location),
                "file": self.file(finding.file),
                "evidence": tuple(self._evidence(e) for e in finding.evidence),
                "facts": self.deep(finding.facts),
                "waiver": _scrub_waiver(finding.waiver, self.text),
            }
        )

    def _evidence(self, evidence: Evidence) -> Evidence:
        return evidence.model_copy(
            update={
                "id": self.unit(evidence.id),
                "location": self.text(evidence.location),
                "summary": self.text(evidence.summary),
            }
        )

    def _internal_error(self, finding: Finding) -> str:
        """Check id, where (pseudonymised) and exception type: never the exception's text."""
        where = f"claim {finding.claim_id}" if finding.claim_id else finding.unit
        prefix = f"internal error in check {finding.check_id} on {where}: "
        found = None
        if finding.message.startswith(prefix):
            found = _EXCEPTION_TYPE.match(finding.message, len(prefix))
        exc_type = found.group(0) if found else "Exception"
        shown = (
            f"claim {self.claim(finding.claim_id)}" if finding.claim_id else self.unit(finding.unit)
        )
        return (
            f"internal error in check {finding.check_id} on {shown}: {exc_type} (the check did "
            "not run; its message is withheld under --redact and kept in the debug log)"
        )


def redact(result: AuditResult, phi: Phi, key: bytes) -> AuditResult:
    """A copy of ``result`` with no identifier, name, DOB, Medicare id, note or file name in it."""
    scrub = Scrubber(phi, key)
    findings = [scrub.finding(finding) for finding in result.findings]
    rejected = [scrub.rejected(r) for r in result.rejected]
    # NOTE: constructed, not copied: one per check and unit, and copying dominated the time.
    evaluations = relabelled(result.evaluations, scrub.unit)
    per_claim = {
        scrub.unit(k): v.model_copy(update={"patient_id": scrub.patient(v.patient_id)})
        for k, v in result.per_claim.items()
    }
    inputs = [
        InputFileSummary(path=scrub.file(i.path), sha256=i.sha256, format=i.format)
        for i in result.inputs
    ]
    # NOTE: re-sort so the redacted output is ordered by what it shows, and stays deterministic.
    return result.model_copy(
        update={
            "inputs": tuple(sorted(inputs, key=lambda i: (i.path, i.sha256))),
            "findings": tuple(sorted(findings, key=lambda f: f.sort_key)),
            "rejected": tuple(sorted(rejected, key=lambda r: (r.location, r.kind, r.message))),
            "evaluations": evaluations,
            "per_claim": dict(sorted(per_claim.items())),
            "notes": tuple(scrub.text(n) for n in result.notes),
            "coverage": scrub.deep(result.coverage),
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
            "readiness": _scrub_readiness(result.readiness, scrub),
            # NOTE: the reviewer's notes may name a patient or claim; reviewer and role are staff.
            "signoff": result.signoff
            and result.signoff.model_copy(update={"notes": scrub.text(result.signoff.notes)}),
        }
    )


def _scrub_readiness(readiness: Readiness | None, scrub: Scrubber) -> Readiness | None:
    """Readiness with its record references pseudonymised (re-sorted by what they show) and
    its texts scrubbed; staff names are not patient identifiers and stay (docs/readiness.md)."""
    if readiness is None:
        return None
    months = tuple(
        month.model_copy(
            update={
                "items": tuple(
                    item.model_copy(
                        update={
                            "summary": scrub.text(item.summary),
                            "evidence": tuple(scrub.text(e) for e in item.evidence),
                            "refs": tuple(sorted(scrub.unit(r) for r in item.refs)),
                        }
                    )
                    for item in month.items
                )
            }
        )
        for month in readiness.months
    )
    return readiness.model_copy(update={"months": months})


def _scrub_waiver(waiver: Any, text: Callable[[str], str]) -> Any:
    if waiver is None:
        return None
    return waiver.model_copy(
        update={
            "reason": text(waiver.reason),
            "evidence": text(waiver.evidence) if waiver.evidence else waiver.evidence,
        }
    )
