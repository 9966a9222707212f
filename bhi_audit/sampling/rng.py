"""The random-number stream behind every sample: SHA-256 in counter mode, fully specified.

Why not ``random`` or numpy: a replay must draw the same units years later, on another machine,
with another Python. Python guarantees only ``random.random()``'s sequence across versions, not
``randrange`` or ``sample``; numpy keeps ``PCG64``'s bit stream but not its ``Generator``
methods. An extrapolation whose stored seed did not regenerate its sample has collapsed on
appeal (rulebook §11.2), so the stream here is defined by this page alone and can be recomputed
in any language that has SHA-256:

- the ``k``-th 64-bit number (``k`` = 0, 1, 2, …) of stream ``label`` under seed ``seed`` is the
  first 8 bytes, read big-endian, of
  ``SHA-256("bhi-audit-sample-v1" NUL seed NUL label NUL k as 8 bytes big-endian)``, where
  ``seed`` is the decimal seed and ``label`` the stratum's label, both UTF-8;
- a whole number below ``n`` takes the next number ``x`` of the stream and returns ``x mod n``,
  unless ``x`` falls in the incomplete last block (``x >= 2**64 - 2**64 mod n``), in which case
  it is discarded and the next one is taken (rejection sampling: no value is favoured).

The generator's name and version (:data:`GENERATOR`) are written into every sample file.
"""

from __future__ import annotations

import hashlib

#: Name and version of this stream, recorded in every sample file.
GENERATOR = "bhi-audit-sha256-v1"
_DOMAIN = b"bhi-audit-sample-v1"
_SPAN = 1 << 64


class Stream:
    """One numbered stream of 64-bit numbers for a seed and a label (a stratum)."""

    def __init__(self, seed: int, label: str) -> None:
        self._prefix = b"\0".join((_DOMAIN, str(seed).encode("utf-8"), label.encode("utf-8"), b""))
        self.counter = 0

    def next64(self) -> int:
        """The next 64-bit number of the stream."""
        block = self._prefix + self.counter.to_bytes(8, "big")
        self.counter += 1
        return int.from_bytes(hashlib.sha256(block).digest()[:8], "big")

    def below(self, n: int) -> int:
        """A whole number in ``[0, n)``, every value equally likely (rejection sampling)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        limit = _SPAN - _SPAN % n
        while True:
            value = self.next64()
            if value < limit:
                return value % n
