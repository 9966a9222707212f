"""docs/checks.md is generated from the registry and is never stale."""

from __future__ import annotations

import importlib.util

from bhi_audit.registry import load_registry

from conftest import REPO


def test_checks_page_is_up_to_date():
    spec = importlib.util.spec_from_file_location("gen", REPO / "scripts" / "gen_check_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render(load_registry(plugins=False).specs)
    actual = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    assert actual == expected, "run: python scripts/gen_check_docs.py"
