"""The text report's ``--quiet`` and ``--statistics``: summary only, nothing when clean,
and one count per check."""

from __future__ import annotations

import io
from functools import partial

from bhi_audit.cli import main
from bhi_audit.reporters import text


def rendered(result, **options) -> str:
    out = io.StringIO()
    text.render(result, out, **options)
    return out.getvalue()


def clean_of(result):
    totals = result.totals.model_copy(
        update={
            "open_errors": 0,
            "open_warnings": 0,
            "open_infos": 0,
            "unverifiable": 0,
            "internal_errors": 0,
            "rejected": 0,
        }
    )
    return result.model_copy(
        update={"findings": (), "rejected": (), "missing_records": (), "totals": totals}
    )


def test_quiet_writes_the_counts_line_only(sample_result):
    totals = sample_result.totals
    assert rendered(sample_result, quiet=True) == (
        f"{totals.open_errors} error(s) open, {totals.open_warnings} warning(s) open, "
        f"{totals.open_infos} info open, 0 waived, 0 baselined, "
        f"{totals.unverifiable} not verifiable, {totals.rejected} rejected record(s)\n"
    )


def test_quiet_writes_nothing_for_a_clean_run(sample_result):
    assert rendered(clean_of(sample_result), quiet=True) == ""
    assert rendered(clean_of(sample_result)) != ""


def test_statistics_counts_findings_per_check_most_first(rich_result):
    lines = rendered(rich_result, statistics=True).split("\n\n")[0].splitlines()
    rows = [line for line in lines if not line.startswith("missing: ")]
    counts = [int(row.split()[0]) for row in rows]
    assert counts == sorted(counts, reverse=True)
    expected = {}
    for finding in rich_result.findings:
        expected[finding.check_id] = expected.get(finding.check_id, 0) + 1
    expected["BHI-INPUT"] = len(rich_result.rejected)
    assert {row.split()[1]: int(row.split()[0]) for row in rows} == expected
    waived = [row for row in rows if "waived" in row]
    assert waived and all(row.endswith(")") for row in waived)
    assert not any(f.message in "\n".join(lines) for f in rich_result.findings)


def test_statistics_line_shape(csv_result):
    rows = rendered(csv_result, statistics=True).splitlines()
    assert "    1  BHI-TIME-001   error    general-bhi-minimum-minutes" in rows


def test_quiet_with_statistics_keeps_the_table_and_the_counts(sample_result):
    output = rendered(sample_result, quiet=True, statistics=True)
    assert output.splitlines()[-1] == rendered(sample_result, quiet=True).strip()
    assert "  BHI-INPUT      error    rejected-input" in output
    assert "claims:" not in output


def test_the_command_line_options(runner, tmp_path):
    invoke = partial(runner.invoke, main)
    quiet = invoke(["check", "sample_claims", "--isolated", "-q"])
    assert quiet.exit_code == 1
    assert quiet.stdout == (
        "34 error(s) open, 22 warning(s) open, 5 info open, 0 waived, 0 baselined, "
        "3 not verifiable\n"
    )
    stats = invoke(["check", "sample_claims", "--isolated", "--statistics"])
    assert stats.exit_code == 1
    assert (
        stats.stdout.splitlines()[0] == "    3  BHI-TIME-002   error    cocm-base-minimum-minutes"
    )
    clean = invoke(["check", "tests/fixtures/clean", "--isolated", "-q", "--select", "BHI-TIME"])
    assert (clean.exit_code, clean.stdout) == (0, "")
    loud = invoke(["check", "tests/fixtures/clean", "--isolated", "--select", "BHI-TIME"])
    assert loud.stdout.startswith("\n0 error(s) open, 0 warning(s) open")
    wrong = invoke(["check", "sample_claims", "--format", "json", "--quiet"])
    assert wrong.exit_code == 2
    assert "bhi-audit: error: --quiet and --statistics shape the text report" in wrong.stderr
