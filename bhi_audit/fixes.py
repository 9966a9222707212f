"""Plain-words fix texts: what document or change resolves a finding, one sentence per check.

Why here and not in the checks: a check states what is wrong (its message); billing staff
need what to do about it ("add the CoCM consent dated on or before 2026-03-04"). The
sentence is built from the finding's typed parts only — check id, variant, code, month and
``Finding.facts`` — so it never re-reads the input and says nothing the check did not
establish. Every sentence restates a rule of the rulebook (../shared/domain/bhi-rules.md,
section 9 and the sections each check's docstring cites); none adds a rule.

Every built-in check has an entry in :data:`FIXES` (a test walks the registry). A plugin
check without one gets :func:`generic_fix`, built from its own docstring's first line.
Not-verifiable and internal-error findings get one sentence each, whatever their check.

Each fix also names **who to ask** (:func:`who_to_ask`): the role that does that task under
the rulebook — the billing practitioner obtains consent and owns the diagnosis and care plan
(§3.2, §3.6), the care manager (BHCM) logs the CoCM minutes, keeps the registry and gives the
rating scales (§1.2, §3.8), the psychiatric consultant reviews the plan at the caseload review
(§1.2, §3.8), billing staff set codes, units, dates and pointers, and the front desk collects
cost sharing and records QMB status. Roles only: a finding does not say which staff member it
concerns, so there is no one to name from the result.
"""

from __future__ import annotations

from collections.abc import Callable

from bhi_audit.findings import Finding, Outcome

FixText = Callable[[Finding], str]

#: How a consent element reads in a sentence (models.ConsentElement values).
_ELEMENTS = {
    "consult_specialists": "permission to consult specialists",
    "cost_sharing": "that cost sharing applies",
    "right_to_stop": "the right to stop",
    "one_practitioner": "the one-practitioner-per-month notice",
}
#: How a program reads in a sentence (models.Program values).
_PROGRAMS = {"COCM": "CoCM"}


def _fact(finding: Finding, key: str) -> str:
    value = finding.facts.get(key)
    return "" if value is None else str(value)


def _number(finding: Finding, key: str) -> int | None:
    value = finding.facts.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _code(finding: Finding) -> str:
    return finding.code or "the code"


def _month(finding: Finding) -> str:
    return finding.month or "the month"


def _program(finding: Finding) -> str:
    program = _fact(finding, "program")
    return _PROGRAMS.get(program, program) or "the program's"


def _more_minutes(countable: int | None, required: int | None) -> str:
    """``log 1 more countable minute (35 of 36)``, or a plain ``log more countable minutes``."""
    if countable is None or required is None or required <= countable:
        return "log more countable minutes"
    more = required - countable
    plural = "" if more == 1 else "s"
    return f"log {more} more countable minute{plural} ({countable} of {required})"


def _elements(missing: str) -> str:
    names = [m.strip() for m in missing.split(",") if m.strip()]
    words = [_ELEMENTS.get(name, name.replace("_", " ")) for name in names]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 2 else words)


# --------------------------------------------------------------------------- input and consent


def _data_reference(f: Finding) -> str:
    field = (f.field or "the reference").replace("_", " ")
    return f"correct {field} so it names a record in the input, or add the missing record"


def _consent_before_billing(f: Finding) -> str:
    first = _fact(f, "first_service") or "the month's first service"
    later = _fact(f, "consent_date")
    program = _program(f)
    if later:
        return (
            f"the {program} consent on file is dated {later}, after the first service ({first}): "
            f"add a {program} consent dated on or before {first}, or do not bill the month"
        )
    if "revoked" in f.message:
        return f"add a {program} consent in force on {first} (the one on file was revoked)"
    return f"add the {program} consent dated on or before {first}"


def _consent_per_program(f: Finding) -> str:
    first = _fact(f, "first_service") or "its first service"
    beside = _fact(f, "concurrent_with")
    beside_text = f" (billed beside {_PROGRAMS.get(beside, beside)})" if beside else ""
    return f"add a separate {_program(f)} consent in force on {first}{beside_text}"


