"""Generate a synthetic practice with known defects: ``bhi-audit generate``.

The practice is written patient by patient (memory stays flat in the number of patients,
except for the caseload-review membership, a few bytes per CoCM patient-month), and the ground
truth — which patient-month carries which injected defect and what a correct audit must
report — is written beside the data as ``ground_truth.json``.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TextIO, cast

from bhi_audit.errors import OutputError
from bhi_audit.generator.defects import CATALOG, Defect
from bhi_audit.generator.practice import (
    MonthPlan,
    Roster,
    Row,
    npi_with_check_digit,
    plan_patient,
    wednesdays,
)
from bhi_audit.generator.records import PatientRows, build_patient
from bhi_audit.models import RECORD_KINDS, Claim, ClaimLine, Record
from bhi_audit.months import Month
from bhi_audit.outputs import atomic_output
from bhi_audit.policy import line_price
from bhi_audit.writers.fhir import KINDS as FHIR_KINDS
from bhi_audit.writers.fhir import LOSSY_KINDS, RESOURCE_TYPES, NdjsonWriter
from bhi_audit.writers.x12 import ClaimDocument, write_837

COLUMNS = {kind.KIND: list(kind.model_fields) for kind in RECORD_KINDS}
MODELS: dict[str, type[Record]] = {kind.KIND: kind for kind in RECORD_KINDS}
FORMATS = ("csv", "json", "837p", "fhir-ndjson")
FIRST_MONTH = Month(2026, 1)
GROUND_TRUTH = "ground_truth.json"


@dataclass(frozen=True)
class GenerateSpec:
    """What to generate."""

    patients: int
    months: int
    seed: int
    defect_rate: float = 0.05
    first_month: Month = FIRST_MONTH
    #: When given, each claim line's paid_amount is this share of its national allowed amount
    #: (an auditor's universe, docs/auditing.md); None leaves paid_amount empty.
    paid_share: Decimal | None = None

    @property
    def month_list(self) -> list[Month]:
        return [self.first_month.plus(i) for i in range(self.months)]


def _fits(kind: Defect, pr: PatientRows) -> list[MonthPlan]:
    return [mp for mp in pr.plan.months if kind.applies(pr, mp)]


class Injector:
    """Maybe inject one defect into one month of each patient, the kinds taking turns.

    NOTE: a patient drawn for a defect gets the least recently used kind that fits one of its
    months (kinds that fit only a first CoCM month or a G2214 month would be rare if drawn
    at random): a few hundred patients show every kind. Only this queue of kinds is carried
    from patient to patient; whether a patient gets a defect, and in which month, is drawn
    from its own seeded stream.
    """

    def __init__(self, spec: GenerateSpec) -> None:
        self.spec = spec
        first = spec.seed % len(CATALOG)
        self.queue: list[Defect] = list(CATALOG[first:] + CATALOG[:first])

    def __call__(self, pr: PatientRows, roster: Roster) -> list[dict[str, Any]]:
        """Inject into ``pr``; return its ground-truth entries."""
        spec = self.spec
        rng = random.Random(f"{spec.seed}:defect:{pr.plan.index}")
        if not pr.plan.months or rng.random() >= spec.defect_rate * len(pr.plan.months):
            return []
        for position, defect in enumerate(self.queue):
            fits = _fits(defect, pr)
            if fits:
                self.queue.append(self.queue.pop(position))
                break
        else:
            return []
        month_plan = rng.choice(fits)
        expected = defect.inject(pr, month_plan, rng, roster)
        return [
            {
                "patient_id": pr.plan.patient_id,
                "month": str(month_plan.month),
                "defect": defect.name,
                "expected": [
                    {"month": month, "check_id": check, "severity": severity}
                    for month, check, severity in expected
                ],
            }
        ]


def iter_patients(
    spec: GenerateSpec, roster: Roster
) -> Iterator[tuple[PatientRows, list[dict[str, Any]]]]:
    """Every patient's rows (with any defect applied) and its ground truth."""
    months = spec.month_list
    inject = Injector(spec)
    for index in range(1, spec.patients + 1):
        plan = plan_patient(spec.seed, index, months, roster)
        rows = build_patient(plan)
        yield rows, inject(rows, roster)


