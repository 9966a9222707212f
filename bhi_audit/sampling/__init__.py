"""Statistical sampling for external auditors (rulebook §11): frame, draw, replay, estimate.

Why its own package: an auditor's work — number the universe, draw a reproducible random
sample, appraise it, extrapolate the overpayment — is a different job from linting a month of
claims, and its numbers must survive an appeal. Each step is a small module with one concern:

- :mod:`.frame` numbers the universe's units (patient-month, claim or line) with their
  examined amounts, and digests the frame so it can be proven unchanged;
- :mod:`.rng` is the documented, library-independent random-number stream;
- :mod:`.draw` draws simple random or stratified samples (with spares) and replays them;
- :mod:`.estimate` turns appraised units into a point estimate and confidence limits.
"""
