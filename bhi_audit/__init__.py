"""bhi-audit: audit Medicare Behavioral Health Integration claims before they are submitted."""

__version__ = "0.1.0"

#: The revision of ``shared/domain/bhi-rules.md`` that the built-in checks and policy data follow.
RULEBOOK_VERSION = "bhi-rules rev. 2026-12-02"
