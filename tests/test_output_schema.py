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
    added = {"schema_version", "evaluations_listed"}  # by the JSON reporter, not the model
    assert SCHEMA["properties"].keys() - added == generated["properties"].keys()


def test_sample_report_validates():
    out = io.StringIO()
    json_report.render(run_audit(SAMPLE), out)
    document = json.loads(out.getvalue())
    jsonschema.validate(document, SCHEMA)
    assert document["schema_version"] == json_report.SCHEMA_VERSION


def test_a_signed_report_validates():
    from datetime import date

    from bhi_audit.result import SignOff
    from bhi_audit.signoff import stamp

    signoff = SignOff(
        reviewer="Dana", role="Compliance officer", date=date(2026, 12, 3), decision="approved"
    )
    out = io.StringIO()
    json_report.render(stamp(run_audit(SAMPLE), signoff), out)
    document = json.loads(out.getvalue())
    jsonschema.validate(document, SCHEMA)
    assert document["signoff"]["decision"] == "approved"
    assert document["digest"]["scheme"] == "bhi-audit-digest/1"
    assert len(document["digest"]["sha256"]) == 64