def review_rows(membership: dict[tuple[str, Month], list[str]], bhcm: str) -> Iterator[Row]:
    """Weekly caseload reviews (Wednesdays); each month's patients are spread over the weeks."""
    for (consultant, month), patients in sorted(membership.items()):
        weeks = wednesdays(month)
        for w, wednesday in enumerate(weeks):
            listed = patients[w :: len(weeks)]
            yield {
                "review_id": f"CR-{consultant}-{wednesday.isoformat()}",
                "date": wednesday.isoformat(),
                "consultant_id": consultant,
                "bhcm_id": bhcm,
                "patients_reviewed": ";".join(listed),
                "notes": "weekly caseload review",
            }


class CsvSink:
    """Writes each kind to ``<kind>.csv`` as rows arrive."""

    def __init__(self, out: Path, stack: ExitStack, kinds: list[str]) -> None:
        self.writers: dict[str, csv.DictWriter[str]] = {}
        for kind in kinds:
            handle: IO[str] = stack.enter_context(atomic_output(out / f"{kind}.csv"))
            writer = csv.DictWriter(handle, fieldnames=COLUMNS[kind], lineterminator="\n")
            writer.writeheader()
            self.writers[kind] = writer

    def write(self, kind: str, row: Row) -> None:
        self.writers[kind].writerow(row)


class JsonSink:
    """Collects every row, then writes one bundle document."""

    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = defaultdict(list)

    def write(self, kind: str, row: Row) -> None:
        self.rows[kind].append(_present(row))

    def dump(self, path: Path) -> None:
        document = {kind: self.rows.get(kind, []) for kind in COLUMNS}
        with atomic_output(path) as handle:
            handle.write(json.dumps(document, indent=1) + "\n")


class FhirSink:
    """Documentation as FHIR R4 Bulk NDJSON (``<resourceType>.ndjson``), the rest as CSV.

    Kinds whose FHIR form would lose a field the checks use (a care plan's consultant review
    and designated member, a patient's QMB flag, staff training and prescriber flags; see
    docs/fhir.md) stay in CSV beside the export, as do claims and caseload reviews: an audit
    of the directory then sees the same records as of the CSV form.
    """

    # NOTE: episodes too stay CSV: the generator writes none, and an empty episodes.csv says
    # "provided, none", which an export without EpisodeOfCare resources cannot say.
    KINDS = tuple(sorted(FHIR_KINDS - LOSSY_KINDS - {"episodes"}))

    def __init__(self, out: Path, stack: ExitStack) -> None:
        self.ndjson = NdjsonWriter(out, stack)
        self.csv = CsvSink(out, stack, [k for k in COLUMNS if k not in self.KINDS])

    def write(self, kind: str, row: Row) -> None:
        if kind in self.KINDS:
            self.ndjson.write_record(MODELS[kind].model_validate(_present(row)))
        else:
            self.csv.write(kind, row)


