"""The registry: the module contract, lookup by id/name/alias/prefix, and selection."""

from __future__ import annotations

import types
from collections.abc import Iterator

import pytest

from bhi_audit.checkapi import Problem, Severity
from bhi_audit.errors import ConfigError
from bhi_audit.registry import Registry, load_registry, parse_docstring, spec_from_module

DOC = """Acme rule: the first line says what is required.

Why: because the payer says so;
  continued on a second line.
Source: Acme payer manual §1 (synthetic).
Passes: a clean claim.
Fails:  a dirty claim.
"""


def check(unit: object, options: object) -> Iterator[Problem]:
    yield from ()


def make_module(name: str = "acme_mod", doc: str | None = DOC, **attrs: object):
    """A synthetic check module with a valid contract, changed by ``attrs``."""
    module = types.ModuleType(name, doc)
    values = {
        "ID": "ACME-RULE-001",
        "NAME": "acme-rule",
        "SCOPE": "line",
        "DEFAULT_SEVERITY": "warning",
        "check": check,
    }
    values.update(attrs)
    for key, value in values.items():
        if value is not DELETE:
            setattr(module, key, value)
    return module


DELETE = object()


def test_parse_docstring_joins_continuation_lines():
    summary, sections = parse_docstring(DOC)
    assert summary == "Acme rule: the first line says what is required."
    assert sections == {
        "Why": "because the payer says so; continued on a second line.",
        "Source": "Acme payer manual §1 (synthetic).",
        "Passes": "a clean claim.",
        "Fails": "a dirty claim.",
    }


def test_a_valid_module_is_described():
    spec = spec_from_module(make_module(ALIASES=("ACME-OLD-001",), CODES={"99484"}), "test")
    assert (spec.id, spec.name, spec.scope, spec.default_severity) == (
        "ACME-RULE-001",
        "acme-rule",
        "line",
        Severity.WARNING,
    )
    assert spec.codes == frozenset({"99484"})
    assert spec.aliases == ("ACME-OLD-001",)
    assert spec.source == "Acme payer manual §1 (synthetic)."
    assert spec.severity_for(None) is Severity.WARNING
    assert spec.severity_for("unknown-variant") is Severity.WARNING


class NeedsValue:
    pass


def _options_without_default():
    from pydantic import BaseModel, ConfigDict

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")
        limit: int

    return Options


BROKEN = {
    "missing-id": ({"ID": DELETE}, "missing ID"),
    "id-lowercase": ({"ID": "acme-1"}, "ID 'acme-1' must look like PREFIX-NAME-001"),
    "id-no-dash": ({"ID": "ACME001"}, "ID 'ACME001' must look like PREFIX-NAME-001"),
    "id-not-a-string": ({"ID": 7}, "ID 7 must look like PREFIX-NAME-001"),
    "name-not-kebab": ({"NAME": "Acme_Rule"}, "NAME 'Acme_Rule' must be kebab-case"),
    "bad-scope": ({"SCOPE": "claim"}, "SCOPE 'claim' must be one of line, patient_month"),
    "bad-severity": ({"DEFAULT_SEVERITY": "fatal"}, "'fatal' is not a valid Severity"),
    "bad-variant-severity": ({"SEVERITIES": {"x": "loud"}}, "'loud' is not a valid Severity"),
    "severities-not-a-dict": (
        {"SEVERITIES": ["error"]},
        "SEVERITIES must be a dict of variant -> severity",
    ),
    "codes-a-bare-string": ({"CODES": "99484"}, "CODES must be a frozenset of code strings"),
    "codes-not-strings": ({"CODES": {99484}}, "CODES must be a frozenset of code strings"),
    "aliases-a-bare-string": ({"ALIASES": "ACME-OLD-001"}, "ALIASES must be a tuple of id"),
    "check-missing": ({"check": DELETE}, "missing check"),
    "check-not-callable": ({"check": 3}, "check must be a function"),
    "options-not-pydantic": ({"Options": NeedsValue}, "Options must be a pydantic model"),
    "options-without-default": (
        {"Options": _options_without_default()},
        "Options needs a default for: limit",
    ),
}


