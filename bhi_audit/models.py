"""Input record models: one pydantic model per kind of record an EHR or PM system exports.

Why strict models: an audit tool that guesses is worse than none. Every model forbids unknown
fields, and every field accepts only the documented textual forms (see ``docs/input-format.md``):
ISO dates, whole numbers, ``;``-separated lists in CSV. Anything else rejects the record, with
the field and the reason, instead of being coerced silently.

Each record remembers where it came from (:class:`Location`), so a finding can point back at
``file:row`` the way a linter points at ``file:line``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, field_validator

# --------------------------------------------------------------------------- locations


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record came from: a file plus a CSV row, a JSON pointer or an X12 segment.

    A plain slotted dataclass, not a pydantic model: one is made per record read.
    """

    file: str
    row: int | None = None
    pointer: str | None = None
    segment: int | None = None
    #: Where the record starts in a JSON/YAML document's text, (line, column), both 1-based
    #: (``bhi_audit/loaders/positions.py``); None for CSV rows, X12 segments, NDJSON lines.
    start: tuple[int, int] | None = None

    def __str__(self) -> str:
        if self.row is not None:
            return f"{self.file}:{self.row}"
        if self.segment is not None:
            return f"{self.file}:segment {self.segment}"
        if self.pointer is not None:
            return f"{self.file}#{self.pointer}"
        return self.file

    @property
    def line(self) -> int | None:
        """The line-like number editors and SARIF-style consumers follow: the CSV row's (or
        NDJSON resource's) physical line, the X12 segment number, or the line where a JSON/YAML
        document's record starts."""
        if self.row is not None:
            return self.row
        if self.segment is not None:
            return self.segment
        return self.start[0] if self.start is not None else None

    @property
    def column(self) -> int | None:
        """The 1-based column to go with :attr:`line`: where a document's record starts, else 1
        (a CSV row, an X12 segment and an NDJSON line are located by their start)."""
        if self.row is None and self.segment is None and self.start is not None:
            return self.start[1]
        return 1 if self.line is not None else None


UNKNOWN_LOCATION = Location(file="<unknown>")

# --------------------------------------------------------------------------- field types

_INT_RE = re.compile(r"[+-]?[0-9]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The dates a record may carry (docs/input-format.md): anything outside is a typo or a
#: placeholder (``0001-01-01``, ``9999-12-31``), and date arithmetic near the ends of the
#: calendar would fail inside the checks.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def _text_only(value: str) -> str:
    """``value`` if it is valid Unicode text; a lone surrogate (JSON ``"\\ud800"``) is not.

    Why: it cannot be written as UTF-8, so it would crash every report writer later on; it
    is rejected here, as the error of the field that holds it.
    """
    if not value.isascii():
        found = _SURROGATE.search(value)
        if found:
            raise ValueError(f"not valid Unicode text (lone surrogate U+{ord(found[0]):04X})")
    return value


_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def _parse_int(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a whole number, not a boolean")
    if isinstance(value, str):
        text = value.strip()
        if not _INT_RE.fullmatch(text):
            raise ValueError(f"expected a whole number, got {value!r}")
        return int(text)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"expected a whole number, got {value!r}")
        return int(value)
    return value


def _parse_bool(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"expected true/false, got {value!r}")
    return value


def _parse_date(value: Any) -> Any:
    if isinstance(value, date):
        return _in_range(value)
    text = value.strip() if isinstance(value, str) else None
    if text is None or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a calendar date: {value!r}") from None
    return _in_range(day)


def _in_range(day: date) -> date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(
            f"date {day.isoformat()} out of range ({EARLIEST_DATE.isoformat()} to "
            f"{LATEST_DATE.isoformat()})"
        )
    return day


def _parse_time(value: Any) -> Any:
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a time HH:MM, got {value!r}")
    text = value.strip()
    if not re.fullmatch(r"[0-9]{2}:[0-9]{2}(:[0-9]{2})?", text):
        raise ValueError(f"expected a time HH:MM, got {value!r}")
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a clock time: {value!r}") from None


def _parse_money(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected an amount, not a boolean")
    if isinstance(value, str | int | float):
        try:
            amount = Decimal(str(value).strip().lstrip("$"))
        except InvalidOperation:
            raise ValueError(f"expected an amount like 160.32, got {value!r}") from None
        if not amount.is_finite():
            raise ValueError(f"expected an amount like 160.32, got {value!r}")
        return amount
    return value


def _split_list(value: Any) -> Any:
    """CSV cells hold lists as ``a;b;c``; JSON and YAML may use real arrays."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def _strip(value: Any) -> Any:
    return _text_only(value).strip() if isinstance(value, str) else value


def _free_text(value: Any) -> Any:
    return _text_only(value) if isinstance(value, str) else value


def _identifier(value: Any) -> Any:
    """Identifiers are text; a JSON/YAML number such as ``1042`` is taken as ``"1042"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _strip(value)


def _upper(value: Any) -> Any:
    return _text_only(value).strip().upper() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_strip), Field(min_length=1)]