def _consent_elements(f: Finding) -> str:
    if f.variant == "other-practitioner":
        return "add a new consent obtained for the practitioner who bills the month"
    missing = _elements(_fact(f, "missing")) or "the required elements"
    consent = _fact(f, "consent_id")
    return f"record {missing} on consent {consent}" if consent else f"record {missing}"


def _consent_best_practice(f: Finding) -> str:
    missing = _elements(_fact(f, "missing")) or "the best-practice elements"
    return f"optionally record {missing} on the consent (best practice for BHI/CoCM)"


# --------------------------------------------------------------------------- time


def _general_bhi_minutes(f: Finding) -> str:
    more = _more_minutes(_number(f, "countable_minutes"), _number(f, "required_minutes"))
    return f"{more} for {_code(f)} in {_month(f)}, or do not bill {_code(f)}"


#: G2214's default floor (BHI-TIME-004, rulebook D1): below it, CoCM time cannot be billed.
_G2214_FLOOR = 16


def _cocm_base_minutes(f: Finding) -> str:
    countable = _number(f, "countable_minutes")
    more = _more_minutes(countable, _number(f, "required_minutes"))
    if f.variant == "g0512-first-month":
        return f"{more} for G0512 in a first month, or confirm the MAC's reading (rulebook D15)"
    if countable is not None and countable >= _G2214_FLOOR:
        return f"{more} for {_code(f)}, or bill G2214 instead"
    return f"{more} for {_code(f)}; below the G2214 floor the month cannot be billed as CoCM"


def _cocm_addon_units(f: Finding) -> str:
    supported = _number(f, "supported_units")
    billed = _number(f, "billed_units")
    countable = _number(f, "countable_minutes")
    needed = _number(f, "minutes_needed")
    cut = "remove 99494" if supported == 0 else f"bill 99494 x{supported}"
    if billed is not None and supported:
        cut += f" instead of x{billed}"
    if countable is not None and needed is not None and needed > countable:
        return f"{cut}, or {_more_minutes(countable, needed)} for the next unit"
    return cut


def _g2214_range(f: Finding) -> str:
    countable = _number(f, "countable_minutes")
    if f.variant == "below-30":
        return (
            f"{_more_minutes(countable, 30)} for G2214, or accept the audit risk "
            "(the 16-minute floor is not confirmed by CMS text, rulebook D1)"
        )
    floor = _number(f, "floor")
    return f"{_more_minutes(countable, floor)} for G2214 (its floor), or do not bill it"


def _under_billing(f: Finding) -> str:
    supported = _fact(f, "supported") or "the code the minutes support"
    billed = _fact(f, "billed") or _code(f)
    return f"bill {supported} instead of {billed} (the countable minutes support it)"


def _countable_minutes(f: Finding) -> str:
    if f.variant == "incomplete-entry":
        return f"complete the time entry's {f.field or 'missing fields'} so its minutes can count"
    if f.variant == "out-of-month":
        return (
            f"only minutes in the month of service count: log more countable minutes in "
            f"{_month(f)} or do not bill {_code(f)}"
        )
    more = _more_minutes(_number(f, "countable_minutes"), _number(f, "required_minutes"))
    return f"correct the time entries that do not count (see the finding), or {more}"


def _minutes_counted_twice(f: Finding) -> str:
    if f.variant == "probable-duplicate":
        return "confirm the two time entries are different work, or delete the duplicate"
    overlap = _number(f, "overlap_minutes")
    minutes = f"the {overlap} overlapping minutes" if overlap else "the overlapping minutes"
    return f"count {minutes} toward one service only and correct the other time log"


def _dos_after_threshold(f: Finding) -> str:
    reached = _fact(f, "reached_on")
    threshold = _fact(f, "threshold_minutes")
    if reached:
        return (
            f"set the date of service to {reached} or later in {_month(f)} (the day the "
            f"{threshold} countable minutes were reached)"
        )
    return "set the date of service on or after the day the threshold minutes were reached"


def _time_log_documentation(f: Finding) -> str:
    return f"complete the time-log entry: name, credential, activity and duration ({f.message})"


# --------------------------------------------------------------------------- exclusivity


