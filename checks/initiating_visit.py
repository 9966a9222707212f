"""An initiating visit by the billing practitioner in the 12 months before BHI/CoCM starts.

Why: qualifying visits are office/outpatient E/M (99202-99215), AWV (G0438/G0439), IPPE (G0402)
or TCM (99495/99496); for G0323 also a 90791. CMS requires an initiating visit for new patients
and for patients not seen by the billing practitioner within a year before BHI services start;
without it the first months are not payable. The start is the first month the records show the
practitioner billing BHI/CoCM for the patient; the window is the year before that month's first
BHI/CoCM service, up to and including that day. A patient with any visit by the practitioner (or
a practitioner of the same roster group) in the window was "seen" and passes here; BHI-INIT-002
warns when that visit is not a qualifying type, is a 99211, or was by a colleague rather than
the practitioner. "No visit in the last year" is only concluded when that whole year lies inside
the period the records cover (the ``period`` record, or the span of the records); otherwise the
result is "not verifiable", naming the missing months.
Source: rulebook §3.3a-c and §9 BHI-INIT-001; [S-AAFP]; [S-NGS-BHI] ("Initiating visit");
BCBS ND care-management policy quoting CMS.
Passes: P1, 99484 by D1 first billed 2026-03 (first service 2026-03-04); visit 99214 by D1
on 2025-03-04 (boundary: exactly one year before) or later; records cover 2025-01..2026-03.
Fails: the only visit by D1 was on 2025-03-03 (error); the only visit was by D9 outside the
group (error); records cover only 2026-01..2026-03 and show no visit (not verifiable).
Not verifiable: no visits in the input, said per billing practitioner's start (not by REQUIRES,
which would say it once per patient); no visit in a window the records do not wholly cover.
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.checkkit import starts, visits_in_window
from bhi_audit.codes import COCM_ALL, GENERAL_BHI
from bhi_audit.context import PatientRecords

ID = "BHI-INIT-001"
NAME = "initiating-visit"
SCOPE = "patient"
DEFAULT_SEVERITY = "error"
CODES = GENERAL_BHI | COCM_ALL


def check(records: PatientRecords, options: None) -> Iterator[Problem]:
    """One problem per billing practitioner whose BHI/CoCM start lacks an initiating visit."""
    batch = records.batch
    for start in starts(records):
        line = start.line.line
        if not batch.provided("visits"):
            yield Problem(
                message="initiating visit not verifiable: no visit records in the input",
                record=line,
                field="initiating_visit",
                unverifiable=True,
            )
            continue
        if visits_in_window(records, start):
            continue
        if not batch.coverage.covers(start.window_start, start.first_service):
            yield Problem(
                message=(
                    f"initiating visit not verifiable: no visit by {start.practitioner} found, "
                    f"but the records cover {batch.coverage.start} to {batch.coverage.end}, not "
                    f"the whole year before the first service ({start.window_start} to "
                    f"{start.first_service})"
                ),
                record=line,
                field="initiating_visit",
                evidence=(line,),
                unverifiable=True,
            )
            continue
        others = [v for v in records.visits if start.window_start <= v.date <= start.first_service]
        detail = "; visits in the window were by practitioners outside the group" if others else ""
        yield Problem(
            message=(
                f"no initiating visit: no visit by {start.practitioner} or their group in the 12 "
                f"months before the first BHI/CoCM service ({start.window_start} to "
                f"{start.first_service}){detail}"
            ),
            record=line,
            field="initiating_visit",
            evidence=(line, *others),
            facts={
                "window_start": start.window_start.isoformat(),
                "first_service": start.first_service.isoformat(),
            },
        )
