"""JSON report: the whole result, in the documented stable schema (docs/output-schema.json)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from bhi_audit.result import AuditResult

#: Bumped only on incompatible changes; additions keep the version.
SCHEMA_VERSION = "1"


def to_document(result: AuditResult) -> dict[str, Any]:
    """The JSON document of a result (money as strings with two decimals)."""
    document = result.model_dump(mode="json")
    document["schema_version"] = SCHEMA_VERSION
    return document


def render(result: AuditResult, out: TextIO) -> None:
    """Write the result as sorted, indented JSON with a trailing newline."""
    json.dump(to_document(result), out, indent=2, sort_keys=True, ensure_ascii=False)
    out.write("\n")