def _bhi_with_cocm(f: Finding) -> str:
    cocm = _fact(f, "cocm_codes") or "CoCM"
    if f.variant == "different-practitioner":
        return (
            f"agree with the other practitioner: only one of 99484 and CoCM ({cocm}) for "
            f"{_month(f)}"
        )
    return f"bill either 99484 or CoCM ({cocm}) for {_month(f)}, not both"


def _g2214_with_base(f: Finding) -> str:
    return f"remove G2214: {_fact(f, 'with_codes') or '99492/99493'} is billed for {_month(f)}"


def _cocm_initial_rules(f: Finding) -> str:
    if f.variant == "initial-and-subsequent":
        return f"bill either 99492 or 99493 for {_month(f)}, not both"
    return (
        "bill 99493 instead of 99492: 99492 is only for the first month of an episode "
        "(a new episode needs 6 months without CoCM)"
    )


def _cocm_addon_base(f: Finding) -> str:
    if f.variant == "not-same-date":
        return "put 99494 on the same date of service as its 99492/99493"
    return f"remove 99494, or bill its base 99492/99493 by the same practitioner in {_month(f)}"


def _monthly_duplicate(f: Finding) -> str:
    if f.variant == "different-practitioner":
        return f"agree with the other practitioner who bills {_code(f)} in {_month(f)}: one pays"
    return f"remove the duplicate {_code(f)} line: it is billed once per patient-month"


def _apcm_bundled(f: Finding) -> str:
    apcm = _fact(f, "apcm_codes") or "APCM"
    return f"remove {_code(f)}: bundled into APCM ({apcm}) by the same practitioner"


def _apcm_addon_base(f: Finding) -> str:
    return f"bill the APCM base code (G0556/G0557/G0558) for {_month(f)}, or remove {_code(f)}"


def _apcm_mirror(f: Finding) -> str:
    mirror = _fact(f, "mirror_code") or "its mirror code"
    return f"bill {_code(f)} or {mirror} for {_month(f)}, not both"


def _standalone_with_apcm(f: Finding) -> str:
    add_on = _fact(f, "add_on") or "the APCM add-on"
    return (
        f"consider add-on {add_on} instead of stand-alone {_code(f)} beside APCM "
        "(CMS has not settled it)"
    )


def _g0323_with_other(f: Finding) -> str:
    others = _fact(f, "with_codes") or "another BHI code"
    return (
        f"agree with the other practitioner who bills {others} in {_month(f)}: G0323 beside it "
        "is audit risk"
    )


def _concurrent_evidence(f: Finding) -> str:
    missing = _fact(f, "missing")
    detail = f" ({missing})" if missing else ""
    return f"log the {_code(f)} time separately from the BHI/CoCM time{detail}"


# --------------------------------------------------------------------------- codes, diagnosis


def _code_valid(f: Finding) -> str:
    if f.variant == "retired":
        return f"replace {_code(f)} (retired after {_fact(f, 'valid_to')}) with the code in force"
    if f.variant == "practitioner-not-yet-eligible":
        return (
            f"bill {_code(f)} under a practitioner type eligible on the date of service (this "
            f"type only from {_fact(f, 'valid_from')}), or not at all"
        )
    return f"replace {_code(f)} (in force from {_fact(f, 'valid_from')}) with the code in force"


def _rhc_code_set(f: Finding) -> str:
    if f.variant == "revenue-code":
        return f"set revenue code 052X on the {_code(f)} line"
    if f.variant == "rhc-code-off-rhc-claim":
        return f"bill {_code(f)} only on an RHC (TOB 71X) or FQHC (TOB 77X) institutional claim"
    if f.variant == "rhc-code-retired":
        retired = _fact(f, "valid_to")
        return f"bill the individual code instead of {_code(f)} (retired after {retired})"
    if f.variant == "transition-window":
        return f"bill the individual code instead of {_code(f)} (its end date is disputed, D5)"
    return (
        f"bill the RHC/FQHC code (G0511/G0512) instead of {_code(f)} before "
        f"{_fact(f, 'individual_from')}"
    )


