"""Write every output whole or not at all, and never over an input.

Why: a report, a baseline or a generated practice that is half-written (Ctrl-C, a full disk,
two runs writing one path) or written over the claims being audited loses data silently.
Every file bhi-audit writes goes through :func:`atomic_output`: the text goes to a temporary
file in the same folder, which is renamed over the target only once it is complete (a rename
within one folder is atomic on POSIX and Windows). :func:`check_outputs` refuses, before
anything is read or written, an output that is an input or lies inside an input folder, two
outputs on one path, and an output whose folder is missing or not writable.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from bhi_audit.errors import InputErrors, OutputError


def _real(path: Path) -> Path:
    """``path`` with symlinks resolved (also for a file that does not exist yet)."""
    return Path(os.path.realpath(path))


def _is_special(path: Path) -> bool:
    """Whether ``path`` exists and is neither a file nor a folder (``/dev/full``, a FIFO)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _new_file_mode(target: Path) -> int:
    """The mode ``open(target, "w")`` would leave: the old file's, else 0o666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _cannot_write(path: Path, exc: OSError) -> OutputError:
    return OutputError(str(path), f"cannot write output ({exc.strerror or exc})")


@contextmanager
def atomic_output(path: Path) -> Iterator[IO[str]]:
    """A UTF-8 text stream whose content replaces ``path`` only when the block completes.

    On any exception (including KeyboardInterrupt) the temporary file is removed and ``path``
    keeps its previous content. A path that is not a regular file (a terminal, a pipe,
    ``/dev/full``) is written in place, since it cannot be renamed over. Characters UTF-8
    cannot encode (lone surrogates in a file name) are written as ``\\udXXX`` escapes rather
    than stopping the write. Any OSError becomes an :class:`OutputError` naming ``path``.
    """
    target = _real(path)
    if _is_special(target):
        with _write_errors(path):
            stream = target.open("w", encoding="utf-8", newline="\n", errors="backslashreplace")
        with _write_errors(path), stream:
            yield stream
        return
    with _write_errors(path):
        fd, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
    try:
        with _write_errors(path):
            stream = os.fdopen(fd, "w", encoding="utf-8", newline="\n", errors="backslashreplace")
        with _write_errors(path):
            with stream:
                yield stream
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, _new_file_mode(target))
            os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def _write_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def output_problems(outputs: Sequence[Path], inputs: Iterable[Path]) -> list[OutputError]:
    """Why each output may not be written: over an input, twice, or into a missing folder."""
    sources = [(given, _real(given)) for given in inputs]
    problems: list[OutputError] = []
    seen: dict[Path, Path] = {}
    for output in outputs:
        target = _real(output)
        for given, source in sources:
            if source.is_dir() and _inside(target, source):
                message = f"output lies inside the input folder {given}"
            elif target == source or _same_file(target, source):
                message = f"output is the input {given}"
            else:
                continue
            problems.append(OutputError(str(output), f"{message}; choose another path"))
            break
        else:
            if target in seen:
                problems.append(
                    OutputError(str(output), f"output named twice (also {seen[target]})")
                )
                continue
            seen[target] = output
            problem = _unwritable(target)
            if problem:
                problems.append(OutputError(str(output), problem))
    return problems


def _unwritable(target: Path) -> str | None:
    """Why ``target`` cannot be written, as far as can be told without writing."""
    if target.is_dir():
        return "cannot write output (is a folder)"
    if _is_special(target):
        return None if os.access(target, os.W_OK) else "cannot write output (not writable)"
    folder = target.parent
    if not folder.is_dir():
        return "cannot write output (no such folder)"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "cannot write output (folder not writable)"
    return None


def check_outputs(outputs: Sequence[Path], inputs: Iterable[Path]) -> None:
    """Raise every :func:`output_problems` at once (exit 2), before anything is written."""
    problems = output_problems(outputs, inputs)
    if problems:
        raise InputErrors(list(problems))
