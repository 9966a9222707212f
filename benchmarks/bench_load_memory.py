"""Memory of loading alone: RSS after each CSV file of a practice, and the load's peak.

Not a test. Why: the streamed audit (bhi_audit/spill.py) keeps one partition of records in
memory, so whatever else loading keeps grows with the input and sets the floor of ``check``'s
peak; this prints where it grows, file by file.

    python benchmarks/bench_load_memory.py /tmp/bench/p100000

The collector is paused, as ``check`` pauses it while loading. Figures are MiB of resident
memory (``/proc/self/statm``) and the process's peak (``ru_maxrss``); Linux only.
"""

from __future__ import annotations

import argparse
import gc
import resource
from pathlib import Path
from typing import Any

import bhi_audit.loaders.csv_bundle as csv_bundle
from bhi_audit.loaders import load_spilled
from bhi_audit.loaders.spill import SpillingBuilder


def resident_mib() -> int:
    """Resident memory of this process now."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() >> 20


def peak_mib() -> int:
    """The largest resident memory this process has had (kB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10


def report(what: str) -> None:
    print(f"{what:<36} {resident_mib():>8} {peak_mib():>8}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="a practice's CSV folder")
    options = parser.parse_args()
    load_file = csv_bundle.load_csv_file
    finish = SpillingBuilder.spilled

    def traced_load(path: Path, *args: Any) -> None:
        load_file(path, *args)
        report(f"after {path.name}")

    def traced_finish(builder: SpillingBuilder) -> Any:
        report("before filing waiting lines")
        return finish(builder)

    csv_bundle.load_csv_file = traced_load  # type: ignore[assignment]
    SpillingBuilder.spilled = traced_finish  # type: ignore[method-assign]
    print(f"{'':<36} {'RSS MiB':>8} {'peak MiB':>8}")
    report("start")
    gc.disable()
    spilled = load_spilled([options.directory])
    report("loaded")
    spilled.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