def _dx_behavioral(f: Finding) -> str:
    if f.variant == "no-pointer":
        return f"point the {_code(f)} line to the claim's behavioral diagnosis"
    if f.variant == "bad-pointer":
        return f"correct the {_code(f)} line's diagnosis pointer to a code on the claim"
    if f.variant == "not-billable":
        return f"replace {_fact(f, 'codes') or 'the diagnosis'} with a billable ICD-10-CM code"
    return (
        "add the behavioral diagnosis the service treats (F01-F99 or allow-listed) and point "
        f"the {_code(f)} line to it"
    )


def _dx_chapter5(f: Finding) -> str:
    pointed = _fact(f, "pointed")
    now = f" (it points to {pointed})" if pointed else ""
    return f"point the {_code(f)} line to a behavioral diagnosis in F01-F99{now}"


# --------------------------------------------------------------------------- practitioner, place


#: Who may bill what (rulebook §9 BHI-PRAC-001): G0323 is for behavioral health clinicians,
#: 99484, CoCM and the APCM behavioral add-ons for treating practitioners.
_TREATING = "physician, NP, PA, CNS or CNM"
_BEHAVIORAL = "clinical psychologist, clinical social worker, MHC or MFT"


def _practitioner_type(f: Finding) -> str:
    if f.variant == "care-team-role":
        return "bill CoCM under the treating practitioner, not the care manager or consultant"
    allowed = _BEHAVIORAL if f.code == "G0323" else _TREATING
    return f"bill {_code(f)} under a practitioner allowed to bill it ({allowed})"


def _incident_to(f: Finding) -> str:
    group = _fact(f, "billing_group")
    in_group = f" {group}" if group else ""
    return f"count only time of staff in the billing group{in_group}, or record their membership"


def _telehealth(f: Finding) -> str:
    if f.variant == "dmht":
        return f"bill {_code(f)} with a non-telehealth place of service and no telehealth modifier"
    return f"remove the telehealth place of service or modifier from the {_code(f)} line"


def _dmht(f: Finding) -> str:
    if f.variant == "no-care-plan":
        return f"add the behavioral health care plan created on or before the {_code(f)} service"
    more = _more_minutes(_number(f, "countable_minutes"), _number(f, "required_minutes"))
    return f"{more} of treatment management, or bill fewer G0553/G0554 units"


# --------------------------------------------------------------------------- visits, CoCM team


def _initiating_visit(f: Finding) -> str:
    start = _fact(f, "window_start")
    first = _fact(f, "first_service")
    window = f" between {start} and {first}" if start and first else " in the 12 months before"
    return (
        "add the record of an initiating visit (E/M, AWV, IPPE or TCM) by the billing "
        f"practitioner or group{window}"
    )


def _initiating_quality(f: Finding) -> str:
    if f.variant == "level-1":
        return "document an initiating visit above level 1 (not 99211)"
    if f.variant == "other-practitioner":
        return "document an initiating visit by the billing practitioner"
    if f.variant == "tcm-only":
        return "add an E/M, AWV or IPPE initiating visit if there is one (TCM alone is D16)"
    return "document a qualifying initiating visit (E/M, AWV, IPPE or TCM)"


def _psychiatric_consultant(f: Finding) -> str:
    if f.variant == "not-qualified":
        return (
            "link a qualified psychiatric consultant (prescribes the full range of medications, "
            "trained in psychiatry) with that role on the roster"
        )
    if f.variant == "qualification-undocumented":
        return "add the psychiatric consultant to the roster with their qualification"
    return "link a psychiatric consultant to the patient (registry enrollment or caseload review)"


def _registry(f: Finding) -> str:
    if f.variant == "no-tracking":
        return (
            f"add the registry tracking for {_month(f)} (a rating scale or a registry-tracking "
            "time entry)"
        )
    return f"add the patient's CoCM registry enrollment covering {_month(f)}"


