"""Reporters: one module per output format, each exposing ``render(result, out)``.

Reporters receive the finished :class:`AuditResult` and only render it: they never filter,
re-rank, or decide pass/fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bhi_audit.reporters import json_report, text
from bhi_audit.result import AuditResult

Renderer = Callable[[AuditResult, TextIO], None]

REPORTERS: dict[str, Renderer] = {
    "json": json_report.render,
    "text": text.render,
}
