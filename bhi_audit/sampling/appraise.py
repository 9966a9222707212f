"""Appraise the sampled units from an audit's findings: supported, not supported, undetermined.

Why from findings: the audit already judges every rule and prices every denied line; an
auditor's verdict per unit is that judgement restricted to the unit (rulebook §11.4):

- **not supported**: an error finding on one of the unit's lines, its claim, or its
  patient-month. The audited value is what remains payable: the examined amount less each
  denied line's amount at risk (the whole line when the error names no amount, and every line
  of the unit when the error names no line). A CoCM base code short of its minutes keeps what
  the minutes do support (a 99492 with 35 minutes remains payable as G2214);
- **undetermined**: no error, but a "not verifiable" finding or a check that crashed: the
  records given cannot decide. The note lists what would settle it. Never counted as an error;
- **supported**: neither (warnings are audit risk, not recoupment: they are listed only).

Only the sampled units are appraised: findings on other units are context, never reported,
and revenue opportunities are never part of an appraisal.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from bhi_audit.bundle import Bundle
from bhi_audit.checkapi import Severity
from bhi_audit.codes import COCM_ADDON, COCM_BASE, COCM_INITIAL
from bhi_audit.errors import InputError
from bhi_audit.findings import Finding, Outcome
from bhi_audit.models import ClaimLine
from bhi_audit.policy import codes_price, line_price, thresholds_for
from bhi_audit.sampling.draw import AUDITOR_COLUMNS, DRAWN_COLUMNS, SAMPLE_COLUMNS, read_header
from bhi_audit.sampling.frame import line_examined
from bhi_audit.timecount import supported_cocm_codes

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
#: The check whose findings say a CoCM base code's minutes fell short (rulebook §9).
TIME_BASE_CHECK = "BHI-TIME-002"
LineKey = tuple[str, int]


class UnitLine(NamedTuple):
    """A unit's line: its examined amount (paid, else allowed) and its national amount."""

    examined: Decimal
    national: Decimal
    line: ClaimLine


@dataclass(frozen=True)
class SampledUnit:
    """What a sample row says of one unit."""

    unit: str
    patient_id: str
    month: str
    claims: frozenset[str]
    codes: frozenset[str]
    examined: Decimal
    line: LineKey | None


@dataclass(frozen=True)
class Appraisal:
    """The verdict on one sampled unit."""

    audited: Decimal
    verdict: str
    findings: str
    note: str
    evidence: str


def appraise_sample(text: str, where: str, bundle: Bundle, findings: Sequence[Finding]) -> str:
    """The sample file with ``audited``, ``verdict``, ``findings`` and ``note`` filled in."""
    read_header(text, where)  # NOTE: validates that this is a sample file
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    rows = list(csv.reader(io.StringIO("\n".join(lines[start:]), newline="")))
    if not rows or tuple(rows[0]) != SAMPLE_COLUMNS:
        raise InputError(where, "the sample's column header differs", row=start + 1)
    priced = _line_prices(bundle)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SAMPLE_COLUMNS)
    for number, row in enumerate(rows[1:], start=start + 2):
        if len(row) != len(SAMPLE_COLUMNS):
            raise InputError(where, f"expected {len(SAMPLE_COLUMNS)} columns", row=number)
        drawn = row[: len(DRAWN_COLUMNS)]
        values = dict(zip(DRAWN_COLUMNS, drawn, strict=True))
        if values["role"] != "sample":
            writer.writerow([*drawn, *("" for _ in AUDITOR_COLUMNS)])
            continue
        unit = _sampled_unit(values, where, number)
        mine = _unit_lines(unit, priced)
        examined = sum((part.examined for part in mine.values()), ZERO)
        if examined != unit.examined:
            raise InputError(
                where,
                f"unit {unit.unit}: the claims given price at {examined:.2f}, the sample says "
                f"{unit.examined:.2f}: audit the claims the frame was built from",
                row=number,
            )
        appraisal = appraise_unit(unit, mine, [f for f in findings if _belongs(f, unit, mine)])
        writer.writerow(
            [
                *drawn,
                f"{appraisal.audited:.2f}",
                appraisal.verdict,
                appraisal.findings,
                appraisal.note,
                appraisal.evidence,
            ]
        )
    return "\n".join(lines[:start]) + "\n" + out.getvalue()


def appraise_unit(
    unit: SampledUnit, lines: dict[LineKey, UnitLine], findings: Iterable[Finding]
) -> Appraisal:
    """The verdict on one unit from the findings that belong to it."""
    findings = sorted(findings, key=lambda f: f.sort_key)
    errors = [
        f for f in findings if f.outcome is Outcome.VIOLATION and f.severity is Severity.ERROR
    ]
    unsettled = [f for f in findings if f.outcome is not Outcome.VIOLATION]
    listed = "; ".join(f"{f.check_id} {_label(f)}" for f in findings)
    if errors:
        denied: dict[LineKey, Decimal] = {}
        for finding in errors:
            for key in _denied_lines(finding, lines):
                examined, national, line = lines[key]
                share = Decimal(1)  # NOTE: an error naming no line or no amount denies it all
                if key == (finding.claim_id, finding.line_number) and national > 0:
                    denied_national = _denied_national(finding, line, national)
                    share = min(denied_national / national, Decimal(1))
                amount = (examined * share).quantize(CENT)
                denied[key] = max(denied.get(key, ZERO), amount)
        audited = max(unit.examined - sum(denied.values(), ZERO), ZERO)
        note = " | ".join(f"{f.check_id}: {f.message}" for f in errors)
        return Appraisal(audited, "not-supported", listed, note, _evidence(errors))
    if unsettled:
        note = " | ".join(f"{f.check_id}: {f.message}" for f in unsettled)
        return Appraisal(unit.examined, "undetermined", listed, note, _evidence(unsettled))
    return Appraisal(unit.examined, "supported", listed, "", "")


