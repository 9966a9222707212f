"""SARIF 2.1.0 report, for code-scanning dashboards (GitHub, GitLab, Azure DevOps, SonarQube).

One run; ``tool.driver.rules`` lists every check that ran (id, name, help with the source
citation); each finding is a result with a level, a physical location in the input file (and
``region.startLine`` when the record has a row), its evidence as related locations, and a
stable partial fingerprint. Waived findings carry an accepted external suppression with the
waiver's reason; baselined findings one saying so (mapped from the settled ``Finding.status``).

Each rejected record is a result of rule ``BHI-INPUT`` (added to the driver's rules when
there is one) at level error, located at the record. Kinds of documentation missing
altogether are ``toolExecutionNotifications`` (level warning) of the run's invocation.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, TextIO
from urllib.parse import quote

from bhi_audit.findings import Finding, Outcome
from bhi_audit.reporters.common import (
    INPUT_CHECK_ID,
    INPUT_CHECK_NAME,
    INPUT_CHECK_SUMMARY,
    amount,
)
from bhi_audit.result import AuditResult, RejectedRecord

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_ROW = re.compile(r"^(?P<file>.+):(?P<row>\d+)$")


def artifact_uri(path: str) -> str:
    """A URI reference for an input path: relative paths stay relative (percent-encoded)."""
    if PureWindowsPath(path).drive:
        return PureWindowsPath(path).as_uri()
    posix = path.replace("\\", "/")
    # NOTE: a file name that is not UTF-8 arrives with surrogate escapes (PEP 383): its bytes
    # are percent-encoded as they are on disk, instead of crashing the report.
    if PurePosixPath(posix).is_absolute():
        return "file://" + quote(posix, safe="/", errors="surrogateescape")
    return quote(posix, safe="/", errors="surrogateescape")


def _physical(file: str, line: int | None) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file)}}
    if line is not None and line >= 1:
        location["region"] = {"startLine": line}
    return location


def _split_location(location: str) -> tuple[str, int | None]:
    """``file:row`` / ``file#/pointer`` / ``file:segment N`` -> (file, row or None)."""
    match = _ROW.match(location)
    if match:
        return match["file"], int(match["row"])
    if "#/" in location:
        return location.split("#/", 1)[0], None
    if ":segment " in location:
        return location.split(":segment ", 1)[0], None
    return location, None


def _level(finding: Finding) -> str:
    if finding.outcome is Outcome.UNVERIFIABLE:
        return "note"
    if finding.outcome is Outcome.INTERNAL_ERROR:
        return "error"
    return _LEVEL[finding.severity.value]


def _fingerprint(finding: Finding) -> str:
    return finding.fingerprint


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    physical = _physical(finding.file, finding.line)
    if finding.location and "#/" in finding.location:
        physical["artifactLocation"]["properties"] = {
            "pointer": "/" + finding.location.split("#/", 1)[1]
        }
    entry: dict[str, Any] = {
        "ruleId": finding.check_id,
        "level": _level(finding),
        "kind": "fail" if finding.outcome is not Outcome.UNVERIFIABLE else "review",
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {"bhiAuditFinding/v1": _fingerprint(finding)},
    }
    if finding.check_id in rule_index:
        entry["ruleIndex"] = rule_index[finding.check_id]
    related = []
    for number, evidence in enumerate(finding.evidence, start=1):
        file, row = _split_location(evidence.location)
        related.append(
            {
                "id": number,
                "physicalLocation": _physical(file, row),
                "message": {"text": f"{evidence.kind} {evidence.id}: {evidence.summary}"},
            }
        )
    if related:
        entry["relatedLocations"] = related
    suppressions = []
    if finding.status == "waived" and finding.waiver is not None:
        suppressions.append(
            {
                "kind": "external",
                "status": "accepted",
                "justification": (
                    f"waiver {finding.waiver.waiver_id}: {finding.waiver.reason} "
                    f"(approved by {finding.waiver.approved_by}, "
                    f"expires {finding.waiver.expires})"
                ),
            }
        )
    if finding.status == "baselined":
        suppressions.append(
            {"kind": "external", "status": "accepted", "justification": "accepted in the baseline"}
        )
    if suppressions:
        entry["suppressions"] = suppressions
    properties: dict[str, Any] = {
        "severity": finding.severity.value,
        "outcome": finding.outcome.value,
        "unit": finding.unit,
        "source": finding.source,
    }
    for name, value in (
        ("patient", finding.patient_id),
        ("month", finding.month),
        ("claim", finding.claim_id),
        ("claimLine", finding.line_number),
        ("code", finding.code),
        ("field", finding.field),
        ("variant", finding.variant),
        ("atRisk", amount(finding.at_risk)),
        ("opportunity", amount(finding.opportunity)),
    ):
        if value is not None:
            properties[name] = value
    if finding.facts:
        properties["facts"] = dict(finding.facts)
    if finding.waiver is not None and finding.waiver.expired:
        properties["expiredWaiver"] = finding.waiver.waiver_id
    entry["properties"] = properties
    return entry


