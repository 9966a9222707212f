"""Benchmark: render 10,000 findings to HTML; report seconds and file size (not a test).

Usage: python benchmarks/bench_html.py [--findings N] [--runs N] [--browser]

The findings are synthetic copies of the sample bundle's findings spread over many patients and
claims, so the page has as many patient-month groups as a large practice's month would have.
Render time is the median of --runs renders after a warm-up. With --browser, the page is also
opened --runs times in Debian's chromium (via Playwright, a fresh page each time) and the
browser's own clock gives the open time: DOMContentLoaded (the script has run, filters work)
and first contentful paint (the first screen is visible), plus the time to apply a severity
filter, i.e. whether the file stays usable. Medians are printed; docs/performance.md quotes
them.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bhi_audit.engine import Engine  # noqa: E402
from bhi_audit.loaders import load_paths  # noqa: E402
from bhi_audit.registry import load_registry  # noqa: E402
from bhi_audit.reporters import html  # noqa: E402
from bhi_audit.result import AuditResult, Evaluation  # noqa: E402

SAMPLE = REPO / "tests" / "reporters" / "fixtures" / "sample.json"


def synthetic_result(count: int) -> AuditResult:
    """The sample's audit, its findings copied across patients until there are ``count``."""
    base = Engine(load_registry(plugins=False).select([])).audit(load_paths([SAMPLE]))
    findings = []
    evaluations = []
    copy = 0
    while len(findings) < count:
        copy += 1
        for finding in base.findings:
            if len(findings) == count:
                break
            patient = f"P{copy:06d}"
            unit = f"{patient} {finding.month}"
            findings.append(
                finding.model_copy(
                    update={
                        "patient_id": patient,
                        "claim_id": f"C{copy:06d}-{finding.claim_id}",
                        "unit": unit,
                    }
                )
            )
            evaluations.append(Evaluation(check_id=finding.check_id, unit=unit, status="failed"))
    return base.model_copy(
        update={
            "findings": tuple(sorted(findings, key=lambda f: f.sort_key)),
            "evaluations": tuple(sorted(set(evaluations), key=lambda e: (e.check_id, e.unit))),
        }
    )


#: The page's own timings, from the Performance API (milliseconds since navigation start).
TIMINGS_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {dom: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          paint: paint ? paint.startTime : -1};
}"""


def time_in_browser(path: Path, runs: int) -> dict[str, list[float]]:
    """Per run, in seconds: DOMContentLoaded, first contentful paint, load, severity filter."""
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[float]] = {"dom": [], "paint": [], "load": [], "filter": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(path.as_uri(), wait_until="load", timeout=300_000)
            measured = page.evaluate(TIMINGS_JS)
            for key in ("dom", "paint", "load"):
                timings[key].append(measured[key] / 1000)
            start = time.perf_counter()
            page.select_option("#f-severity", "warning")
            page.locator("#f-shown").inner_text()
            timings["filter"].append(time.perf_counter() - start)
            page.close()
        browser.close()
    return timings


def main() -> None:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="renders (and page opens) to time")
    parser.add_argument("--browser", action="store_true", help="also time it in chromium")
    args = parser.parse_args()

    result = synthetic_result(args.findings)
    html.render(result, io.StringIO())  # warm up: template compilation is a one-off
    timings = []
    for _ in range(args.runs):
        out = io.StringIO()
        start = time.perf_counter()
        html.render(result, out)
        timings.append(time.perf_counter() - start)
    page = out.getvalue()
    size = len(page.encode("utf-8"))
    print(f"findings:         {len(result.findings)}")
    print(
        f"render seconds:   median {statistics.median(timings):.2f} "
        f"(best {min(timings):.2f}, worst {max(timings):.2f}; {args.runs} runs)"
    )
    print(f"file size:        {size / 1_000_000:.1f} MB ({size} bytes)")
    if args.browser:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.html"
            path.write_text(page, encoding="utf-8")
            opened = time_in_browser(path, args.runs)
        for key, label in (
            ("dom", "DOMContentLoaded"),
            ("paint", "first paint"),
            ("load", "load"),
            ("filter", "severity filter"),
        ):
            values = opened[key]
            print(
                f"{label + ':':<17} median {statistics.median(values):.2f} s "
                f"(best {min(values):.2f}, worst {max(values):.2f})"
            )


if __name__ == "__main__":
    main()