#: Notes: kept exactly as written, but only valid Unicode text.
FreeText = Annotated[str, BeforeValidator(_free_text)]
Identifier = Annotated[
    str,
    BeforeValidator(_identifier, json_schema_input_type=str | int),
    Field(min_length=1, max_length=128),
]
WholeNumber = Annotated[int, BeforeValidator(_parse_int, json_schema_input_type=int | str)]
Flag = Annotated[bool, BeforeValidator(_parse_bool, json_schema_input_type=bool | str)]
IsoDate = Annotated[date, BeforeValidator(_parse_date)]
ClockTime = Annotated[time, BeforeValidator(_parse_time)]
Money = Annotated[Decimal, BeforeValidator(_parse_money), Field(ge=0)]

#: HCPCS Level I (CPT, 5 digits or 4 digits + F/T/U) or Level II (letter + 4 digits).
HCPCS_RE = re.compile(r"(?:[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})")
HcpcsCode = Annotated[
    str, BeforeValidator(_upper), Field(pattern=r"^(?:[0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})$")
]
Modifier = Annotated[str, BeforeValidator(_upper), Field(pattern=r"^[0-9A-Z]{2}$")]
PlaceOfService = Annotated[str, BeforeValidator(_strip), Field(pattern=r"^[0-9]{2}$")]


def _normalise_icd10(value: Any) -> Any:
    """Accept ``F32.1`` or ``F321``; store the dotted form ``F32.1``."""
    if not isinstance(value, str):
        return value
    text = value.strip().upper().replace(".", "")
    if not re.fullmatch(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}", text):
        raise ValueError(f"not an ICD-10-CM code: {value!r}")
    return text if len(text) == 3 else f"{text[:3]}.{text[3:]}"


Icd10Code = Annotated[str, BeforeValidator(_normalise_icd10)]


def _csv_list(item: Any) -> Any:
    return Annotated[
        list[item],
        BeforeValidator(_split_list, json_schema_input_type=list[item] | str),
    ]


# --------------------------------------------------------------------------- enums


class Role(StrEnum):
    """What a staff member does on the care team (a person may have several roles)."""

    BILLING_PRACTITIONER = "billing_practitioner"
    BHCM = "bhcm"
    PSYCHIATRIC_CONSULTANT = "psychiatric_consultant"
    CLINICAL_STAFF = "clinical_staff"


class PractitionerType(StrEnum):
    """Medicare practitioner type, which decides who may bill which code (rulebook §3.11)."""

    PHYSICIAN = "physician"
    NURSE_PRACTITIONER = "nurse_practitioner"
    PHYSICIAN_ASSISTANT = "physician_assistant"
    CLINICAL_NURSE_SPECIALIST = "clinical_nurse_specialist"
    CERTIFIED_NURSE_MIDWIFE = "certified_nurse_midwife"
    CLINICAL_PSYCHOLOGIST = "clinical_psychologist"
    CLINICAL_SOCIAL_WORKER = "clinical_social_worker"
    MENTAL_HEALTH_COUNSELOR = "mental_health_counselor"
    MARRIAGE_FAMILY_THERAPIST = "marriage_family_therapist"
    #: Known not to be a Medicare billing practitioner: clinical staff (MA, RN, LPN), or a care
    #: manager or consultant who does not bill (rulebook §3.11z). Billing as one is an error.
    NON_BILLING = "non_billing"
    #: Type not given, or none of the above: who may bill is then not verifiable.
    OTHER = "other"


