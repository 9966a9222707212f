"""Rewrite sample_claims/ from the sample practice's scenarios (bhi_audit/generator/sample.py).

Run: python scripts/build_sample_claims.py   (deterministic; then python scripts/make_sample_x12.py)

The scenarios are data in the package; this script only names the folder. A test
(tests/test_sample_claims.py) fails when the checked-in folder differs from what they write.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bhi_audit.generator.sample import write_sample  # noqa: E402

if __name__ == "__main__":
    records = write_sample(REPO / "sample_claims")
    print(f"wrote {sum(records.values())} records to sample_claims/")