class X12Sink:
    """Professional claims as an X12 837P batch (``x12/claims.837``), the rest as CSV.

    Patients are named by Medicare id and practitioners by NPI, as a billing system sends
    them; a claim naming a practitioner who is not on the roster gets a made-up NPI, which
    ``x12/id_map.csv`` maps back (``--id-map``), so the audit reports the same unresolved
    reference. Institutional (RHC/FQHC) claims belong in an 837I, which bhi-audit does not
    read: they stay in claims.csv and claim_lines.csv.
    """

    def __init__(self, out: Path, stack: ExitStack, roster: Roster) -> None:
        self.csv = CsvSink(out, stack, list(COLUMNS))
        self.staff = {row["staff_id"]: row for row in roster.rows()}
        self.patients: dict[str, Row] = {}
        self.claims: list[Row] = []
        self.lines: dict[str, list[Row]] = defaultdict(list)
        self.invented: dict[str, str] = {}

    def write(self, kind: str, row: Row) -> None:
        if kind == "patients":
            self.patients = {row["patient_id"]: row}
        if kind == "claims" and row["claim_type"] == "professional":
            self.claims.append(row)
        elif kind == "claim_lines" and any(c["claim_id"] == row["claim_id"] for c in self.claims):
            self.lines[row["claim_id"]].append(row)
        else:
            self.csv.write(kind, row)

    def _npi(self, staff_id: str) -> str:
        member = self.staff.get(staff_id)
        if member is not None:
            return str(member["npi"])
        if staff_id not in self.invented:
            self.invented[staff_id] = npi_with_check_digit(f"{199999990 - len(self.invented)}")
        return self.invented[staff_id]

    def documents(self) -> Iterator[ClaimDocument]:
        """The claims collected since the last call, as 837P documents."""
        for row in self.claims:
            claim = Claim.model_validate(_present(row))
            patient = self.patients[claim.patient_id]
            billing = self.staff.get(claim.billing_practitioner, {})
            rendering = claim.rendering_practitioner
            other = rendering if rendering not in (None, claim.billing_practitioner) else None
            yield ClaimDocument(
                claim=claim,
                lines=tuple(
                    ClaimLine.model_validate(_present(line)) for line in self.lines[row["claim_id"]]
                ),
                member_id=patient["medicare_id"],
                billing_npi=self._npi(claim.billing_practitioner),
                rendering_npi=self._npi(other) if other else None,
                patient_name=patient["name"],
                patient_dob=date.fromisoformat(patient["dob"]),
                billing_name=billing.get("name"),
                rendering_name=self.staff.get(other, {}).get("name") if other else None,
            )
        self.claims = []
        self.lines.clear()

    def write_id_map(self, path: Path) -> None:
        rows = ["kind,external_id,bundle_id"]
        rows += [f"practitioner,{npi},{sid}" for sid, npi in sorted(self.invented.items())]
        with atomic_output(path) as handle:
            handle.write("\n".join(rows) + "\n")


def _present(row: Row) -> Row:
    return {k: v for k, v in row.items() if v not in ("", None)}


def iter_batches(
    spec: GenerateSpec, roster: Roster, truth: list[dict[str, Any]]
) -> Iterator[dict[str, list[Row]]]:
    """The practice as batches of rows by kind: the roster, each patient, the reviews.

    Ground-truth entries are appended to ``truth`` as patients are generated.
    """
    months = spec.month_list
    yield {
        "period": [
            {
                "records_from": months[0].plus(-12).first_day.isoformat(),
                "records_to": months[-1].last_day.isoformat(),
            }
        ],
        "staff": roster.rows(),
    }
    membership: dict[tuple[str, Month], list[str]] = defaultdict(list)
    for rows, defects in iter_patients(spec, roster):
        truth.extend(defects)
        for month in sorted(rows.reviewed):
            membership[(rows.plan.consultant, month)].append(rows.plan.patient_id)
        yield rows.rows
    yield {"caseload_reviews": list(review_rows(membership, roster.bhcms[0]))}


def generated_names() -> frozenset[str]:
    """Every path (relative to ``--out``) that ``generate`` writes, in any format."""
    names = {f"{kind}.csv" for kind in COLUMNS} | {"practice.json", GROUND_TRUTH, "x12"}
    names |= {f"x12/{name}" for name in ("claims.837", "id_map.csv")}
    names |= {f"{resource_type}.ndjson" for resource_type in RESOURCE_TYPES}
    return frozenset(names)