def _evidence(findings: Iterable[Finding]) -> str:
    """The records behind the verdict: ``location: summary`` of each finding's evidence."""
    seen: dict[str, None] = {}
    for finding in findings:
        for item in finding.evidence:
            seen.setdefault(f"{item.location}: {item.summary}", None)
    return " | ".join(seen)


def _denied_national(finding: Finding, line: ClaimLine, national: Decimal) -> Decimal:
    """What an error on its own line denies, at national rates.

    A share of the units (99494) when the finding prices one; for a CoCM base code short of its
    minutes, the line less what the minutes do support (rulebook §2.4: 35 minutes in a first
    month support G2214, not 99492); otherwise the whole line.
    """
    denied = national if finding.at_risk is None else min(finding.at_risk, national)
    minutes = finding.facts.get("countable_minutes")
    if finding.check_id != TIME_BASE_CHECK or line.code not in COCM_BASE:
        return denied
    if not isinstance(minutes, int):
        return denied
    initial = line.code == COCM_INITIAL
    supported = supported_cocm_codes(minutes, initial, thresholds_for(line.date_of_service))
    base = {code: units for code, units in supported.items() if code != COCM_ADDON}
    payable = codes_price(base, line.date_of_service) if base else ZERO
    return max(denied - min(payable or ZERO, denied), ZERO)


def _label(finding: Finding) -> str:
    if finding.outcome is Outcome.UNVERIFIABLE:
        return "not verifiable"
    if finding.outcome is Outcome.INTERNAL_ERROR:
        return "internal error"
    return finding.severity.value


def _denied_lines(finding: Finding, lines: dict[LineKey, UnitLine]) -> list[LineKey]:
    if finding.claim_id is not None and finding.line_number is not None:
        key = (finding.claim_id, finding.line_number)
        return [key] if key in lines else []
    if finding.claim_id is not None:
        return [key for key in lines if key[0] == finding.claim_id]
    return list(lines)


def _belongs(finding: Finding, unit: SampledUnit, lines: dict[LineKey, UnitLine]) -> bool:
    """Whether a finding is about the unit: one of its lines, its claims, or its month."""
    if finding.claim_id is not None and finding.line_number is not None:
        return (finding.claim_id, finding.line_number) in lines
    if finding.claim_id is not None:
        return finding.claim_id in unit.claims and unit.line is None
    return (
        unit.line is None
        and finding.patient_id == unit.patient_id
        and finding.month is not None
        and finding.month in unit.month.split(";")
    )


def _line_prices(bundle: Bundle) -> dict[str, list[UnitLine]]:
    """Every claim line with its examined amount (as the frame has it) and national amount."""
    by_claim: dict[str, list[UnitLine]] = {}
    for line in bundle.of(ClaimLine):
        examined, _basis = line_examined(line)
        national = line_price(line.code, line.date_of_service, line.units) or ZERO
        by_claim.setdefault(line.claim_id, []).append(UnitLine(examined or ZERO, national, line))
    return by_claim


def _unit_lines(unit: SampledUnit, priced: dict[str, list[UnitLine]]) -> dict[LineKey, UnitLine]:
    """The unit's lines (as the frame chose them) and their amounts."""
    months = set(unit.month.split(";"))
    chosen: dict[LineKey, UnitLine] = {}
    for claim_id in sorted(unit.claims):
        for part in priced.get(claim_id, []):
            line = part.line
            key = (line.claim_id, line.line_number)
            if line.code not in unit.codes:
                continue
            if unit.line is not None and key != unit.line:
                continue
            if line.date_of_service.strftime("%Y-%m") not in months:
                continue
            chosen[key] = part
    return chosen


def _sampled_unit(values: dict[str, str], where: str, row: int) -> SampledUnit:
    try:
        examined = Decimal(values["examined"])
    except ArithmeticError:
        raise InputError(where, "not an amount", row=row, field="examined") from None
    line: LineKey | None = None
    claim, sep, number = values["unit"].partition("#")
    if sep:
        if not number.isdigit():
            raise InputError(where, "not CLAIM#LINE", row=row, field="unit")
        line = (claim, int(number))
    return SampledUnit(
        unit=values["unit"],
        patient_id=values["patient_id"],
        month=values["month"],
        claims=frozenset(c for c in values["claims"].split(";") if c),
        codes=frozenset(c for c in values["codes"].split(";") if c),
        examined=examined,
        line=line,
    )