def _caseload_review(f: Finding) -> str:
    if f.variant == "no-review-held":
        return f"add the record of the caseload review held in {_month(f)}"
    if f.variant == "plan-review-only":
        return "document the consultant's plan review on a caseload review listing the patient"
    if f.variant == "never-reviewed":
        start = _fact(f, "episode_start")
        since = f" (from {start})" if start else ""
        return f"add the caseload review listing the patient in the episode{since}"
    return f"add a caseload review listing the patient in {_month(f)}"


def _care_manager(f: Finding) -> str:
    if f.variant == "not-trained":
        return "have a care manager with the BHCM role on the roster do the CoCM work"
    if f.variant == "not-designated":
        return "name the care manager on the patient's registry enrollment"
    if f.variant == "training-undocumented":
        return "record the care manager's behavioral health training on the roster"
    return "designate the care manager on the patient's registry enrollment"


def _initial_elements(f: Finding) -> str:
    if f.variant == "no-treatment-plan":
        return f"add the individualized treatment plan of the initial month {_month(f)}"
    if f.variant == "no-consultant-review":
        return "record the psychiatric consultant's review of the treatment plan"
    return f"add the validated rating scale administered in {_month(f)}"


def _outcome_monitoring(f: Finding) -> str:
    return f"add a validated rating scale administered in {_month(f)} (or the monitoring window)"


def _general_care_plan(f: Finding) -> str:
    if f.variant == "not-revised":
        first = _fact(f, "first_score")
        latest = _fact(f, "latest_score")
        scores = f" (scores {first} to {latest}, no improvement)" if first and latest else ""
        return f"revise the care plan{scores}"
    return f"add the behavioral health care plan dated by the end of {_month(f)}"


def _designated_member(f: Finding) -> str:
    return "record the designated care-team member on the BHI care plan"


# --------------------------------------------------------------------------- payment, NCCI


def _expected_payment(f: Finding) -> str:
    year = _fact(f, "year")
    return f"confirm the price of {_code(f)} with the MAC (no national rate for CY{year})"


def _episode_start(f: Finding) -> str:
    supported = _fact(f, "supported") or "the code the minutes support"
    return f"consider billing {supported} for {_month(f)}"


def _cost_sharing(f: Finding) -> str:
    if f.variant == "qmb":
        return "bill the patient no deductible or coinsurance (QMB)"
    if f.variant == "g0558-not-qmb":
        return "record the patient's QMB status, or bill G0556/G0557 instead of G0558"
    return "collect the coinsurance; do not waive it"


def _mue(f: Finding) -> str:
    limit = _fact(f, "limit")
    if f.variant == "mue":
        return f"reduce {_code(f)} to {limit} unit(s) (its MUE)"
    return f"reduce {_code(f)} to {limit} unit(s), or load an MUE pack to check the CMS limit"


def _ptp(f: Finding) -> str:
    column1 = _fact(f, "column1") or "the column 1 code"
    column2 = _fact(f, "column2") or _code(f)
    if _number(f, "modifier_indicator") == 0:
        return f"remove {column2}: no modifier allows it with {column1} on the same date"
    return (
        f"remove {column2}, or add an NCCI-associated modifier if it was a distinct service "
        f"from {column1}"
    )


def _addon_primary(f: Finding) -> str:
    primaries = _fact(f, "primaries") or "its primary code"
    return f"bill {_code(f)} with one of its primary codes ({primaries}) on the same date"


