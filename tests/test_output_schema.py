"""The JSON report follows docs/output-schema.json, which is generated from the result model."""

from __future__ import annotations

import io
import json

import jsonschema

from bhi_audit.reporters import json_report
from bhi_audit.result import AuditResult

from conftest import REPO, SAMPLE, run_audit

SCHEMA = json.loads((REPO / "docs" / "output-schema.json").read_text(encoding="utf-8"))


def test_schema_file_matches_the_result_model():
    generated = AuditResult.model_json_schema(mode="serialization")
    assert SCHEMA["$defs"] == generated["$defs"], "regenerate docs/output-schema.json"
    assert SCHEMA["properties"].keys() - {"schema_version"} == generated["properties"].keys()


def test_sample_report_validates():
    out = io.StringIO()
    json_report.render(run_audit(SAMPLE), out)
    document = json.loads(out.getvalue())
    jsonschema.validate(document, SCHEMA)
    assert document["schema_version"] == json_report.SCHEMA_VERSION
