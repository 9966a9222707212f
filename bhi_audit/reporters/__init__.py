"""Reporters: one module per output format, each exposing ``render(result, out)``.

Reporters receive the finished :class:`AuditResult` and only render it: they never filter,
re-rank, or decide pass/fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bhi_audit.reporters import (
    csv_worklist,
    github,
    gitlab,
    html,
    json_report,
    junit,
    sarif,
    text,
)
from bhi_audit.result import AuditResult

Renderer = Callable[[AuditResult, TextIO], None]

REPORTERS: dict[str, Renderer] = {
    "csv": csv_worklist.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "html": html.render,
    "json": json_report.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "text": text.render,
}

#: Formats that land in CI systems and dashboards (logs, annotations, merge request widgets),
#: so they are redacted unless --no-redact.
REDACTED_BY_DEFAULT: frozenset[str] = frozenset({"github", "gitlab", "junit", "sarif"})