#: Check id -> fix text. Every built-in check has one (tests/test_fixes.py walks the registry).
FIXES: dict[str, FixText] = {
    "BHI-DATA-001": _data_reference,
    "BHI-CONS-001": _consent_before_billing,
    "BHI-CONS-002": _consent_elements,
    "BHI-CONS-003": _consent_best_practice,
    "BHI-CONS-004": _consent_per_program,
    "BHI-TIME-001": _general_bhi_minutes,
    "BHI-TIME-002": _cocm_base_minutes,
    "BHI-TIME-003": _cocm_addon_units,
    "BHI-TIME-004": _g2214_range,
    "BHI-TIME-005": _under_billing,
    "BHI-TIME-006": _countable_minutes,
    "BHI-TIME-007": _minutes_counted_twice,
    "BHI-TIME-008": _dos_after_threshold,
    "BHI-DOC-001": _time_log_documentation,
    "BHI-EXCL-001": _bhi_with_cocm,
    "BHI-EXCL-002": _g2214_with_base,
    "BHI-EXCL-003": _cocm_initial_rules,
    "BHI-EXCL-004": _cocm_addon_base,
    "BHI-EXCL-005": _monthly_duplicate,
    "BHI-EXCL-006": _apcm_bundled,
    "BHI-EXCL-007": _apcm_addon_base,
    "BHI-EXCL-008": _apcm_mirror,
    "BHI-EXCL-009": _standalone_with_apcm,
    "BHI-EXCL-010": _g0323_with_other,
    "BHI-EXCL-011": _concurrent_evidence,
    "BHI-CODE-001": _code_valid,
    "BHI-CODE-002": _rhc_code_set,
    "BHI-DX-001": _dx_behavioral,
    "BHI-DX-002": _dx_chapter5,
    "BHI-PRAC-001": _practitioner_type,
    "BHI-PRAC-002": _incident_to,
    "BHI-POS-001": _telehealth,
    "BHI-DMHT-001": _dmht,
    "BHI-INIT-001": _initiating_visit,
    "BHI-INIT-002": _initiating_quality,
    "BHI-COCM-001": _psychiatric_consultant,
    "BHI-COCM-002": _registry,
    "BHI-COCM-003": _caseload_review,
    "BHI-COCM-004": _care_manager,
    "BHI-COCM-005": _initial_elements,
    "BHI-COCM-006": _outcome_monitoring,
    "BHI-GEN-001": _general_care_plan,
    "BHI-GEN-002": _designated_member,
    "BHI-PAY-001": _expected_payment,
    "BHI-PAY-002": _episode_start,
    "BHI-COST-001": _cost_sharing,
    "BHI-NCCI-001": _ptp,
    "BHI-NCCI-002": _mue,
    "BHI-NCCI-003": _addon_primary,
}


# --------------------------------------------------------------------------- who to ask

BILLING_PRACTITIONER = "billing practitioner"
CARE_MANAGER = "care manager (BHCM)"
CONSULTANT = "psychiatric consultant"
BILLING_STAFF = "billing staff"
FRONT_DESK = "front desk / intake"
CARE_TEAM = "care team member who logged the time"
#: Who runs the audit: an internal error is fixed by a run in which the check works.
AUDIT_OWNER = "whoever runs the audit"

#: Check id -> the role that does what its fix text asks (every built-in check has one).
ROLES: dict[str, str] = {
    "BHI-DATA-001": BILLING_STAFF,
    "BHI-CONS-001": BILLING_PRACTITIONER,
    "BHI-CONS-002": BILLING_PRACTITIONER,
    "BHI-CONS-003": BILLING_PRACTITIONER,
    "BHI-CONS-004": BILLING_PRACTITIONER,
    "BHI-TIME-001": CARE_TEAM,
    "BHI-TIME-002": CARE_MANAGER,
    "BHI-TIME-003": CARE_MANAGER,
    "BHI-TIME-004": CARE_MANAGER,
    "BHI-TIME-005": BILLING_STAFF,
    "BHI-TIME-006": CARE_TEAM,
    "BHI-TIME-007": CARE_TEAM,
    "BHI-TIME-008": BILLING_STAFF,
    "BHI-DOC-001": CARE_TEAM,
    "BHI-EXCL-001": BILLING_STAFF,
    "BHI-EXCL-002": BILLING_STAFF,
    "BHI-EXCL-003": BILLING_STAFF,
    "BHI-EXCL-004": BILLING_STAFF,
    "BHI-EXCL-005": BILLING_STAFF,
    "BHI-EXCL-006": BILLING_STAFF,
    "BHI-EXCL-007": BILLING_STAFF,
    "BHI-EXCL-008": BILLING_STAFF,
    "BHI-EXCL-009": BILLING_STAFF,
    "BHI-EXCL-010": BILLING_PRACTITIONER,
    "BHI-EXCL-011": CARE_TEAM,
    "BHI-CODE-001": BILLING_STAFF,
    "BHI-CODE-002": BILLING_STAFF,
    "BHI-DX-001": BILLING_PRACTITIONER,
    "BHI-DX-002": BILLING_STAFF,
    "BHI-PRAC-001": BILLING_STAFF,
    "BHI-PRAC-002": BILLING_PRACTITIONER,
    "BHI-POS-001": BILLING_STAFF,
    "BHI-DMHT-001": BILLING_PRACTITIONER,
    "BHI-INIT-001": BILLING_PRACTITIONER,
    "BHI-INIT-002": BILLING_PRACTITIONER,
    "BHI-COCM-001": CONSULTANT,
    "BHI-COCM-002": CARE_MANAGER,
    "BHI-COCM-003": CONSULTANT,
    "BHI-COCM-004": BILLING_PRACTITIONER,
    "BHI-COCM-005": BILLING_PRACTITIONER,
    "BHI-COCM-006": CARE_MANAGER,
    "BHI-GEN-001": BILLING_PRACTITIONER,
    "BHI-GEN-002": BILLING_PRACTITIONER,
    "BHI-PAY-001": BILLING_STAFF,
    "BHI-PAY-002": BILLING_STAFF,
    "BHI-COST-001": FRONT_DESK,
    "BHI-NCCI-001": BILLING_STAFF,
    "BHI-NCCI-002": BILLING_STAFF,
    "BHI-NCCI-003": BILLING_STAFF,
}

