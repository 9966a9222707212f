"""The initiating visit is a qualifying type, not a 99211, and by the billing practitioner.

Why: the initiating visit must be a "significant" service of a qualifying type: an office or
outpatient E/M, AWV, IPPE or TCM (for G0323 also a 90791, graded M). A patient seen only for
another service (e.g. psychotherapy) in the year was seen, so BHI-INIT-001 does not call it an
error, but the visit does not qualify as initiating. By the CCM precedent a 99211 nurse visit
is generally not accepted (graded M). CMS ties the visit to the billing practitioner; one by
another practitioner of the same group is a common, defensible pattern but an audit risk. TCM
(99495/99496) is accepted by AAFP but not listed by the CMS BHI FAQ as cited by HANA, so since
the revision of 2 Dec 2026 (§8 D16) a TCM visit that is the practitioner's only initiating
visit is a warning-level note, never an error. All four are warnings. A missing visit is
BHI-INIT-001's finding.
Source: rulebook §3.3a-c, §8 D16 and §9 BHI-INIT-002; [S-AAFP]; [S-NGS-BHI]; [S-HANA]; CCM
precedent.
Passes: P1, visit 99214 by D1 (the billing practitioner) on 2026-01-10.
Fails: the only visit in the window was a 99211 ("level-1"); a 90834 psychotherapy visit, or a
90791 before 99484 ("not-qualifying"); a 99213 by D2 of the same group ("other-practitioner");
the only visit by D1 in the year was a 99495 TCM ("tcm-only").
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import starts, visits_in_window
from bhi_audit.codes import COCM_ALL, GENERAL_BHI, TCM
from bhi_audit.context import PatientRecords

ID = "BHI-INIT-002"
NAME = "initiating-visit-quality"
SCOPE = "patient"
DEFAULT_SEVERITY = "warning"
SEVERITIES = {
    "level-1": "warning",
    "not-qualifying": "warning",
    "other-practitioner": "warning",
    "tcm-only": "warning",
}
CODES = GENERAL_BHI | COCM_ALL


def check(records: PatientRecords, options: None) -> Iterator[Problem]:
    """At most one problem per billing practitioner's start."""
    for start in starts(records):
        seen = visits_in_window(records, start)
        if not seen:
            continue
        visits = [v for v in seen if v.code in start.qualifying]
        if not visits:
            visit = seen[-1]
            yield Problem(
                message=(
                    f"visit {visit.visit_id} on {visit.date} ({visit.code}) is not a qualifying "
                    "initiating visit (E/M, AWV, IPPE, TCM"
                    + (", 90791" if "90791" in start.qualifying else "")
                    + ")"
                ),
                record=start.line.line,
                field="initiating_visit",
                evidence=(start.line.line, visit),
                variant="not-qualifying",
            )
            continue
        own = [v for v in visits if v.practitioner_id == start.practitioner]
        significant = [v for v in visits if v.code != "99211"]
        own_significant = [v for v in own if v.code != "99211"]
        if [v for v in own_significant if v.code not in TCM]:
            continue
        if own_significant:
            visit = own_significant[-1]
            yield Problem(
                message=(
                    f"the only initiating visit, {visit.visit_id} on {visit.date}, is TCM "
                    f"({visit.code}): accepted by AAFP, not listed by the CMS BHI FAQ (D16)"
                ),
                record=start.line.line,
                field="initiating_visit",
                evidence=(start.line.line, visit),
                variant="tcm-only",
            )
            continue
        if not significant:
            visit = visits[-1]
            yield Problem(
                message=(
                    f"initiating visit {visit.visit_id} on {visit.date} is a level-1 E/M (99211), "
                    "generally not accepted as an initiating visit"
                ),
                record=start.line.line,
                field="initiating_visit",
                evidence=(start.line.line, visit),
                variant="level-1",
            )
            continue
        visit = significant[-1]
        yield Problem(
            message=(
                f"initiating visit {visit.visit_id} on {visit.date} was by "
                f"{visit.practitioner_id}, not by the billing practitioner {start.practitioner}"
            ),
            record=start.line.line,
            field="initiating_visit",
            evidence=(start.line.line, visit),
            variant="other-practitioner",
        )
