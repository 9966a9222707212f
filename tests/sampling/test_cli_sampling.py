"""frame, sample and estimate through the command line and the real loaders."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from decimal import Decimal

import pytest

from bhi_audit.cli import main

from conftest import SAMPLE


def body_rows(text: str) -> list[dict[str, str]]:
    kept = [line for line in text.split("\n") if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(kept))))


def test_frame_numbers_every_bhi_patient_month_with_its_digest(runner, tmp_path):
    out = tmp_path / "frame.csv"
    result = runner.invoke(main, ["frame", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["number", "unit:patient-month"]
    assert [int(r[0]) for r in rows[1:]] == list(range(1, len(rows)))
    assert len({r[1] for r in rows[1:]}) == len(rows) - 1  # one row per patient-month
    digest = (tmp_path / "frame.csv.sha256").read_text(encoding="utf-8")
    assert digest == f"{hashlib.sha256(text.encode()).hexdigest()}  frame.csv\n"
    again = tmp_path / "again.csv"
    runner.invoke(main, ["frame", str(SAMPLE), "--out", str(again)])
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.parametrize("unit", ["claim", "line"])
def test_frame_units_by_claim_and_line(runner, tmp_path, unit):
    out = tmp_path / "frame.csv"
    assert (
        runner.invoke(main, ["frame", str(SAMPLE), "--unit", unit, "-o", str(out)]).exit_code == 0
    )
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0][1] == f"unit:{unit}"
    if unit == "line":
        assert all("#" in r[1] for r in rows[1:])


def sample_with_first_line_units(tmp_path, units: str):
    """A copy of the sample practice whose first claim line bills ``units``."""
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle)
    lines_csv = bundle / "claim_lines.csv"
    text = lines_csv.read_text(encoding="utf-8").split("\n")
    header = text[0].split(",")
    row = text[1].split(",")
    row[header.index("units")] = units
    text[1] = ",".join(row)
    lines_csv.write_text("\n".join(text), encoding="utf-8")
    return bundle


def test_frame_refuses_a_universe_with_rejected_claims(runner, tmp_path):
    bundle = sample_with_first_line_units(tmp_path, "many")
    result = runner.invoke(main, ["frame", str(bundle), "-o", str(tmp_path / "f.csv")])
    assert result.exit_code == 2
    assert "rejected" in result.output and "claim_lines.csv:2" in result.output
    assert "Traceback" not in result.output


def test_sample_replay_and_estimate_end_to_end(runner, tmp_path):
    frame = tmp_path / "frame.csv"
    sample = tmp_path / "sample.csv"
    runner.invoke(main, ["frame", str(SAMPLE), "-o", str(frame)])
    args = ["sample", str(frame), "--size", "8", "--strata", "0-100,100-", "--seed", "11"]
    result = runner.invoke(main, [*args, "--spares", "1", "-o", str(sample)])
    assert result.exit_code == 0, result.output
    text = sample.read_text(encoding="utf-8")
    rows = body_rows(text)
    assert sum(r["role"] == "sample" for r in rows) == 8
    assert sum(r["role"] == "spare" for r in rows) == 2
    assert runner.invoke(main, ["sample", str(frame), "--replay", str(sample)]).exit_code == 0

    # the frame changes by one byte: the replay fails loudly
    frame.write_text(frame.read_text(encoding="utf-8").replace(",allowed", ",unpriced", 1))
    failed = runner.invoke(main, ["sample", str(frame), "--replay", str(sample)])
    assert failed.exit_code == 1 and "the frame changed" in failed.output

    # appraise: every second sampled unit is not supported at all
    appraised, count = [], 0
    for line in text.split("\n"):
        if ",sample," in line:
            count += 1
            filled = ",0.00,not-supported,,," if count % 2 else ",,supported,,,"
            line = line[: -len(",,,,,")] + filled
        appraised.append(line)
    (tmp_path / "appraised.csv").write_text("\n".join(appraised), encoding="utf-8")
    estimated = runner.invoke(main, ["estimate", str(tmp_path / "appraised.csv")])
    assert estimated.exit_code == 0, estimated.output
    assert "point estimate of the overpayment" in estimated.output
    assert "lower limit, one-sided 90%" in estimated.output


def test_estimate_names_the_row_of_a_unit_without_verdict(runner, tmp_path):
    frame = tmp_path / "frame.csv"
    sample = tmp_path / "sample.csv"
    runner.invoke(main, ["frame", str(SAMPLE), "-o", str(frame)])
    runner.invoke(main, ["sample", str(frame), "--size", "4", "--seed", "3", "-o", str(sample)])
    result = runner.invoke(main, ["estimate", str(sample)])
    assert result.exit_code == 2
    assert "sample.csv:13: verdict: every sampled unit needs a verdict" in result.output


def test_sample_without_seed_records_the_seed_it_drew(runner, tmp_path):
    frame = tmp_path / "frame.csv"
    sample = tmp_path / "sample.csv"
    runner.invoke(main, ["frame", str(SAMPLE), "-o", str(frame)])
    result = runner.invoke(main, ["sample", str(frame), "--size", "4", "-o", str(sample)])
    assert result.exit_code == 0
    lines = sample.read_text(encoding="utf-8").split("\n")
    seed_line = next(line for line in lines if line.startswith("# seed: "))
    assert f"drew seed {seed_line.removeprefix('# seed: ')}" in result.output
    assert runner.invoke(main, ["sample", str(frame), "--replay", str(sample)]).exit_code == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--size", "2", "--strata", "0-100,100-", "--stratum-sizes", "1,1"], "not both"),
        (["--stratum-sizes", "2"], "sizes for 2 strata"),
        (["--size", "1000"], "exceeds"),
        (["--strata", "0-10,20-"], "must meet"),
    ],
)
def test_bad_sample_requests_are_usage_errors(runner, tmp_path, extra, message):
    frame = tmp_path / "frame.csv"
    runner.invoke(main, ["frame", str(SAMPLE), "-o", str(frame)])
    args = ["sample", str(frame), "--seed", "1", "-o", str(tmp_path / "s.csv"), *extra]
    if "--strata" not in extra and "--stratum-sizes" in extra:
        args += ["--strata", "0-100,100-"]
    result = runner.invoke(main, args)
    assert result.exit_code == 2 and message in result.output, result.output


def census(runner, tmp_path, bundle=SAMPLE):
    """Frame the sample practice and draw every unit (a census), then appraise it."""
    frame, sample, appraised = (tmp_path / n for n in ("frame.csv", "s.csv", "a.csv"))
    runner.invoke(main, ["frame", str(SAMPLE), "-o", str(frame)])
    units = len(frame.read_text(encoding="utf-8").splitlines()) - 1
    runner.invoke(
        main, ["sample", str(frame), "--size", str(units), "--seed", "1", "-o", str(sample)]
    )
    result = runner.invoke(
        main, ["appraise", str(bundle), "--sample", str(sample), "-o", str(appraised)]
    )
    return result, appraised


def test_appraise_gives_each_sampled_unit_its_verdict(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result, appraised = census(runner, tmp_path)
    assert result.exit_code == 0, result.output
    rows = {r["unit"]: r for r in body_rows(appraised.read_text(encoding="utf-8"))}
    # 35 countable minutes cannot support 99492 ($160.32) but do support G2214 ($60.79, 2026):
    # what the minutes support remains payable
    assert rows["P023 2026-01"]["verdict"] == "not-supported"
    assert rows["P023 2026-01"]["audited"] == "60.79"
    assert "BHI-TIME-002 error" in rows["P023 2026-01"]["findings"]
    # 99484 beside 99493 in one month: only the 99484 line ($57.45) is denied
    assert rows["P027 2026-02"]["verdict"] == "not-supported"
    assert Decimal(rows["P027 2026-02"]["examined"]) - Decimal(rows["P027 2026-02"]["audited"]) == (
        Decimal("57.45")
    )
    # a clean month, and a month with only a warning (audit risk, not recoupment)
    assert rows["P012 2026-02"]["verdict"] == "supported"
    assert rows["P012 2026-02"]["audited"] == rows["P012 2026-02"]["examined"]
    assert rows["P073 2026-01"]["verdict"] == "supported"
    assert "warning" in rows["P073 2026-01"]["findings"]
    # opportunities are never part of an appraisal
    assert not any("opportunity" in r["note"] for r in rows.values())

    # a census: the estimate is the overpayments' sum, with no sampling error
    overpaid = sum(
        max(Decimal(r["examined"]) - Decimal(r["audited"]), Decimal(0)) for r in rows.values()
    )
    estimated = runner.invoke(main, ["estimate", str(appraised), "--format", "json"])
    assert estimated.exit_code == 0, estimated.output
    document = json.loads(estimated.output)
    assert Decimal(document["variable"]["point_estimate"]) == overpaid
    assert document["variable"]["standard_error"] == "0.00"
    assert document["attribute"]["units_not_supported"] == sum(
        r["verdict"] == "not-supported" for r in rows.values()
    )


def test_appraise_is_undetermined_when_the_records_cannot_decide(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle)
    (bundle / "caseload_reviews.csv").unlink()
    result, appraised = census(runner, tmp_path, bundle)
    assert result.exit_code == 0, result.output
    rows = {r["unit"]: r for r in body_rows(appraised.read_text(encoding="utf-8"))}
    assert rows["P012 2026-02"]["verdict"] == "undetermined"
    assert "no caseload reviews in the input" in rows["P012 2026-02"]["note"]
    assert rows["P001 2026-03"]["verdict"] == "supported"  # general BHI needs no review
    estimated = runner.invoke(main, ["estimate", str(appraised)])
    assert "undetermined (counted as no error; settle them): " in estimated.output
    assert "P012 2026-02" in estimated.output


def test_appraise_refuses_claims_other_than_the_frames(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bundle = sample_with_first_line_units(tmp_path, "2")
    result, _ = census(runner, tmp_path, bundle)
    assert result.exit_code == 2
    assert "audit the claims the frame was built from" in result.output


def with_paid_amounts(tmp_path, paid: dict[str, str]):
    """The sample practice with ``paid_amount`` on the lines named ``claim#line``."""
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle)
    lines_csv = bundle / "claim_lines.csv"
    rows = list(csv.DictReader(io.StringIO(lines_csv.read_text(encoding="utf-8"))))
    for row in rows:
        row["paid_amount"] = paid.get(f"{row['claim_id']}#{row['line_number']}", "")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    lines_csv.write_text(out.getvalue(), encoding="utf-8")
    return bundle