class Program(StrEnum):
    """A care-management program that time, consent and claims belong to."""

    BHI = "BHI"  # general BHI: 99484, G0323, G0570
    COCM = "COCM"  # psychiatric collaborative care: 99492-99494, G2214, G0568, G0569
    CCM = "CCM"
    PCM = "PCM"
    TCM = "TCM"
    APCM = "APCM"
    RPM = "RPM"
    RTM = "RTM"
    DMHT = "DMHT"


class ConsentMethod(StrEnum):
    """How consent was obtained: CMS accepts either, if documented (rulebook §3.2b)."""

    VERBAL = "verbal"
    WRITTEN = "written"


class ConsentElement(StrEnum):
    """Statements a consent record can document (rulebook §3.2)."""

    COST_SHARING = "cost_sharing"
    CONSULT_SPECIALISTS = "consult_specialists"
    RIGHT_TO_STOP = "right_to_stop"
    ONE_PRACTITIONER = "one_practitioner"


class ClaimType(StrEnum):
    """Professional (837P/CMS-1500) or institutional RHC/FQHC (837I/UB-04) claim."""

    PROFESSIONAL = "professional"
    INSTITUTIONAL = "institutional"


# --------------------------------------------------------------------------- records


class Record(BaseModel):
    """Base of every input record: unknown fields rejected, location remembered.

    Strictness comes from the field types above (each accepts only its documented forms);
    pydantic's own strict mode is not used because it refuses enum values given as text.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The name of the CSV file (without ``.csv``) and JSON key that hold this kind.
    KIND: ClassVar[str] = ""
    #: The field that identifies a record of this kind, used for duplicates and references.
    ID_FIELD: ClassVar[str | None] = None

    # NOTE: default None, not a Location: pydantic deep-copies private defaults per instance.
    _location: Location | None = PrivateAttr(default=None)

    @property
    def location(self) -> Location:
        """Where this record was read from."""
        return self._location or UNKNOWN_LOCATION

    def at(self, location: Location) -> Record:
        """Return this record with its source location set (called once by a loader)."""
        # NOTE: into the private state directly, as pydantic's __setattr__ would (it costs
        # about 1 µs a record on this path, called for each of millions of records).
        private = self.__pydantic_private__
        if private is None:
            object.__setattr__(self, "__pydantic_private__", {"_location": location})
        else:
            private["_location"] = location
        return self

    @property
    def record_id(self) -> str | None:
        """The record's identifier, if its kind has one."""
        return getattr(self, self.ID_FIELD) if self.ID_FIELD else None


def npi_check_digit(base9: str) -> int:
    """The NPI check digit of nine digits: Luhn over ``80840`` + them (CMS NPI standard)."""
    digits = [int(c) for c in "80840" + base9]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def _valid_npi(npi: str) -> bool:
    """Whether a 10-digit NPI's last digit is the check digit of its first nine."""
    return npi_check_digit(npi[:9]) == int(npi[9])


class Staff(Record):
    """A member of the roster: practitioner, care manager, consultant or clinical staff."""

    KIND: ClassVar[str] = "staff"
    ID_FIELD: ClassVar[str | None] = "staff_id"

    staff_id: Identifier
    name: Text | None = None
    npi: Annotated[str, BeforeValidator(_strip), Field(pattern=r"^[0-9]{10}$")] | None = None
    roles: _csv_list(Role) = Field(min_length=1)  # type: ignore[valid-type]
    practitioner_type: PractitionerType = PractitionerType.OTHER
    credential: Text | None = None
    bh_training: Flag | None = None
    full_psych_prescriber: Flag | None = None
    psychiatry_trained: Flag | None = None
    group_id: Identifier | None = None
    active_from: IsoDate | None = None
    active_to: IsoDate | None = None

    @field_validator("npi")
    @classmethod
    def _check_npi_digit(cls, value: str | None) -> str | None:
        if value is not None and not _valid_npi(value):
            raise ValueError(f"NPI {value} fails the check digit")
        return value

    def has_role(self, role: Role) -> bool:
        """Whether this staff member holds ``role``."""
        return role in self.roles