@pytest.mark.parametrize(("attrs", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_module_is_a_config_error(attrs, message):
    with pytest.raises(ConfigError) as caught:
        spec_from_module(make_module(**attrs), "checks-dir x.py")
    assert str(caught.value).startswith("check module acme_mod (checks-dir x.py): ")
    assert message in str(caught.value)


DOCS = {
    "no-docstring": (None, "docstring lacks Why, Source, Passes, Fails"),
    "no-why": (
        DOC.replace("Why: because the payer says so;\n  continued on a second line.\n", ""),
        "docstring lacks Why",
    ),
    "why-renamed": (DOC.replace("Why:", "Reason:"), "docstring line 3: unknown section 'Reason'"),
    "empty-source": (
        DOC.replace("Acme payer manual §1 (synthetic).", ""),
        "docstring lacks Source",
    ),
    "no-fails": (DOC.split("Fails:")[0], "docstring lacks Fails"),
    "only-sections": ("\nWhy: x\nSource: y\nPasses: p\nFails: f\n", "docstring lacks"),
}


@pytest.mark.parametrize(("doc", "message"), DOCS.values(), ids=DOCS.keys())
def test_docstring_sections_are_required(doc, message):
    with pytest.raises(ConfigError) as caught:
        spec_from_module(make_module(doc=doc), "test")
    assert message in str(caught.value)


# ------------------------------------------------------------------ lookup and selection


@pytest.fixture
def registry() -> Registry:
    specs = [
        spec_from_module(make_module("a", ID="ACME-TIME-001", NAME="acme-a"), "t"),
        spec_from_module(
            make_module("b", ID="ACME-TIME-002", NAME="acme-b", ALIASES=("ACME-OLD-007",)), "t"
        ),
        spec_from_module(make_module("c", ID="ACME-CONS-001", NAME="acme-c"), "t"),
    ]
    return Registry(specs)


def ids(specs) -> list[str]:
    return [s.id for s in specs]


SELECT = {
    "all": ((), (), ["ACME-TIME-001", "ACME-TIME-002", "ACME-CONS-001"]),
    "by-id": (["ACME-CONS-001"], (), ["ACME-CONS-001"]),
    "by-name": (["acme-b"], (), ["ACME-TIME-002"]),
    "by-alias": (["ACME-OLD-007"], (), ["ACME-TIME-002"]),
    "by-prefix-dash": (["ACME-TIME-"], (), ["ACME-TIME-001", "ACME-TIME-002"]),
    "by-prefix-star": (["ACME-T*"], (), ["ACME-TIME-001", "ACME-TIME-002"]),
    "registry-order-kept": (
        ["ACME-CONS-001", "ACME-TIME-001"],
        (),
        ["ACME-TIME-001", "ACME-CONS-001"],
    ),
    "ignore-by-id": ((), ["ACME-TIME-001"], ["ACME-TIME-002", "ACME-CONS-001"]),
    "ignore-by-prefix": ((), ["ACME-TIME-"], ["ACME-CONS-001"]),
    "ignore-wins": (["ACME-TIME-"], ["acme-a"], ["ACME-TIME-002"]),
    "selected-twice": (["ACME-CONS-001", "acme-c"], (), ["ACME-CONS-001"]),
    "prefix-without-dash": (["ACME-TIME"], (), ["ACME-TIME-001", "ACME-TIME-002"]),
    "prefix-of-one-segment": (["ACME"], ["ACME-TIME"], ["ACME-CONS-001"]),
    "id-any-case": (["acme-cons-001"], (), ["ACME-CONS-001"]),
    "name-any-case": (["ACME-B"], (), ["ACME-TIME-002"]),
    "prefix-any-case": (["acme-time-"], (), ["ACME-TIME-001", "ACME-TIME-002"]),
    "alias-any-case": (["acme-old-007"], (), ["ACME-TIME-002"]),
}


@pytest.mark.parametrize(("select", "ignore", "expected"), SELECT.values(), ids=SELECT.keys())
def test_select(registry, select, ignore, expected):
    assert ids(registry.select(select, ignore)) == expected


@pytest.mark.parametrize(
    ("select", "ignore", "message"),
    [
        (["ACME-NOPE-001"], (), "no such check: ACME-NOPE-001"),
        ((), ["acme-z"], "no such check: acme-z"),
        (["NOPE-"], (), "no check matches: NOPE-"),
        (["acme-a*"], (), "no check matches: acme-a*"),
    ],
    ids=["unknown-select", "unknown-ignore", "prefix-nothing", "name-prefix-is-not-an-id-prefix"],
)
def test_unknown_selector_is_a_config_error(registry, select, ignore, message):
    with pytest.raises(ConfigError, match=message.replace("*", r"\*")):
        registry.select(select, ignore)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("ACME-TIME-003", "no such check: ACME-TIME-003 (did you mean 'ACME-TIME-002'?)"),
        ("acme-time-03", "no such check: acme-time-03 (did you mean 'ACME-TIME-002'?)"),
        ("acme-cons", "no such check: acme-cons (did you mean 'ACME-CONS-001'?)"),
        ("zzz", "no such check: zzz"),
    ],
    ids=["near-id", "near-id-lower-case", "near-id-by-its-start", "nothing-near"],
)
def test_unknown_check_suggests_the_nearest(registry, key, message):
    with pytest.raises(ConfigError) as caught:
        registry.get(key)
    assert str(caught.value) == message


