"""Write docs/auditor-pack-schema.json, the JSON Schema of `bhi-audit estimate --format json`.

Run: python scripts/gen_auditor_pack_schema.py
(tests/sampling/test_auditor_pack.py fails when the committed schema is stale)
"""

from __future__ import annotations

import json
from pathlib import Path

from bhi_audit.sampling.pack import AuditorPack

OUT = Path(__file__).resolve().parent.parent / "docs" / "auditor-pack-schema.json"


def schema() -> dict[str, object]:
    """The pack's JSON Schema, as committed."""
    generated = AuditorPack.model_json_schema(mode="serialization")
    generated["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    generated["title"] = "bhi-audit auditor pack (bhi-audit estimate --format json)"
    return generated


def main() -> None:
    """Regenerate the committed schema."""
    OUT.write_text(json.dumps(schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
