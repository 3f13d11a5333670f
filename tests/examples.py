"""How many examples a Hypothesis property tries.

`make test` (and CI) tries every property as often as its test says. `make unit` is the loop a
developer runs after every change and must stay seconds long; there each property tries a
quarter of its examples (at least 25), and a property without its own count tries 25 instead
of Hypothesis' 100. The properties are the same; only the search is shorter, and the full
search runs in every `make test`.
"""

from __future__ import annotations

import os

UNIT_LAYER = os.environ.get("FOERDERWERK_TEST_LAYER") == "unit"
UNIT_EXAMPLES = 25


def examples(full: int) -> int:
    """The number of examples for a property that tries ``full`` in the full suite."""
    return max(UNIT_EXAMPLES, full // 4) if UNIT_LAYER else full
