"""Helpers for the gating tests: a writable copy of the fixture bundle and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BUNDLE = FIXTURES / "bundle"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary project directory (the working directory) holding ``claims/``.

    The bundle: P1 and P4 short of minutes (BHI-TIME-001, error), P2 without consent
    (BHI-CONS-001, error), P3 clean; all 99484 in 2026-03.
    """
    shutil.copytree(BUNDLE, tmp_path / "claims")
    monkeypatch.chdir(tmp_path)
    return tmp_path
