"""The schemas the reports are validated against are in the repository, unchanged copies of
the files tests/schemas/SOURCES.md names, so a fresh clone runs every schema test."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def listed_digests() -> dict[str, str]:
    text = (SCHEMAS / "SOURCES.md").read_text(encoding="utf-8")
    block = text.split("## SHA-256", 1)[1]
    return {name: digest for digest, name in re.findall(r"^([0-9a-f]{64})\s+(\S+)$", block, re.M)}


def test_every_schema_is_the_copy_sources_md_names():
    digests = listed_digests()
    assert set(digests) == {
        "sarif-schema-2.1.0.json",
        "junit-10-jenkins-xunit.xsd",
        "junit-windyroad-JUnit.xsd",
    }
    for name, digest in digests.items():
        assert hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest() == digest, name


def test_licences_are_kept_beside_them():
    assert "Apache License" in (SCHEMAS / "licenses" / "Apache-2.0.txt").read_text("utf-8")
    assert "OASIS" in (SCHEMAS / "licenses" / "oasis-sarif-spec-LICENSE.md").read_text("utf-8")
    assert "The MIT License" in (SCHEMAS / "junit-10-jenkins-xunit.xsd").read_text("utf-8")


def test_the_schema_tests_read_the_repository_copy(schemas):
    if os.environ.get("BHI_AUDIT_SCHEMAS"):
        pytest.skip("BHI_AUDIT_SCHEMAS points the schema tests at another copy")
    assert schemas.resolve() == SCHEMAS.resolve()
