"""JUnit reporter: golden output, the Jenkins xUnit XSD, an independent reader's counts, and
the mapping of each evaluation status (passed, failed, waived, not verifiable, crashed)."""

from __future__ import annotations

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped
from lxml import etree

from bhi_audit.reporters import junit


@pytest.fixture
def validate(validate_junit):
    """Every JUnit document in this module is validated against the Jenkins xUnit XSD."""
    return validate_junit


def _read(text, tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text(text, encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def _outcomes(xml):
    counts = {"passed": 0, "failure": 0, "skipped": 0, "error": 0}
    for suite in xml:
        for case in suite:
            kinds = {type(r) for r in case.result}
            if Failure in kinds:
                counts["failure"] += 1
            elif Error in kinds:
                counts["error"] += 1
            elif Skipped in kinds:
                counts["skipped"] += 1
            else:
                counts["passed"] += 1
    return counts


@pytest.mark.parametrize("name", ["sample", "rich", "csv", "hostile"])
def test_matches_golden_and_validates(name, render_text, golden, validate, golden_input):
    result = golden_input(name)
    text = render_text(junit.render, result)
    validate(text)
    golden(f"{name}.junit.xml", text)


@pytest.mark.parametrize("name", ["sample", "rich"])
def test_counts_equal_the_summary(name, request, render_text, tmp_path, validate):
    result = request.getfixturevalue(f"{name}_result")
    text = render_text(junit.render, result)
    validate(text)
    xml = _read(text, tmp_path)
    per_check = result.per_check
    rejected = len(result.rejected)
    counts = _outcomes(xml)
    assert sum(s.tests for s in xml) == sum(c.applicable for c in per_check.values()) + rejected
    assert counts["passed"] == sum(c.passed for c in per_check.values())
    assert counts["failure"] == sum(c.failed for c in per_check.values()) + rejected
    assert counts["skipped"] == sum(
        c.unverifiable + c.units_waived + c.units_baselined for c in per_check.values()
    )
    assert counts["error"] == sum(c.internal_errors for c in per_check.values())
    for suite in xml:
        check_id = suite.name.split()[0]
        if check_id == "BHI-INPUT":
            assert (suite.tests, suite.failures) == (rejected, rejected)
            continue
        assert suite.tests == per_check[check_id].applicable
        assert suite.failures == per_check[check_id].failed
        assert {case.classname for case in suite} <= {check_id}


def test_one_testcase_per_check_and_unit_passes_included(sample_result, render_text, tmp_path):
    xml = _read(render_text(junit.render, sample_result), tmp_path)
    cases = {(case.classname, case.name) for suite in xml for case in suite}
    assert cases == {(e.check_id, e.unit) for e in sample_result.evaluations} | {
        ("BHI-INPUT", r.location) for r in sample_result.rejected
    }
    assert ("BHI-TIME-001", "MRN-10001 2026-01") in cases  # a pass


def test_each_status_maps_to_its_element(rich_result, render_text, tmp_path, validate):
    text = render_text(junit.render, rich_result)
    validate(text)
    xml = _read(text, tmp_path)
    by_key = {(case.classname, case.name): case for suite in xml for case in suite}

    waived = by_key[("BHI-COCM-003", "MRN-10002 2026-01")]
    assert isinstance(waived.result[0], Skipped)
    assert "waived (W-2026-01): consultant review documented on paper <scanned>" in (
        waived.result[0].message
    )
    baselined = by_key[("BHI-TIME-003", "MRN-10003 2026-02")]
    assert isinstance(baselined.result[0], Skipped)
    assert "baselined" in baselined.result[0].message
    expired = by_key[("BHI-TIME-001", "MRN-10001 2026-02")]  # an expired waiver waives nothing
    assert isinstance(expired.result[0], Failure)
    assert expired.result[0].type == "error"
    unverifiable = by_key[("BHI-CONS-004", "MRN-10001 2026-01")]
    assert isinstance(unverifiable.result[0], Skipped)
    assert unverifiable.result[0].message.startswith("not verifiable from the records given")
    crashed = by_key[("BHI-DATA-001", "batch")]
    assert isinstance(crashed.result[0], Error)
    assert "\x07" not in crashed.result[0].message
    warning = by_key[("BHI-CONS-001", "MRN-10002 2026-01")]
    assert warning.result[0].type == "error"
    assert "no documented COCM consent" in warning.result[0].message


def test_suite_properties_carry_severity_source_and_dollars(sample_result, render_text):
    root = etree.fromstring(render_text(junit.render, sample_result).encode("utf-8"))
    suite = root.find("testsuite[@name='BHI-CONS-001 consent-before-billing']")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["check.severity"] == "error"
    assert props["at_risk"] == "217.77"
    assert props["check.source"].startswith("rulebook §3.2")


def test_xml_illegal_characters_are_stripped(run_hostile, render_text):
    text = render_text(junit.render, run_hostile)
    assert "\x07" not in text and "\x1b" not in text
    assert "bell esc ]]&gt; &amp;amp;" in text


def test_clean_strips_only_illegal_characters():
    assert junit.clean("a\x00b\x07c\td\ne\rf\ufffeg\U0001f600") == "abc\td\ne\rfg\U0001f600"


def test_output_is_deterministic(rich_result, render_text):
    assert render_text(junit.render, rich_result) == render_text(junit.render, rich_result)


def test_rejected_records_are_failing_testcases(sample_result, render_text, tmp_path, validate):
    text = render_text(junit.render, sample_result)
    validate(text)
    (suite,) = [s for s in _read(text, tmp_path) if s.name == "BHI-INPUT rejected-input"]
    assert (suite.tests, suite.failures) == (2, 2)
    assert [(c.classname, c.name, c.result[0].type, c.result[0].message) for c in suite] == [
        (
            "BHI-INPUT",
            "tests/reporters/fixtures/sample.json#/assessments/0",
            "rejected",
            "rejected assessments record: score: expected a whole number, got 'not-a-number'",
        ),
        (
            "BHI-INPUT",
            "tests/reporters/fixtures/sample.json#/patients/3",
            "rejected",
            "rejected patients record: dob: not a calendar date: '1950-02-30'",
        ),
    ]
    root = etree.fromstring(text.encode("utf-8"))
    assert int(root.get("failures")) == sum(c.failed for c in sample_result.per_check.values()) + 2


def test_missing_documentation_is_a_property_of_the_input_suite(sample_result, render_text):
    root = etree.fromstring(render_text(junit.render, sample_result).encode("utf-8"))
    suite = root.find("testsuite[@name='BHI-INPUT rejected-input']")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert {k: v for k, v in props.items() if k.startswith("missing.")} == {
        f"missing.{m.kind}": m.message for m in sample_result.missing_records
    }
    assert sample_result.missing_records  # the sample bundle lacks some documentation