def test_a_prefix_without_dash_stops_at_a_segment(registry):
    """``ACME-TIM`` is not ``ACME-TIME``: a bare prefix matches whole dash segments only."""
    with pytest.raises(ConfigError) as caught:
        registry.select(["ACME-TIM"])
    assert str(caught.value) == "no such check: ACME-TIM (did you mean 'ACME-TIME-002'?)"


def test_a_prefix_matching_nothing_suggests_a_known_prefix(registry):
    with pytest.raises(ConfigError) as caught:
        registry.select(["ACME-TIMR-"])
    assert str(caught.value) == "no check matches: ACME-TIMR- (did you mean 'ACME-TIME-'?)"


@pytest.mark.parametrize(
    ("attrs", "clash"),
    [
        ({"ID": "ACME-TIME-001", "NAME": "acme-new"}, "'ACME-TIME-001'"),
        ({"ID": "ACME-NEW-001", "NAME": "acme-a"}, "'acme-a'"),
        (
            {"ID": "ACME-NEW-001", "NAME": "acme-new", "ALIASES": ("ACME-TIME-002",)},
            "'ACME-TIME-002'",
        ),
        ({"ID": "ACME-OLD-007", "NAME": "acme-new"}, "'ACME-OLD-007'"),
    ],
    ids=["same-id", "same-name", "alias-is-an-id", "id-is-an-alias"],
)
def test_duplicate_keys_are_refused(registry, attrs, clash):
    spec = spec_from_module(make_module("d", **attrs), "checks-dir d.py")
    with pytest.raises(ConfigError) as caught:
        Registry([*registry.specs, spec])
    assert str(caught.value) == (
        f"check id or name {clash} of checks-dir d.py is already used by t"
    )


def test_builtin_registry_loads_in_declared_order():
    import checks

    registry = load_registry(plugins=False)
    assert [s.name for s in registry.specs] == [
        __import__(f"checks.{m}", fromlist=["NAME"]).NAME for m in checks.BUILTIN
    ]
    assert {s.origin for s in registry.specs} == {"built-in"}


# ------------------------------------------------------------------ REQUIRES


def test_requires_names_the_kinds_of_the_models_declared():
    from bhi_audit.models import CarePlan, TimeEntry

    spec = spec_from_module(make_module(REQUIRES=(TimeEntry, CarePlan, TimeEntry)), "test")
    assert spec.requires == ("time_entries", "care_plans")
    assert spec_from_module(make_module(), "test").requires == ()


@pytest.mark.parametrize("requires", [("time_entries",), TypeError, (int,), "TimeEntry"])
def test_requires_must_be_record_models(requires):
    with pytest.raises(ConfigError) as caught:
        spec_from_module(make_module(REQUIRES=requires), "checks-dir x.py")
    assert str(caught.value).startswith(
        "check module acme_mod (checks-dir x.py): REQUIRES must be a tuple of record models "
        "(Staff, Patient, Claim, ClaimLine, TimeEntry, Consent,"
    )


def _never_called(unit: object, options: object) -> Iterator[Problem]:
    raise AssertionError("a check whose required kind is missing must not run")


def test_engine_reports_a_missing_required_kind_once_per_unit_without_running_the_check():
    from pathlib import Path

    from bhi_audit.engine import Engine
    from bhi_audit.findings import Outcome
    from bhi_audit.loaders import load_paths
    from bhi_audit.models import Consent, TimeEntry

    module = make_module(
        SCOPE="patient_month",
        CODES=frozenset({"99493"}),
        REQUIRES=(TimeEntry, Consent),
        check=_never_called,
    )
    spec = spec_from_module(module, "test")
    bundle = load_paths([Path(__file__).parent / "fixtures" / "bhi_with_cocm.json"])
    result = Engine([spec]).audit(bundle)
    assert [
        (f.claim_id, f.line_number, f.outcome, f.severity, f.field, f.message)
        for f in result.findings
    ] == [
        (
            claim,
            1,
            Outcome.UNVERIFIABLE,
            Severity.INFO,
            "time_entries",
            "no time entries or consents in the input",
        )
        for claim in ("C7", "C9")
    ]
    summary = result.per_check["ACME-RULE-001"]
    assert (summary.applicable, summary.unverifiable, summary.findings) == (2, 2, 2)
    assert [(m.kind, m.checks, m.codes) for m in result.missing_records] == [
        ("consents", ("ACME-RULE-001",), ("99493",)),
        ("time_entries", ("ACME-RULE-001",), ("99493",)),
    ]


