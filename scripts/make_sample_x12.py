"""Write sample_claims/x12/sample.837: the sample practice's claims as an X12 837P batch.

Usage: ``python scripts/make_sample_x12.py`` (from the repository root; rerun whenever the CSV
sample changes). The claims come from ``sample_claims/claims.csv`` and ``claim_lines.csv``;
patients are named by their Medicare id and practitioners by NPI, as a billing system would.
Auditing ``sample_claims/x12/sample.837`` with the sample's other CSV files (and
``sample_claims/x12/id_map.csv``) gives the same findings as auditing the CSV bundle
(tests/x12/test_x12_sample.py).

An 837P carries professional claims only. The sample's institutional (RHC/FQHC) claims would
travel in an 837I, which bhi-audit does not read: they are copied, unchanged, to
``sample_claims/x12/institutional/`` (claims.csv, claim_lines.csv) to be audited alongside.

The sample seeds claims whose practitioner (or patient) is not in the records. An 837P still
names them, by an NPI (or member id) that no record has; ``id_map.csv`` maps those invented
ids back to the sample's raw ids, so the audit reports the very same unresolved reference.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bhi_audit.generator.practice import npi_with_check_digit  # noqa: E402
from bhi_audit.loaders import load_paths  # noqa: E402
from bhi_audit.models import Claim, Patient, Staff  # noqa: E402
from bhi_audit.writers.x12 import (  # noqa: E402
    documents_from_bundle,
    professional_claims,
    write_837,
)

SAMPLE = REPO / "sample_claims"
TARGET = SAMPLE / "x12" / "sample.837"
ID_MAP = SAMPLE / "x12" / "id_map.csv"
INSTITUTIONAL = SAMPLE / "x12" / "institutional"
#: Small transaction sets, so that the sample shows several ST/SE in one group.
CLAIMS_PER_SET = 20


def copy_claims(claim_ids: list[str]) -> None:
    """Copy these claims' rows of claims.csv and claim_lines.csv to INSTITUTIONAL."""
    INSTITUTIONAL.mkdir(parents=True, exist_ok=True)
    for name in ("claims.csv", "claim_lines.csv"):
        with (SAMPLE / name).open(encoding="utf-8", newline="") as source:
            rows = list(csv.reader(source))
        kept = [rows[0]] + [row for row in rows[1:] if row and row[0] in claim_ids]
        with (INSTITUTIONAL / name).open("w", encoding="utf-8", newline="") as target:
            csv.writer(target, lineterminator="\n").writerows(kept)


def main() -> None:
    """Regenerate the sample 837P file and its id map."""
    bundle, left_out = professional_claims(load_paths([SAMPLE]))
    copy_claims(sorted(c.claim_id for c in left_out))
    patients = {p.patient_id: p for p in bundle.of(Patient)}
    staff = {s.staff_id: s for s in bundle.of(Staff)}
    member_ids: dict[str, str] = {}
    npis: dict[str, str] = {}
    for claim in sorted(bundle.of(Claim), key=lambda c: c.claim_id):
        patient = patients.get(claim.patient_id)
        if (patient is None or not patient.medicare_id) and claim.patient_id not in member_ids:
            member_ids[claim.patient_id] = f"9ZZ9ZZ{len(member_ids) + 1:05d}"
        for staff_id in (claim.billing_practitioner, claim.rendering_practitioner):
            member = staff.get(staff_id or "")
            if staff_id and (member is None or not member.npi) and staff_id not in npis:
                npis[staff_id] = npi_with_check_digit(f"{199999990 - len(npis)}")
    TARGET.parent.mkdir(exist_ok=True)
    with TARGET.open("w", encoding="utf-8", newline="") as out:
        write_837(
            documents_from_bundle(bundle, member_ids, npis), out, claims_per_set=CLAIMS_PER_SET
        )
    rows = ["kind,external_id,bundle_id"]
    rows += [f"patient,{member},{pid}" for pid, member in sorted(member_ids.items())]
    rows += [f"practitioner,{npi},{sid}" for sid, npi in sorted(npis.items())]
    ID_MAP.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(REPO)} ({len(bundle.records['claims'])} claims)")
    print(f"wrote {ID_MAP.relative_to(REPO)} ({len(rows) - 1} ids the sample records lack)")
    print(f"copied {len(left_out)} institutional claims to {INSTITUTIONAL.relative_to(REPO)}")


if __name__ == "__main__":
    main()