#: (check id, variant) -> role, where a variant's fix is someone else's task.
VARIANT_ROLES: dict[tuple[str, str], str] = {
    # The two practitioners agree which of them bills the month.
    ("BHI-EXCL-001", "different-practitioner"): BILLING_PRACTITIONER,
    ("BHI-EXCL-005", "different-practitioner"): BILLING_PRACTITIONER,
    # Pointers are set on the claim; the diagnosis itself is the practitioner's.
    ("BHI-DX-001", "no-pointer"): BILLING_STAFF,
    ("BHI-DX-001", "bad-pointer"): BILLING_STAFF,
    # Minutes cut or re-dated on the claim, not logged.
    ("BHI-TIME-006", "out-of-month"): BILLING_STAFF,
    # The initial month's elements (rulebook §1.2): scale by the BHCM, review by the consultant.
    ("BHI-COCM-005", "no-consultant-review"): CONSULTANT,
    ("BHI-COCM-005", "no-rating-scale"): CARE_MANAGER,
    ("BHI-COCM-004", "training-undocumented"): CARE_MANAGER,
    ("BHI-COCM-001", "no-consultant"): BILLING_PRACTITIONER,
}


def who_to_ask(finding: Finding) -> str:
    """The role that can do what the finding's fix text asks (see the module docstring).

    Not-verifiable findings need records supplied, which billing staff gather; an internal
    error needs a run in which the check works. A plugin check without a role: billing staff.
    """
    if finding.outcome is Outcome.UNVERIFIABLE:
        return BILLING_STAFF
    if finding.outcome is Outcome.INTERNAL_ERROR:
        return AUDIT_OWNER
    variant = VARIANT_ROLES.get((finding.check_id, finding.variant or ""))
    return variant or ROLES.get(finding.check_id, BILLING_STAFF)


def generic_fix(summary: str) -> str:
    """The fix text of a plugin check without its own: meet its documented requirement."""
    requirement = summary.strip().rstrip(".") or "the check's requirement"
    return f"meet the requirement: {requirement[:1].lower()}{requirement[1:]}"


def fix_text(finding: Finding, summary: str = "") -> str:
    """What fixes ``finding``, in plain words; ``summary`` is its check's docstring first line.

    A not-verifiable finding is fixed by supplying the records that decide it, and an
    internal error by a run in which the check works: both say so whatever the check.
    """
    if finding.outcome is Outcome.UNVERIFIABLE:
        return f"supply the records that decide it: {finding.message}"
    if finding.outcome is Outcome.INTERNAL_ERROR:
        return f"re-run once check {finding.check_id} works: it did not run on this claim"
    fix = FIXES.get(finding.check_id)
    return fix(finding) if fix is not None else generic_fix(summary)
