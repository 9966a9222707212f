"""Small readers for FHIR R4 JSON datatypes: codings, references, dates, numbers, names.

Each reader takes the raw JSON value and the JSON pointer it sits at, and either returns a
plain Python value or raises :class:`FhirReject` naming that pointer, so a rejected record
always says exactly which element was wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

_DATE_RE = re.compile(r"(\d{4})(-\d{2}(-\d{2})?)?")
_DATETIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?")


class FhirReject(Exception):
    """A resource cannot become a record: ``path`` is the JSON pointer of the culprit."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


def missing(path: str, element: str | None = None) -> FhirReject:
    """The rejection for a required element that is absent."""
    name = element or path.rsplit("/", 1)[-1]
    return FhirReject(path, f"missing required element {name}")


def as_list(value: Any, path: str) -> list[Any]:
    """A JSON array (absent means empty); anything else is rejected."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise FhirReject(path, f"expected an array, got {type(value).__name__}")
    return value


def as_object(value: Any, path: str) -> dict[str, Any]:
    """A JSON object; anything else is rejected."""
    if not isinstance(value, dict):
        raise FhirReject(path, f"expected an object, got {type(value).__name__}")
    return value


def codings(concept: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """``(system, code, pointer)`` for every coding of a CodeableConcept."""
    if concept is None:
        return
    concept = as_object(concept, path)
    for index, coding in enumerate(as_list(concept.get("coding"), f"{path}/coding")):
        where = f"{path}/coding/{index}"
        coding = as_object(coding, where)
        system = coding.get("system")
        code = coding.get("code")
        if isinstance(system, str) and isinstance(code, str):
            yield system, code.strip(), f"{where}/code"


def concepts(value: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """Codings of a list of CodeableConcepts."""
    for index, concept in enumerate(as_list(value, path)):
        yield from codings(concept, f"{path}/{index}")


def fhir_date(value: Any, path: str) -> str:
    """The calendar day of a FHIR date/dateTime/instant, as ``YYYY-MM-DD``.

    NOTE: the day is taken as written (the local date of the source system); converting to
    UTC could move a 23:30 visit into the next calendar month.
    """
    if value is None:
        raise missing(path)
    if not isinstance(value, str):
        raise FhirReject(path, f"expected a date, got {type(value).__name__}")
    match = _DATETIME_RE.match(value.strip())
    if match is None:
        if _DATE_RE.fullmatch(value.strip()):
            raise FhirReject(path, f"date {value!r} is not precise to the day")
        raise FhirReject(path, f"not a FHIR date: {value!r}")
    return match.group(1)


def clock_time(value: Any) -> str | None:
    """``HH:MM`` of a dateTime that has a time, as written (local time of the source)."""
    if not isinstance(value, str):
        return None
    match = _DATETIME_RE.match(value.strip())
    if match is None or match.group(2) is None:
        return None
    return f"{match.group(2)}:{match.group(3)}"


def whole_number(value: Any, path: str, what: str = "value") -> int:
    """A whole number from a JSON number or a string holding one (``"12"``, ``"12.0"``)."""
    if isinstance(value, bool) or value is None:
        raise FhirReject(path, f"{what} {value!r} is not a number")
    if isinstance(value, int):
        return value
    text = str(value).strip() if isinstance(value, str | Decimal) else repr(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FhirReject(path, f"{what} {value!r} is not a number") from None
    if not number.is_finite():
        raise FhirReject(path, f"{what} {value!r} is not a number")
    if number != number.to_integral_value():
        raise FhirReject(path, f"{what} {value!r} is not a whole number")
    return int(number)


def decimal_value(value: Any, path: str) -> Decimal:
    """A Decimal from a JSON number (FHIR decimals are JSON numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FhirReject(path, f"expected a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise FhirReject(path, f"expected a number, got {value!r}") from None
    if not number.is_finite():
        raise FhirReject(path, f"expected a number, got {value!r}")
    return number


def human_name(value: Any, path: str) -> str | None:
    """A display name from HumanName[]: the official/usual, current one, else the first."""
    names = [n for n in as_list(value, path) if isinstance(n, dict)]
    current = [n for n in names if n.get("use") != "old"] or names
    for name in sorted(current, key=lambda n: 0 if n.get("use") in ("official", "usual") else 1):
        text = name.get("text")
        if isinstance(text, str) and text.strip():
            return text.strip()
        given = [g for g in name.get("given") or [] if isinstance(g, str)]
        family = name.get("family") if isinstance(name.get("family"), str) else None
        parts = [*given, family] if family else given
        if parts:
            return " ".join(parts)
    return None


def split_reference(text: str) -> tuple[str, str] | None:
    """``("Patient", "123")`` from a relative or absolute literal reference."""
    text = text.strip()
    if "/_history/" in text:
        text = text.split("/_history/", 1)[0]
    parts = text.rstrip("/").split("/")
    if len(parts) < 2 or not parts[-1] or not parts[-2][:1].isupper():
        return None
    return parts[-2], parts[-1]
