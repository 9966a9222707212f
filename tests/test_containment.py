"""A check can never turn a failing run into a pass, or hang it (docs/security.md, section 2).

Every test runs the real CLI in a real process (``python -m bhi_audit check``) with a plugin
check written here that misbehaves on one patient: exiting, raising what ``except Exception``
misses, killing its worker, or waiting to be interrupted. Each process has a timeout, so a
regression to a hang fails the test instead of blocking the suite; nothing asserts speed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bhi_audit.context import partition_of

from conftest import CLEAN_BUNDLE, REPO, SAMPLE, run_audit, sample_partition_size

#: Generous: the machine may be busy; only a hang should ever reach it.
TIMEOUT = 240

PLUGIN = '''"""Test plugin: misbehaves on patient {patient}.

Why: a synthetic check for the containment tests (docs/security.md, section 2).
Source: none; a synthetic test plugin.
Passes: every other patient.
Fails: patient {patient}, where it misbehaves instead of yielding.
"""

import os
import signal
import sys
import time
from pathlib import Path

ID = "TEST-CONTAIN-001"
NAME = "misbehaving-check"
SCOPE = "patient"
DEFAULT_SEVERITY = "error"


def check(unit, options):
    """Misbehave on one patient."""
    if unit.patient_id == {patient!r}:
        {action}
    yield from ()
'''

SLEEP_ACTION = "Path({marker!r}).touch()\n        time.sleep(600)"


def write_plugin(tmp_path: Path, action: str, patient: str) -> Path:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "misbehaving.py").write_text(
        PLUGIN.format(patient=patient, action=action), encoding="utf-8"
    )
    return plugins


def command(tmp_path: Path, bundle: Path, action: str, patient: str, *args: str) -> list[str]:
    plugins = write_plugin(tmp_path, action, patient)
    report = tmp_path / "report.json"
    return [
        sys.executable,
        "-m",
        "bhi_audit",
        "check",
        str(bundle),
        "--checks-dir",
        str(plugins),
        "--format",
        "json",
        "-o",
        str(report),
        *args,
    ]


def environment() -> dict[str, str]:
    """This tree first on the path, so the process runs the code under test."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def run_cli(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in its own process group; on a timeout kill the whole group and fail.

    Why the group: a regression that hangs must not leave its worker processes behind.
    """
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
        cwd=cwd,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def run(tmp_path: Path, bundle: Path, action: str, patient: str, *args: str):
    return run_cli(command(tmp_path, bundle, action, patient, *args), tmp_path)


def internal_errors(report: Path) -> list[tuple[str, str, str, str]]:
    document = json.loads(report.read_text(encoding="utf-8"))
    return [
        (f["check_id"], f["unit"], f["severity"], f["message"])
        for f in document["findings"]
        if f["outcome"] == "internal-error"
    ]


# ------------------------------------------------------------------ a check's call is contained

CONTAINED = [
    ("sys.exit(0)", "SystemExit: 0"),
    ("raise SystemExit('done')", "SystemExit: done"),
    ("raise GeneratorExit", "GeneratorExit"),
    ("raise BaseExceptionGroup('two', [SystemExit(0), ValueError('x')])", None),
    (
        "raise type('Odd', (Exception,), {'__str__': lambda self: 1 / 0})()",
        "Odd: <the exception's message could not be shown>",
    ),
]


@pytest.mark.parametrize(("action", "described"), CONTAINED, ids=[c[0] for c in CONTAINED])
def test_a_check_that_exits_or_raises_a_base_exception_fails_the_run(tmp_path, action, described):
    # P1 of the clean bundle: without the plugin this run exits 0 with no finding.
    result = run(tmp_path, CLEAN_BUNDLE, action, "P1")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    [(check_id, unit, severity, message)] = internal_errors(tmp_path / "report.json")
    assert (check_id, unit, severity) == ("TEST-CONTAIN-001", "P1", "error")
    if described is None:  # an exception group's text lists its members; pin its start
        described = "BaseExceptionGroup: two (2 sub-exceptions)"
    assert message == (
        f"internal error in check TEST-CONTAIN-001 on claim C1: {described} "
        "(the check did not run; please report this)"
    )


def test_a_plugin_that_exits_while_imported_is_a_usage_error(tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "exits.py").write_text("import sys\nsys.exit(0)\n", encoding="utf-8")
    result = run_cli(
        [
            sys.executable,
            "-m",
            "bhi_audit",
            "check",
            str(CLEAN_BUNDLE),
            "--checks-dir",
            str(plugins),
        ],
        tmp_path,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"bhi-audit: error: {plugins / 'exits.py'}: failed to import: SystemExit: 0\n"
    )


# ------------------------------------------------------------------ Ctrl-C


INTERRUPTS = [
    "raise KeyboardInterrupt",
    "raise BaseExceptionGroup('two', [ValueError('x'), KeyboardInterrupt()])",
]


@pytest.mark.parametrize("action", INTERRUPTS)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_check_raising_keyboard_interrupt_stops_the_run_with_130(tmp_path, jobs, action):
    # NOTE: with --jobs 2, P001's partition (2 of 2) is audited in a worker process.
    result = run(tmp_path, SAMPLE, action, "P001", "--jobs", jobs)
    assert (result.returncode, result.stdout, result.stderr) == (
        130,
        "",
        "bhi-audit: interrupted\n",
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "plugins"]


@contextmanager
def asleep_in_the_audit(
    tmp_path: Path, jobs: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    """The CLI in a new session, once its plugin sleeps on P001 (mid-audit); killed at the end.

    Why a new session: a signal to its whole process group is what a terminal's Ctrl-C does,
    so that with --jobs 2 the workers receive it too.
    """
    marker = tmp_path / "sleeping"
    process = subprocess.Popen(
        command(tmp_path, SAMPLE, SLEEP_ACTION.format(marker=str(marker)), "P001", "--jobs", jobs),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env or environment(),
        cwd=tmp_path,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the plugin never reached the marker patient"
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_during_the_audit_exits_130_without_traceback_or_report(tmp_path, jobs):
    with asleep_in_the_audit(tmp_path, jobs) as process:
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert (process.returncode, stdout, stderr) == (130, "", "bhi-audit: interrupted\n")
    assert not (tmp_path / "report.json").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigterm_during_the_audit_removes_the_temporary_files_and_exits_143(tmp_path, jobs):
    # NOTE: what a scheduler or a pipeline's timeout sends to the command it started. The
    # input's records are filed in the temporary folder while the run lasts (bhi_audit/
    # spill.py); they must go with the run, as after Ctrl-C (bhi_audit/termination.py).
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    private = {**environment(), "TMPDIR": str(temporary)}
    with asleep_in_the_audit(tmp_path, jobs, private) as process:
        left = sorted(p.name.rsplit("-", 1)[0] for p in temporary.iterdir())
        assert left == ["bhi-audit-evaluations", "bhi-audit-spill"], "what the run writes there"
        process.send_signal(signal.SIGTERM)  # NOTE: the parent only, as `kill PID` does
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert (process.returncode, stdout, stderr) == (143, "", "bhi-audit: terminated\n")
    assert list(temporary.iterdir()) == []
    assert not (tmp_path / "report.json").exists()


# ------------------------------------------------------------------ a dead worker under --jobs

DEAD_WORKERS = [
    ("os._exit(0)", "its worker process exited (code 0) without returning a result"),
    ("os._exit(3)", "its worker process exited (code 3) without returning a result"),
    ("os.kill(os.getpid(), signal.SIGKILL)", "its worker process was killed by SIGKILL"),
]


@pytest.mark.parametrize(("action", "reason"), DEAD_WORKERS, ids=[d[0] for d in DEAD_WORKERS])
def test_a_dead_worker_fails_the_run_naming_its_partition(tmp_path, action, reason):
    # P001 is in partition 2 of 2 (1-based); the message counts that partition's patients.
    assert partition_of("P001", 2) == 1
    held = sample_partition_size(1)
    result = run(tmp_path, SAMPLE, action, "P001", "--jobs", "2")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    report = tmp_path / "report.json"
    assert internal_errors(report) == [
        (
            "BHI-ENGINE",
            "partition 2 of 2",
            "error",
            f"internal error: partition 2 of 2 ({held} patients) was not audited: {reason} "
            "(its findings are missing; please report this)",
        )
    ]
    document = json.loads(report.read_text(encoding="utf-8"))
    assert "P001" not in json.dumps(
        [f for f in document["findings"] if f["check_id"] == "BHI-ENGINE"]
    )
    assert document["per_check"]["BHI-ENGINE"]["internal_errors"] == 1
    assert document["totals"]["internal_errors"] == 1
    # partition 1 (and the batch-scope checks) were audited and merged as usual; nothing of 2
    healthy = run_audit(SAMPLE)
    assert {
        (f["check_id"], f["unit"], f["message"])
        for f in document["findings"]
        if f["check_id"] != "BHI-ENGINE"
    } == {
        (f.check_id, f.unit, f.message)
        for f in healthy.findings
        if f.patient_id is None or partition_of(f.patient_id, 2) == 0
    }
