"""Write docs/checks.md from the check registry (the docstrings are the single source).

Run: python scripts/gen_check_docs.py        (tests/test_check_docs.py fails when stale)
"""

from __future__ import annotations

import sys
from pathlib import Path

from bhi_audit.registry import KNOWN_SECTIONS, CheckSpec, load_registry

OUT = Path(__file__).resolve().parent.parent / "docs" / "checks.md"


def render(specs: list[CheckSpec]) -> str:
    """The Markdown page listing every built-in check."""
    lines = [
        "# Built-in checks",
        "",
        "Generated from the check docstrings by `python scripts/gen_check_docs.py`; do not edit.",
        "`bhi-audit explain ID` prints the same text for one check.",
        "",
        "| id | name | severity | scope | requirement |",
        "|---|---|---|---|---|",
    ]
    for spec in specs:
        severity = spec.default_severity.value
        if spec.severities:
            variants = ", ".join(f"{k}: {v.value}" for k, v in sorted(spec.severities.items()))
            severity += f" ({variants})"
        lines.append(f"| {spec.id} | {spec.name} | {severity} | {spec.scope} | {spec.summary} |")
    for spec in specs:
        lines += ["", f"## {spec.id} — {spec.name}", "", spec.summary, ""]
        for section in KNOWN_SECTIONS:
            text = spec.sections.get(section, "")
            if section == "Not verifiable" and spec.requires:
                # NOTE: generated from REQUIRES, so the page cannot drift from what the engine does
                kinds = " or ".join(kind.replace("_", " ") for kind in spec.requires)
                said = f"no {kinds} in the input (`REQUIRES`: said by the engine)"
                text = f"{said}; {text}" if text else said
            if text:
                lines.append(f"- **{section}:** {text}")
    return "\n".join(lines) + "\n"


def main() -> int:
    specs = load_registry(plugins=False).specs
    OUT.write_text(render(specs), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
