"""SIGTERM stops a run as Ctrl-C does: temporary files removed, one line, a clear exit code.

Why: ``check`` files the input, patients' records included, into a private temporary
directory (bhi_audit/spill.py) and removes it when the command ends. A pipeline or a job
scheduler stops a run with SIGTERM, whose default action ends the process at once, with no
``finally`` and no ``call_on_close``: the records stayed in the temporary folder. Turned into
an exception in the main thread, SIGTERM unwinds the run like Ctrl-C instead, and every
cleanup on the way runs. SIGKILL cannot be caught; docs/security.md says what it leaves.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: Exit code after SIGTERM: 128 + 15, as shells report a process that SIGTERM ended.
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived. A KeyboardInterrupt, so that every place that lets the user's stop
    through (the engine, the ``--jobs`` workers) lets this one through too, and no check's
    ``except Exception`` can swallow it."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread.

    Only where the default action would apply: a caller that ignores SIGTERM or handles it
    itself (an embedding program, a test runner) keeps its own choice.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
