"""The sample practice as an 837P batch audits exactly like the CSV sample.

``sample_claims/x12/sample.837`` is made by ``scripts/make_sample_x12.py`` from the CSV claims;
the documentation is the sample's other CSV files. The sample's institutional claims cannot be
in an 837P; they come along as CSV from ``sample_claims/x12/institutional``. Findings must be
the same, except where they point (segments instead of CSV rows).
"""

from __future__ import annotations

import io

import pytest

from bhi_audit.engine import Engine
from bhi_audit.loaders import X12Options, load_paths
from bhi_audit.loaders.mapping import load_id_map
from bhi_audit.registry import load_registry
from bhi_audit.writers.x12 import documents_from_bundle, professional_claims, write_837

from conftest import SAMPLE

X12_DIR = SAMPLE / "x12"
BATCH = X12_DIR / "sample.837"
ID_MAP = X12_DIR / "id_map.csv"
#: Institutional (RHC/FQHC) claims travel in an 837I, not read yet: they stay CSV.
INSTITUTIONAL = X12_DIR / "institutional"

pytestmark = pytest.mark.skipif(not BATCH.exists(), reason="sample_claims/x12 not generated")


def _documentation():
    return sorted(p for p in SAMPLE.glob("*.csv") if p.stem not in ("claims", "claim_lines"))


def _audit(*paths, x12=None):
    engine = Engine(load_registry(plugins=False).select([]))
    return engine.audit(load_paths(list(paths), x12))


def _comparable(result):
    return sorted(
        (
            f.check_id,
            f.severity.value,
            f.outcome.value,
            f.patient_id,
            f.month,
            f.claim_id,
            f.line_number,
            f.code,
            f.field,
            f.message,
            f.at_risk,
        )
        for f in result.findings
    )


def test_sample_837_gives_the_same_findings_as_the_csv_bundle():
    from_csv = _audit(SAMPLE)
    from_837 = _audit(
        BATCH, INSTITUTIONAL, *_documentation(), x12=X12Options(id_map=load_id_map(ID_MAP))
    )
    assert from_837.rejected == ()
    assert _comparable(from_837) == _comparable(from_csv)
    assert from_837.totals.claims == from_csv.totals.claims
    assert from_837.findings, "the sample seeds defects"


def test_sample_837_is_up_to_date():
    bundle, left_out = professional_claims(load_paths([SAMPLE]))
    assert sorted(c.claim_id for c in left_out) == sorted(
        c.claim_id for c in load_paths([INSTITUTIONAL]).records["claims"]
    )
    mapped: dict[str, dict[str, str]] = {"patient": {}, "practitioner": {}}
    for row in ID_MAP.read_text().split()[1:]:
        kind, external, bundle_id = row.split(",")
        mapped[kind][bundle_id] = external
    out = io.StringIO()
    documents = documents_from_bundle(bundle, mapped["patient"], mapped["practitioner"])
    write_837(documents, out, claims_per_set=20)
    assert out.getvalue() == BATCH.read_text(), "rerun python scripts/make_sample_x12.py"
