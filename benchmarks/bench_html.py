"""Benchmark: render 10,000 findings to HTML; report seconds and file size (not a test).

Usage: python benchmarks/bench_html.py [--findings N] [--browser]

The findings are synthetic copies of the sample bundle's findings spread over many patients and
claims, so the page has as many patient-month groups as a large practice's month would have.
With --browser, the page is also opened in Debian's chromium (via Playwright) to time loading
it and applying a severity filter, i.e. whether the file stays usable.
"""

from __future__ import annotations

import argparse
import io
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


def time_in_browser(path: Path) -> tuple[float, float]:
    """Seconds to load the page, and to apply a severity filter, in headless chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        page = browser.new_page()
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=300_000)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        page.select_option("#f-severity", "warning")
        page.locator("#f-shown").inner_text()
        filtered = time.perf_counter() - start
        browser.close()
    return loaded, filtered


def main() -> None:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--browser", action="store_true", help="also time it in chromium")
    args = parser.parse_args()

    result = synthetic_result(args.findings)
    html.render(result, io.StringIO())  # warm up: template compilation is a one-off
    timings = []
    for _ in range(3):
        out = io.StringIO()
        start = time.perf_counter()
        html.render(result, out)
        timings.append(time.perf_counter() - start)
    page = out.getvalue()
    size = len(page.encode("utf-8"))
    print(f"findings:        {len(result.findings)}")
    print(f"render seconds:  best {min(timings):.2f}, worst {max(timings):.2f} (3 runs)")
    print(f"file size:       {size / 1_000_000:.1f} MB ({size} bytes)")
    if args.browser:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.html"
            path.write_text(page, encoding="utf-8")
            loaded, filtered = time_in_browser(path)
        print(f"chromium load:   {loaded:.2f} s")
        print(f"severity filter: {filtered:.2f} s")


if __name__ == "__main__":
    main()
