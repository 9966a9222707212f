"""The JSON report written piece by piece (evaluations, findings and per-claim summaries one
at a time, for bounded memory) is byte for byte ``json.dump`` of its whole document."""

from __future__ import annotations

import io
import json

import pytest

from bhi_audit.reporters import json_report
from bhi_audit.reporters.json_report import to_document

from conftest import SAMPLE, run_audit


@pytest.mark.parametrize("listed", ["not-passed", "all"])
@pytest.mark.parametrize("claims", ["every", "none", "non-ascii"])
def test_the_streamed_report_is_the_whole_document_dumped(listed, claims):
    result = run_audit(SAMPLE)
    if claims == "none":
        result = result.model_copy(update={"per_claim": {}})
    if claims == "non-ascii":
        [(claim_id, summary), *_] = result.per_claim.items()
        result = result.model_copy(
            update={"per_claim": {**result.per_claim, 'Ç-ünï"code': summary, claim_id: summary}}
        )
    out = io.StringIO()
    json_report.render(result, out, evaluations=listed)
    whole = json.dumps(to_document(result, listed), indent=2, sort_keys=True, ensure_ascii=False)
    assert out.getvalue() == whole + "\n"
    assert len(json.loads(out.getvalue())["per_claim"]) == len(result.per_claim)
