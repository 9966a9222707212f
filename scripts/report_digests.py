"""Print the SHA-256 of every report format for the sample practice and a generated one.

Why: a pure refactor must leave every report byte-identical. Run this on the commit before and
the commit after, and compare the two listings (``diff``): one changed line names the input and
the format that moved.

    python scripts/report_digests.py > before.txt
    git checkout <refactor> && python scripts/report_digests.py > after.txt
    diff before.txt after.txt

Every run uses a fixed ``--as-of`` and redaction key, and relative paths inside one working
folder (the sample practice is copied there), so nothing but the code can change a byte. Each
audit runs as a separate ``python -m bhi_audit`` process from the current checkout.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FORMATS = ("text", "json", "html", "junit", "sarif", "csv")
AS_OF = "2026-12-02"
KEY = "report-digests-fixed-key"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """``python -m bhi_audit ARGS`` with this checkout first on the path."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "BHI_AUDIT_REDACT_KEY": KEY}
    return subprocess.run(
        [sys.executable, "-m", "bhi_audit", *args], cwd=cwd, env=env, capture_output=True
    )


def digests(name: str, source: str, workdir: Path, jobs: int) -> list[str]:
    """One ``name format exit sha256`` line per report format, and one for a redacted JSON."""
    lines = []
    (workdir / "out").mkdir(exist_ok=True)
    for fmt in FORMATS:
        out = workdir / "out" / f"{name}.{fmt}"
        args = ["check", source, "--format", fmt, "-o", f"out/{name}.{fmt}", "--as-of", AS_OF]
        done = run([*args, "--jobs", str(jobs)], workdir)
        digest = hashlib.sha256(out.read_bytes()).hexdigest() if out.exists() else "missing"
        lines.append(f"{name:<10} {fmt:<6} exit={done.returncode} {digest}")
    redacted = workdir / "out" / f"{name}.redacted.json"
    args = ["check", source, "--format", "json", "--redact", "-o", f"out/{name}.redacted.json"]
    run([*args, "--as-of", AS_OF], workdir)
    digest = hashlib.sha256(redacted.read_bytes()).hexdigest() if redacted.exists() else "missing"
    lines.append(f"{name:<10} {'json --redact':<6} {digest}")
    return lines


def main() -> int:
    """Generate the practice, audit both inputs in every format, print the digests."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bhi-digests-") as temp:
        workdir = Path(temp)
        shutil.copytree(REPO / "sample_claims", workdir / "sample_claims")
        generated = run(
            [
                "generate",
                f"--patients={options.patients}",
                f"--months={options.months}",
                f"--seed={options.seed}",
                "--out=practice",
            ],
            workdir,
        )
        if generated.returncode != 0:
            sys.stderr.write(generated.stderr.decode("utf-8", "replace"))
            return 2
        lines = digests("sample", "sample_claims", workdir, options.jobs)
        lines += digests("generated", "practice", workdir, options.jobs)
    print(
        f"# {options.patients} patients x {options.months} months, seed {options.seed}, "
        f"--jobs {options.jobs}, --as-of {AS_OF}"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
