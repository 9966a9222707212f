"""Write docs/output-schema.json, the JSON Schema of `bhi-audit check --format json`.

Run: python scripts/gen_output_schema.py      (tests/test_output_schema.py fails when stale)
"""

from __future__ import annotations

import json
from pathlib import Path

from bhi_audit.reporters.json_report import EVALUATIONS_LISTED, SCHEMA_VERSION
from bhi_audit.result import AuditResult

OUT = Path(__file__).resolve().parent.parent / "docs" / "output-schema.json"


def main() -> None:
    schema = AuditResult.model_json_schema(mode="serialization")
    schema["properties"]["schema_version"] = {"type": "string", "const": SCHEMA_VERSION}
    schema["properties"]["evaluations_listed"] = {
        "type": "string",
        "enum": list(EVALUATIONS_LISTED),
        "description": "Which evaluations `evaluations` lists: `not-passed` (the default: "
        "every evaluation whose status is not `passed`) or `all` (`check --evaluations all`). "
        "Passes are counted in `per_check` either way.",
    }
    schema["properties"]["evaluations"]["description"] = (
        "One per check and unit it applied to, settled after waivers and the baseline; only "
        "those not `passed` unless `evaluations_listed` is `all`."
    )
    schema.setdefault("required", []).extend(["schema_version", "evaluations_listed"])
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "bhi-audit JSON report"
    OUT.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