def test_a_check_with_requires_runs_when_the_kinds_are_provided():
    from bhi_audit.engine import Engine
    from bhi_audit.loaders import load_paths
    from bhi_audit.models import Consent, TimeEntry

    from conftest import CLEAN_BUNDLE

    def noted(unit, options):
        yield Problem(message="ran", record=unit.billed.line)

    module = make_module(REQUIRES=(TimeEntry, Consent), check=noted, CODES={"99484"})
    result = Engine([spec_from_module(module, "test")]).audit(load_paths([CLEAN_BUNDLE]))
    assert {f.message for f in result.findings} == {"ran"}
    assert result.missing_records == ()


def _asks_then_crashes(unit: object, options: object) -> Iterator[Problem]:
    if not unit.month.batch.provided("visits"):  # type: ignore[attr-defined]
        raise RuntimeError("boom")
    yield from ()


def test_a_kind_a_crashing_check_asked_for_is_noted_against_it_and_the_asker_is_reset():
    from bhi_audit.context import ASKING_CHECK, build_batch
    from bhi_audit.engine import Engine
    from bhi_audit.findings import Outcome
    from bhi_audit.loaders import load_paths

    from conftest import CLEAN_BUNDLE

    module = make_module(check=_asks_then_crashes, CODES={"99484"})
    batch = build_batch(load_paths([CLEAN_BUNDLE]))
    partial = Engine([spec_from_module(module, "test")]).audit_partition(batch)
    assert partial.missing == {"visits": {"ACME-RULE-001"}}
    assert {f.outcome for f in partial.findings} == {Outcome.INTERNAL_ERROR}
    assert {status for _, _, status in partial.evaluations} == {"internal-error"}
    assert ASKING_CHECK.get() is None


# ------------------------------------------------------------------ the docstring grammar


def test_optional_sections_are_parsed_and_indented_prose_stays_in_its_section():
    doc = (
        DOC
        + "  Who: indented prose that looks like a label stays in Fails.\n"
        + "Not verifiable: a month the records cover only in part.\n"
        + "Options: ``floor`` moves the threshold.\n"
        + "Data: the pair in acme.toml.\n"
    )
    _, sections = parse_docstring(doc)
    assert sections["Fails"] == (
        "a dirty claim. Who: indented prose that looks like a label stays in Fails."
    )
    assert sections["Not verifiable"] == "a month the records cover only in part."
    assert sections["Options"] == "``floor`` moves the threshold."
    assert sections["Data"] == "the pair in acme.toml."
    assert sections["Source"] == "Acme payer manual §1 (synthetic)."


GRAMMAR = {
    "unknown-label": (
        DOC.replace("Passes:", "Pair data: acme.toml.\nPasses:"),
        "docstring line 6: unknown section 'Pair data' (sections: Why, Source, Passes, Fails, "
        "Options, Not verifiable, Data; indent prose that starts with 'Word:')",
    ),
    "label-with-a-qualifier": (
        DOC + "Passes (G0512): 2025-06.\n",
        "docstring line 8: unknown section 'Passes (G0512)'",
    ),
    "prose-label-at-column-0": (
        DOC.replace("Why: because", "Why: because\nRight to stop: at month end;"),
        "docstring line 4: unknown section 'Right to stop'",
    ),
    "text-before-the-first-section": (
        DOC.replace("\n\nWhy:", "\n\nQualifying visits are E/M.\n\nWhy:"),
        "docstring line 3: text before the first section ('Qualifying visits are E/M.'); "
        "the requirement is one line, the rest goes into a section",
    ),
    "two-line-requirement": (
        DOC.replace("required.\n", "required\nand continued.\n"),
        "docstring line 2: text before the first section ('and continued.')",
    ),
    "section-given-twice": (
        DOC + "Source: another manual.\n",
        "docstring line 8: section 'Source' given twice",
    ),
}


@pytest.mark.parametrize(("doc", "message"), GRAMMAR.values(), ids=GRAMMAR.keys())
def test_the_docstring_grammar_is_closed(doc, message):
    with pytest.raises(ConfigError) as caught:
        spec_from_module(make_module(doc=doc), "checks-dir x.py")
    assert str(caught.value).startswith("check module acme_mod (checks-dir x.py): " + message)


def test_every_builtin_docstring_follows_the_grammar_and_pair_data_is_not_source():
    for spec in load_registry(plugins=False).specs:
        assert "Pair data" not in spec.source, spec.id
        assert "toml" not in spec.source, spec.id
    registry = load_registry(plugins=False)
    assert (
        registry.get("BHI-INIT-001")
        .sections["Why"]
        .startswith("qualifying visits are office/outpatient E/M (99202-99215)")
    )
    assert registry.get("BHI-EXCL-002").sections["Data"] == (
        "the pair in bhi_audit/policy/exclusivity.toml."
    )
    assert (
        registry.get("BHI-EXCL-004")
        .sections["Not verifiable"]
        .startswith("99494 with no base in the records")
    )