class Patient(Record):
    """A beneficiary. Name, date of birth and Medicare id are PHI and optional."""

    KIND: ClassVar[str] = "patients"
    ID_FIELD: ClassVar[str | None] = "patient_id"

    patient_id: Identifier
    name: Text | None = None
    dob: IsoDate | None = None
    medicare_id: Text | None = None
    qmb: Flag | None = None


class Claim(Record):
    """A proposed claim (header). Its lines are :class:`ClaimLine` records."""

    KIND: ClassVar[str] = "claims"
    ID_FIELD: ClassVar[str | None] = "claim_id"

    claim_id: Identifier
    patient_id: Identifier
    billing_practitioner: Identifier
    rendering_practitioner: Identifier | None = None
    place_of_service: PlaceOfService | None = None
    claim_type: ClaimType = ClaimType.PROFESSIONAL
    type_of_bill: Annotated[str, BeforeValidator(_strip), Field(pattern=r"^[0-9]{3,4}$")] | None = (
        None
    )
    diagnoses: _csv_list(Icd10Code) = Field(default_factory=list, max_length=12)  # type: ignore[valid-type]
    created_on: IsoDate | None = None


class ClaimLine(Record):
    """One service line of a claim."""

    KIND: ClassVar[str] = "claim_lines"

    claim_id: Identifier
    line_number: WholeNumber = Field(ge=1, le=50)
    code: HcpcsCode
    units: WholeNumber = Field(default=1, ge=1, le=999)
    modifiers: _csv_list(Modifier) = Field(default_factory=list, max_length=4)  # type: ignore[valid-type]
    date_of_service: IsoDate
    diagnosis_pointers: _csv_list(  # type: ignore[valid-type]
        Annotated[
            int, BeforeValidator(_parse_int, json_schema_input_type=int | str), Field(ge=1, le=12)
        ]
    ) = Field(default_factory=list, max_length=4)
    charge: Money | None = None
    revenue_code: Annotated[str, BeforeValidator(_strip), Field(pattern=r"^[0-9]{4}$")] | None = (
        None
    )
    place_of_service: PlaceOfService | None = None
    #: What the payer paid for the line, from a remittance (auditors' frames, docs/auditing.md).
    paid_amount: Money | None = None

    @property
    def line_key(self) -> str:
        """``claim_id#line`` — unique within a batch."""
        return f"{self.claim_id}#{self.line_number}"


class TimeEntry(Record):
    """A time-log entry: who spent how long on what, for which patient and program."""

    KIND: ClassVar[str] = "time_entries"
    ID_FIELD: ClassVar[str | None] = "entry_id"

    entry_id: Identifier
    patient_id: Identifier
    staff_id: Identifier | None = None
    date: IsoDate | None = None
    minutes: WholeNumber | None = Field(default=None, ge=0, le=24 * 60)
    start_time: ClockTime | None = None
    end_time: ClockTime | None = None
    program: _csv_list(Program) = Field(min_length=1)  # type: ignore[valid-type]
    activity: Text | None = None
    note: FreeText | None = None
    billed_service: Text | None = None

    @field_validator("end_time")
    @classmethod
    def _end_after_start(cls, value: time | None, info: Any) -> time | None:
        start = info.data.get("start_time")
        if value is not None and start is not None and value <= start:
            raise ValueError(f"end_time {value:%H:%M} is not after start_time {start:%H:%M}")
        return value

    @property
    def duration(self) -> int | None:
        """Minutes logged: ``minutes`` if given, otherwise ``end_time - start_time``."""
        if self.minutes is not None:
            return self.minutes
        if self.start_time is not None and self.end_time is not None:
            start = self.start_time.hour * 60 + self.start_time.minute
            end = self.end_time.hour * 60 + self.end_time.minute
            return end - start
        return None