def test_paid_amounts_are_examined_and_recouped(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bundle = with_paid_amounts(tmp_path, {"C030#1": "150.00", "C037#1": "50.00"})
    frame = tmp_path / "frame.csv"
    assert runner.invoke(main, ["frame", str(bundle), "-o", str(frame)]).exit_code == 0
    units = {r["unit:patient-month"]: r for r in csv.DictReader(io.StringIO(frame.read_text()))}
    assert (units["P023 2026-01"]["examined"], units["P023 2026-01"]["basis"]) == ("150.00", "paid")
    # 99493 at the national $144.96 beside a 99484 paid $50.00
    assert (units["P027 2026-02"]["examined"], units["P027 2026-02"]["basis"]) == (
        "194.96",
        "mixed",
    )
    assert units["P012 2026-02"]["basis"] == "allowed"

    sample, appraised = tmp_path / "s.csv", tmp_path / "a.csv"
    size = str(len(units))
    runner.invoke(main, ["sample", str(frame), "--size", size, "--seed", "1", "-o", str(sample)])
    result = runner.invoke(
        main, ["appraise", str(bundle), "--sample", str(sample), "-o", str(appraised)]
    )
    assert result.exit_code == 0, result.output
    rows = {r["unit"]: r for r in body_rows(appraised.read_text(encoding="utf-8"))}
    # 35 minutes support G2214 ($60.79) of the 99492 ($160.32): that share of the $150.00 paid
    # remains payable, 150.00 x 60.79 / 160.32 = 56.88
    assert rows["P023 2026-01"]["audited"] == "56.88"
    assert rows["P027 2026-02"]["audited"] == "144.96"  # the $50.00 paid for the 99484


@pytest.mark.parametrize(
    ("code", "minutes", "check", "payable"),
    [
        ("99492", 35, "BHI-TIME-002", "60.79"),  # G2214 supported (>= 16 min floor)
        ("99493", 20, "BHI-TIME-002", "60.79"),  # G2214 supported
        ("99493", 15, "BHI-TIME-002", "0.00"),  # below the G2214 floor: nothing
        ("99492", 35, "BHI-CONS-001", "0.00"),  # another error denies the whole line
    ],
)
def test_a_short_cocm_base_keeps_what_its_minutes_support(code, minutes, check, payable):
    from datetime import date

    from bhi_audit.checkapi import Severity
    from bhi_audit.findings import Finding, Outcome
    from bhi_audit.models import ClaimLine
    from bhi_audit.policy import line_price
    from bhi_audit.sampling.appraise import SampledUnit, UnitLine, appraise_unit

    day = date(2026, 3, 31)
    line = ClaimLine(claim_id="C1", line_number=1, code=code, date_of_service=day)
    national = line_price(code, day, 1)
    finding = Finding(
        check_id=check,
        check_name="x",
        severity=Severity.ERROR,
        outcome=Outcome.VIOLATION,
        message="m",
        source="s",
        location="l",
        file="f",
        claim_id="C1",
        line_number=1,
        code=code,
        unit="C1#1",
        at_risk=national,
        facts={"countable_minutes": minutes},
    )
    unit = SampledUnit(
        "P1 2026-03", "P1", "2026-03", frozenset({"C1"}), frozenset({code}), national, None
    )
    appraisal = appraise_unit(unit, {("C1", 1): UnitLine(national, national, line)}, [finding])
    assert (appraisal.verdict, f"{appraisal.audited:.2f}") == ("not-supported", payable)


def test_generate_writes_paid_amounts_a_frame_examines(runner, tmp_path):
    out = tmp_path / "practice"
    args = ["generate", "--patients", "20", "--months", "2", "--seed", "4", "--out", str(out)]
    assert runner.invoke(main, [*args, "--paid-share", "0.8"]).exit_code == 0
    lines = list(csv.DictReader(io.StringIO((out / "claim_lines.csv").read_text("utf-8"))))
    from datetime import date

    from bhi_audit.policy import line_price

    for line in lines:
        price = line_price(
            line["code"], date.fromisoformat(line["date_of_service"]), int(line["units"])
        )
        expected = "" if price is None else f"{(price * Decimal('0.8')).quantize(Decimal('0.01'))}"
        assert line["paid_amount"] == expected, line
    frame = tmp_path / "frame.csv"
    assert runner.invoke(main, ["frame", str(out), "-o", str(frame)]).exit_code == 0
    bases = {row["basis"] for row in csv.DictReader(io.StringIO(frame.read_text("utf-8")))}
    assert "paid" in bases and "allowed" not in bases and "mixed" not in bases
    plain = tmp_path / "plain"
    assert runner.invoke(main, [*args[:-1], str(plain)]).exit_code == 0
    unpaid = csv.DictReader(io.StringIO((plain / "claim_lines.csv").read_text("utf-8")))
    assert {line["paid_amount"] for line in unpaid} == {""}