def _rejected_result(rejected: RejectedRecord, rule_index: int) -> dict[str, Any]:
    """A rejected record as a SARIF result of rule ``BHI-INPUT``."""
    physical = _physical(rejected.file, rejected.line)
    if "#/" in rejected.location:
        physical["artifactLocation"]["properties"] = {
            "pointer": "/" + rejected.location.split("#/", 1)[1]
        }
    key = "\0".join([INPUT_CHECK_ID, rejected.location, rejected.kind])
    properties: dict[str, Any] = {
        "kind": rejected.kind,
        "outcome": "rejected",
        "unit": rejected.location,
    }
    if rejected.claim_id is not None:
        properties["claim"] = rejected.claim_id
    return {
        "ruleId": INPUT_CHECK_ID,
        "ruleIndex": rule_index,
        "level": "error",
        "kind": "fail",
        "message": {"text": f"rejected {rejected.kind} record: {rejected.message}"},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {
            "bhiAuditFinding/v1": hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        },
        "properties": properties,
    }


def to_document(result: AuditResult) -> dict[str, Any]:
    """The SARIF log of a result."""
    rules = []
    for check in result.checks:
        help_text = f"{check.summary}\nSource: {check.source}"
        rules.append(
            {
                "id": check.id,
                "name": check.name,
                "shortDescription": {"text": check.summary},
                "fullDescription": {"text": check.summary},
                "help": {"text": help_text},
                "defaultConfiguration": {"level": _LEVEL.get(check.severity, "warning")},
                "properties": {
                    "source": check.source,
                    "scope": check.scope,
                    "origin": check.origin,
                    "tags": ["bhi-audit", check.scope],
                },
            }
        )
    rule_index = {check.id: index for index, check in enumerate(result.checks)}
    if result.rejected:
        rules.append(
            {
                "id": INPUT_CHECK_ID,
                "name": INPUT_CHECK_NAME,
                "shortDescription": {"text": INPUT_CHECK_SUMMARY},
                "fullDescription": {"text": INPUT_CHECK_SUMMARY},
                "help": {"text": f"{INPUT_CHECK_SUMMARY}\nSee docs/gating.md."},
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": ["bhi-audit", "input"]},
            }
        )
    artifacts = [
        {
            "location": {"uri": artifact_uri(item.path)},
            "hashes": {"sha-256": item.sha256},
            "properties": {"format": item.format},
        }
        for item in result.inputs
    ]
    totals = result.totals
    setup = result.setup
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": result.tool,
                "version": result.tool_version,
                "semanticVersion": result.tool_version,
                "rules": rules,
                "properties": {"rulebookVersion": result.rulebook_version},
            }
        },
        "artifacts": artifacts,
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                # NOTE: a check that crashed is a run that did not fully execute.
                "executionSuccessful": result.totals.internal_errors == 0,
                "properties": {
                    "configuration": setup.configuration,
                    "checksRun": setup.checks_run,
                    "switchedOff": [
                        {"checkId": off.check_id, "reason": off.reason, "by": off.by}
                        for off in setup.switched_off
                    ],
                    "gateWeakened": list(setup.gate_weakened),
                    "configNotUsed": list(setup.config_not_used),
                },
            }
        ],
        "results": [
            *(_rejected_result(r, len(result.checks)) for r in result.rejected),
            *(_result(f, rule_index) for f in result.findings),
        ],
        "properties": {
            "totals": {
                "findings": totals.findings,
                "errors": totals.errors,
                "warnings": totals.warnings,
                "infos": totals.infos,
                "unverifiable": totals.unverifiable,
                "internalErrors": totals.internal_errors,
                "claims": totals.claims,
                "claimsClean": totals.claims_clean,
                "claimsFlagged": totals.claims_flagged,
                "claimsNotAudited": totals.claims_not_audited,
                "atRisk": amount(totals.at_risk),
                "opportunity": amount(totals.opportunity),
                "waived": totals.waived,
                "baselined": totals.baselined,
                "waiverExpired": totals.waiver_expired,
                "openErrors": totals.open_errors,
                "openWarnings": totals.open_warnings,
                "openInfos": totals.open_infos,
                "rejected": totals.rejected,
            },
            "rejectedRecords": len(result.rejected),
            "unusedWaivers": [
                {
                    "waiverId": w.waiver_id,
                    "checkId": w.check_id,
                    "scope": w.scope,
                    "expires": w.expires.isoformat(),
                    "expired": w.expired,
                    "message": w.message,
                }
                for w in result.unused_waivers
            ],
            "staleBaseline": [
                {
                    "checkId": b.check_id,
                    "patient": b.patient_id,
                    "month": b.month,
                    "code": b.code,
                    "missing": b.missing,
                    "message": b.message,
                }
                for b in result.stale_baseline
            ],
        },
    }
    if result.missing_records:
        run["invocations"][0]["toolExecutionNotifications"] = [
            {
                "level": "warning",
                "message": {"text": m.message},
                "descriptor": {"id": f"missing-{m.kind}"},
                "properties": {"kind": m.kind, "checks": list(m.checks)},
            }
            for m in result.missing_records
        ]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(result: AuditResult, out: TextIO) -> None:
    """Write the SARIF log as sorted, indented JSON with a trailing newline."""
    json.dump(to_document(result), out, indent=2, sort_keys=True, ensure_ascii=False)
    out.write("\n")