class Consent(Record):
    """A documented consent to one or more care-management programs."""

    KIND: ClassVar[str] = "consents"
    ID_FIELD: ClassVar[str | None] = "consent_id"

    consent_id: Identifier
    patient_id: Identifier
    programs: _csv_list(Program) = Field(min_length=1)  # type: ignore[valid-type]
    date_obtained: IsoDate
    method: ConsentMethod
    obtained_by: Identifier | None = None
    billing_practitioner: Identifier | None = None
    elements: _csv_list(ConsentElement) = Field(default_factory=list)  # type: ignore[valid-type]
    revoked_on: IsoDate | None = None

    def in_force_on(self, day: date) -> bool:
        """Whether the consent was obtained on or before ``day`` and not revoked by then."""
        return self.date_obtained <= day and (self.revoked_on is None or self.revoked_on > day)


class CaseloadReview(Record):
    """A psychiatric consultant's caseload review with a care manager (CoCM)."""

    KIND: ClassVar[str] = "caseload_reviews"
    ID_FIELD: ClassVar[str | None] = "review_id"

    review_id: Identifier
    date: IsoDate
    consultant_id: Identifier
    bhcm_id: Identifier | None = None
    patients_reviewed: _csv_list(Identifier) = Field(default_factory=list)  # type: ignore[valid-type]
    notes: FreeText | None = None


class Assessment(Record):
    """A validated rating scale administered to a patient (PHQ-9, GAD-7, ...)."""

    KIND: ClassVar[str] = "assessments"
    ID_FIELD: ClassVar[str | None] = "assessment_id"

    assessment_id: Identifier
    patient_id: Identifier
    date: IsoDate
    instrument: Annotated[str, BeforeValidator(_upper), Field(min_length=1)]
    score: WholeNumber = Field(ge=0, le=200)
    administered_by: Identifier | None = None


class CarePlan(Record):
    """A behavioral health care plan (general BHI) or treatment plan (CoCM)."""

    KIND: ClassVar[str] = "care_plans"
    ID_FIELD: ClassVar[str | None] = "care_plan_id"

    care_plan_id: Identifier
    patient_id: Identifier
    program: Program
    created: IsoDate
    revised: _csv_list(IsoDate) = Field(default_factory=list)  # type: ignore[valid-type]
    consultant_reviewed_on: IsoDate | None = None
    designated_member: Identifier | None = None


class Visit(Record):
    """A face-to-face or telehealth visit (initiating-visit rule and history)."""

    KIND: ClassVar[str] = "visits"
    ID_FIELD: ClassVar[str | None] = "visit_id"

    visit_id: Identifier
    patient_id: Identifier
    date: IsoDate
    code: HcpcsCode
    practitioner_id: Identifier | None = None


class RegistryEnrollment(Record):
    """A patient's entry in the CoCM registry, with the team that follows them."""

    KIND: ClassVar[str] = "registry_enrollments"
    ID_FIELD: ClassVar[str | None] = "enrollment_id"

    enrollment_id: Identifier
    patient_id: Identifier
    enrolled_on: IsoDate
    ended_on: IsoDate | None = None
    bhcm_id: Identifier | None = None
    consultant_id: Identifier | None = None


class Episode(Record):
    """An explicit CoCM episode of care, when the practice records one."""

    KIND: ClassVar[str] = "episodes"
    ID_FIELD: ClassVar[str | None] = "episode_id"

    episode_id: Identifier
    patient_id: Identifier
    start: IsoDate
    end: IsoDate | None = None
    end_reason: Text | None = None


class Period(Record):
    """The span of time the records in the bundle cover (for partial-history honesty)."""

    KIND: ClassVar[str] = "period"

    records_from: IsoDate
    records_to: IsoDate


#: Every record kind, in the order the documentation lists them.
RECORD_KINDS: tuple[type[Record], ...] = (
    Staff,
    Patient,
    Claim,
    ClaimLine,
    TimeEntry,
    Consent,
    CaseloadReview,
    Assessment,
    CarePlan,
    Visit,
    RegistryEnrollment,
    Episode,
    Period,
)
KIND_BY_NAME: dict[str, type[Record]] = {kind.KIND: kind for kind in RECORD_KINDS}
#: Kinds without which there is nothing to audit.
REQUIRED_KINDS: frozenset[str] = frozenset({"claims", "claim_lines"})
