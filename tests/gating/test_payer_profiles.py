"""Payer profiles: named severity/option defaults (bhi_audit/policy/payers.toml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bhi_audit.cli import main
from bhi_audit.config import payer_profiles
from bhi_audit.registry import load_registry

from conftest import REPO

FIXTURES = REPO / "tests" / "checks" / "fixtures"
ADDON_THREE = FIXTURES / "units_over_mue_fallback" / "fail_addon_three_units.json"


def audit(runner, tmp_path, config, document, *extra):
    config_file = tmp_path / "bhi-audit.toml"
    config_file.write_text(config, encoding="utf-8")
    target = tmp_path / "batch.json"
    target.write_text(Path(document).read_text(encoding="utf-8"), encoding="utf-8")
    # NOTE: configuration is never found from the audited file's folder: name it.
    args = ["check", str(target), "--config", str(config_file), "--format", "json", *extra]
    result = runner.invoke(main, args)
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else None, result


@pytest.mark.parametrize(
    ("payer", "findings"),
    [("medicare", 1), ("nc-medicaid", 0)],
    ids=["medicare-2-units", "nc-medicaid-4-units"],
)
def test_profile_sets_option_defaults(runner, tmp_path, payer, findings):
    _, document, _ = audit(
        runner, tmp_path, f'payer = "{payer}"\n', ADDON_THREE, "--select", "BHI-NCCI-002"
    )
    assert len(document["findings"]) == findings
    assert document["config"]["payer"] == payer


def test_project_options_win_over_the_profile(runner, tmp_path):
    config = 'payer = "nc-medicaid"\n[options.BHI-NCCI-002]\naddon_units_per_month = 2\n'
    _, document, _ = audit(runner, tmp_path, config, ADDON_THREE, "--select", "BHI-NCCI-002")
    assert len(document["findings"]) == 1
    assert document["config"]["options"]["BHI-NCCI-002"]["addon_units_per_month"] == 2


def test_strict_profile_raises_the_different_practitioner_case_to_error(runner, tmp_path):
    fixture = FIXTURES / "bhi_with_cocm_same_month" / "fail_different_practitioners.json"
    _, document, _ = audit(
        runner, tmp_path, 'payer = "medicare-strict"\n', fixture, "--select", "BHI-EXCL-001"
    )
    assert {f["severity"] for f in document["findings"]} == {"error"}


def test_unknown_payer_is_a_config_error(runner, tmp_path):
    code, _, result = audit(runner, tmp_path, 'payer = "acme-health"\n', ADDON_THREE)
    assert code == 2
    assert "payer: unknown payer profile 'acme-health'" in result.stderr


def test_every_profile_names_real_checks_options_and_variants():
    registry = load_registry(plugins=False)
    for name, profile in payer_profiles().items():
        for key, values in profile.options.items():
            spec = registry.get(key)
            assert spec.options_model is not None, name
            spec.options_model.model_validate(values)
        for key in profile.severity:
            check, _, variant = key.partition(":")
            spec = registry.get(check)
            assert not variant or variant in spec.severities, (name, key)
