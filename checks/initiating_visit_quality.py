"""The initiating visit is not a 99211 and was by the billing practitioner personally.

Why: the initiating visit must be a "significant" face-to-face service; by the CCM precedent a
99211 nurse visit is generally not accepted (graded M). CMS ties the visit to the billing
practitioner; a visit by another practitioner of the same group is a common, defensible
pattern but an audit risk. Both are warnings. The visit considered is the latest qualifying one
in BHI-INIT-001's window; a missing visit is BHI-INIT-001's finding.
Source: rulebook §3.3a-b and §9 BHI-INIT-002; [S-AAFP]; CCM precedent.
Passes: P1, initiating visit 99214 by D1 (the billing practitioner) on 2026-02-10.
Fails: the only visit in the window was a 99211 (warning "level-1"); it was by D2 of the same
group (warning "other-practitioner").
"""

from __future__ import annotations

from collections.abc import Iterator

from bhi_audit.checkapi import Problem
from bhi_audit.codes import COCM_ALL, GENERAL_BHI
from bhi_audit.context import PatientRecords

from .initiating_visit import initiating_visits, starts

ID = "BHI-INIT-002"
NAME = "initiating-visit-quality"
SCOPE = "patient"
DEFAULT_SEVERITY = "warning"
SEVERITIES = {"level-1": "warning", "other-practitioner": "warning"}
CODES = GENERAL_BHI | COCM_ALL


def check(records: PatientRecords, options: None) -> Iterator[Problem]:
    """At most one problem per billing practitioner's start."""
    for start in starts(records):
        visits = initiating_visits(records, start)
        if not visits:
            continue
        own = [v for v in visits if v.practitioner_id == start.practitioner]
        significant = [v for v in visits if v.code != "99211"]
        if [v for v in own if v.code != "99211"]:
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
