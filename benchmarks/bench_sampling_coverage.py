"""Coverage of the overpayment's lower limit over repeated samples of one generated universe.

Not a test: a coverage study draws hundreds of samples and takes minutes; its result is a
number to read, not a fact to assert in CI (issue 11, "Quality").

    python benchmarks/bench_sampling_coverage.py                       # 1,000 patients, 400 draws
    python benchmarks/bench_sampling_coverage.py --patients 2000 --size 60 --draws 1000

What it does:
1. generates a practice with known injected defects (``bhi-audit generate``), with paid
   amounts when ``--paid-share`` is given;
2. frames its BHI/CoCM patient-months and appraises **every** unit (a census) from the
   audit's findings: the census's overpayment is the universe's true overpayment (the
   generator's defects are found with 100% recall and precision, tests/test_generator.py);
3. draws ``--draws`` simple random samples (seeds 1, 2, …) of ``--size`` units, and for
   each estimates the overpayment from the sampled units' census appraisals;
4. prints how often the one-sided 90% lower limit lies at or below the truth (nominal: at
   least 90%), how often the two-sided 90% interval holds it, and how often ``estimate``
   warned that its interval was doubtful.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from bhi_audit.engine import Engine
from bhi_audit.generator import GenerateSpec, generate
from bhi_audit.loaders import load_paths
from bhi_audit.registry import load_registry
from bhi_audit.sampling.appraise import appraise_sample
from bhi_audit.sampling.draw import ALL, Design, draw, read_header, sample_text
from bhi_audit.sampling.estimate import AppraisedUnit, estimate, read_appraised
from bhi_audit.sampling.frame import Frame, build_frame, digest, frame_csv


def census(directory: Path) -> tuple[dict[int, AppraisedUnit], Frame, str]:
    """Every unit's appraisal, keyed by frame number; and the frame with its digest."""
    bundle = load_paths([directory])
    result = Engine(load_registry(plugins=False).specs).audit(bundle)
    frame = build_frame(bundle)
    frame_digest = digest(frame_csv(frame))
    everything = Design(1, (ALL,), (len(frame.units),), 0, "given")
    text = sample_text(frame, "frame.csv", frame_digest, everything)
    appraised = appraise_sample(text, "census", bundle, result.findings)
    _header, units = read_appraised(appraised, "census")
    return {u.number: u for u in units}, frame, frame_digest


def main() -> int:
    """Run the study and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed")
    parser.add_argument("--defect-rate", type=float, default=0.05)
    parser.add_argument("--size", type=int, default=100, help="units per sample")
    parser.add_argument("--draws", type=int, default=400, help="samples drawn")
    parser.add_argument(
        "--paid-share",
        type=Decimal,
        default=None,
        help="generate paid amounts (this share of the allowed amount) and examine those",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bhi-coverage-") as temp:
        spec = GenerateSpec(
            patients=options.patients,
            months=options.months,
            seed=options.seed,
            defect_rate=options.defect_rate,
            paid_share=options.paid_share,
        )
        generate(spec, Path(temp) / "practice")
        by_number, frame, frame_digest = census(Path(temp) / "practice")
    truth = sum((u.overpayment for u in by_number.values()), Decimal("0.00"))
    errors = sum(1 for u in by_number.values() if u.verdict == "not-supported")
    print(
        f"universe: {len(by_number)} patient-months, {errors} not supported, true overpayment "
        f"${truth:,.2f} (census of {options.patients} patients x {options.months} months)"
    )
    below = inside = warned = 0
    for seed in range(1, options.draws + 1):
        design = Design(seed, (ALL,), (options.size,), 0, "given")
        drawn = draw(frame, design)
        header = read_header(sample_text(frame, "frame.csv", frame_digest, design), "sample")
        units = [by_number[d.unit.number] for d in drawn]
        result = estimate(header, [_as_all(u) for u in units], "sample")
        below += result.one_sided_90_lower <= truth
        inside += result.two_sided[90].lower <= truth <= result.two_sided[90].upper
        warned += bool(result.warnings)
    draws = options.draws
    print(f"{draws} simple random samples of {options.size} units (seeds 1..{draws}):")
    print(f"  one-sided 90% lower limit <= truth   {below / draws:.1%}  (nominal >= 90%)")
    print(f"  two-sided 90% interval holds truth   {inside / draws:.1%}  (nominal 90%)")
    print(f"  samples whose estimate warned        {warned / draws:.1%}")
    return 0


def _as_all(unit: AppraisedUnit) -> AppraisedUnit:
    """The census appraisal of a unit, in the sample's single stratum."""
    return AppraisedUnit("all", unit.number, unit.unit, unit.examined, unit.audited, unit.verdict)


if __name__ == "__main__":
    sys.exit(main())
