"""Loading benchmark: CPU seconds to load (read, validate, keep) a bundle of CSV files.

Not a test. Loading alone, without the checks or a report, so that a change to the CSV loader
is measured apart from the audit. Run it once per version, alternating, and compare medians:

    python benchmarks/bench_csv_load.py /tmp/bench/p10000 --repeat 3

It prints the records kept and rejected and the CPU seconds (``time.process_time``) of each
repetition in this process, after the imports, and microseconds per CSV row. It loads as
``bhi-audit check`` does, with the cyclic garbage collector paused.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path


def main() -> None:
    """Load the directory ``--repeat`` times and print the CPU seconds of each load."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    from bhi_audit.cli import collector_paused
    from bhi_audit.loaders import load_paths

    seconds = []
    for _ in range(options.repeat):
        gc.collect()
        # NOTE: as `bhi-audit check` loads: with the cyclic collector paused.
        with collector_paused():
            started = time.process_time()
            bundle = load_paths([options.directory])
            seconds.append(time.process_time() - started)
        kept = sum(map(len, bundle.records.values()))
        rejected = len(bundle.rejected)
        del bundle
    rows = kept + rejected
    best = statistics.median(seconds)
    print(
        f"rows {rows} kept {kept} rejected {rejected} "
        f"cpu_s {' '.join(f'{s:.2f}' for s in seconds)} median {best:.2f} "
        f"us/row {best / rows * 1e6:.1f}"
    )


if __name__ == "__main__":
    main()