def prepare_folder(out: Path, force: bool) -> None:
    """Make ``out`` ready for a practice, so that it never ends up mixed with other files.

    An empty or new folder is used as is. A non-empty folder is refused, unless ``force`` is
    given *and* it holds an earlier generated practice (``ground_truth.json``) and nothing
    else: then the earlier practice's files are removed first, so a practice written in
    another format does not sit beside the old one and audit as one practice with it.
    Anything else in the folder (real claims, notes) is never removed: that is an error.
    """
    if out.exists() and not out.is_dir():
        raise OutputError(str(out), "--out must be a folder, and this is a file")
    present = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) if out.is_dir() else []
    if present and not force:
        raise OutputError(
            str(out),
            f"folder is not empty ({_listed(present)}); choose a new folder, or --force to "
            "replace a practice generated there before",
        )
    if present:
        known = generated_names()
        foreign = [name for name in present if name not in known]
        if GROUND_TRUTH not in present or foreign:
            why = (
                f"holds other files ({_listed(foreign)})" if foreign else "has no ground_truth.json"
            )
            raise OutputError(
                str(out),
                f"--force replaces only a folder written by generate, and this one {why}; "
                "nothing was removed",
            )
        for name in sorted(present, reverse=True):  # files before their folder
            path = out / name
            path.rmdir() if path.is_dir() else path.unlink()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(str(out), f"cannot create folder ({exc.strerror})") from None


def with_paid_amount(row: Row, share: Decimal) -> Row:
    """A claim line row with ``paid_amount`` = ``share`` of its national allowed amount.

    A line with no national rate (or no valid code, date or units, as a defect may inject)
    keeps an empty paid amount: the frame then says ``unpriced`` rather than guessing.
    """
    try:
        day = date.fromisoformat(str(row["date_of_service"]))
        price = line_price(str(row["code"]), day, int(row["units"]))
    except (KeyError, ValueError):
        return row
    if price is None:
        return row
    return {**row, "paid_amount": f"{(price * share).quantize(Decimal('0.01')):.2f}"}


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def generate(
    spec: GenerateSpec, out: Path, fmt: str = "csv", force: bool = False
) -> dict[str, Any]:
    """Write the practice to ``out`` in ``fmt`` and return the ground truth (also written there).

    ``csv``: one ``<kind>.csv`` per kind; ``json``: one bundle document ``practice.json``;
    ``837p``: claims in ``x12/claims.837`` (with ``x12/id_map.csv``), the rest CSV;
    ``fhir-ndjson``: documentation as ``<resourceType>.ndjson``, the rest CSV. See
    docs/generator.md.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    prepare_folder(out, force)
    roster = Roster.for_patients(spec.patients)
    truth: list[dict[str, Any]] = []
    counts: dict[str, int] = defaultdict(int)
    with ExitStack() as stack:
        sink: CsvSink | JsonSink | FhirSink | X12Sink
        if fmt == "json":
            sink = JsonSink()
        elif fmt == "fhir-ndjson":
            sink = FhirSink(out, stack)
        elif fmt == "837p":
            sink = X12Sink(out, stack, roster)
        else:
            sink = CsvSink(out, stack, list(COLUMNS))

        def write_batch(batch: dict[str, list[Row]]) -> None:
            for kind in COLUMNS:
                for row in batch.get(kind, ()):
                    counts[kind] += 1
                    if kind == "claim_lines" and spec.paid_share is not None:
                        row = with_paid_amount(row, spec.paid_share)
                    sink.write(kind, row)

        batches = iter_batches(spec, roster, truth)
        if isinstance(sink, X12Sink):
            x12 = sink
            (out / "x12").mkdir(exist_ok=True)

            def documents() -> Iterator[ClaimDocument]:
                for batch in batches:
                    write_batch(batch)
                    yield from x12.documents()

            with atomic_output(out / "x12" / "claims.837") as handle:
                write_837(documents(), cast(TextIO, handle))
            x12.write_id_map(out / "x12" / "id_map.csv")
        else:
            for batch in batches:
                write_batch(batch)
        if isinstance(sink, JsonSink):
            sink.dump(out / "practice.json")
    ground = {
        "seed": spec.seed,
        "patients": spec.patients,
        "months": [str(m) for m in spec.month_list],
        "defect_rate": spec.defect_rate,
        "format": fmt,
        "records": dict(sorted(counts.items())),
        "defects": truth,
    }
    with atomic_output(out / GROUND_TRUTH) as handle:
        handle.write(json.dumps(ground, indent=2) + "\n")
    return ground
