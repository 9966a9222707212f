"""The small exception hierarchy of bhi-audit.

Why: user-facing problems (unusable input, bad configuration) must reach the CLI as one clear
line each (``path:row: field: message``) and exit code 2; they are converted in one place
(``cli.py``). Bugs inside checks are *not* exceptions that escape: the engine turns them into
internal-error findings.
"""

from __future__ import annotations


class BhiAuditError(Exception):
    """Base class of every error bhi-audit reports to a user."""


class InputError(BhiAuditError):
    """Input that cannot be used at all: unreadable, not CSV/JSON, missing file or column."""

    def __init__(
        self,
        path: str,
        message: str,
        row: int | str | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.message = message
        self.row = row
        self.field = field
        super().__init__(str(self))

    @classmethod
    def unreadable(cls, path: str, exc: OSError) -> InputError:
        """A file the operating system would not let us read, with its reason (one wording
        for every loader)."""
        return cls(path, f"cannot read file ({exc.strerror})")

    def __str__(self) -> str:
        where = self.path if self.row is None else f"{self.path}:{self.row}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}"


class InputErrors(BhiAuditError):
    """Several input errors found together, so the user can fix them all in one pass."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class ConfigError(BhiAuditError):
    """A usage or configuration problem: unknown check id, bad option value, bad plugin."""


class OutputError(InputError):
    """An output that cannot or may not be written (over an input, full disk): exit 2 too.

    Shaped like an InputError (``path: message``) so the CLI shows it the same way.
    """
