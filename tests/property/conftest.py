"""Hypothesis profiles: a fixed seed and a bounded budget in CI, a long random run on request.

`ci` (the default) is derandomized, so every run tries the same inputs and a failure
reproduces; each test keeps its own `max_examples`. `long` is chosen by setting
DERIVGEN_FUZZ_EXAMPLES (the fuzzers in test_fuzz.py then try that many inputs each, from
fresh random seeds); README.md, "Troubleshooting", gives the command and its figures.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, database=None)
settings.register_profile(
    "long",
    derandomize=False,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile("long" if os.environ.get("DERIVGEN_FUZZ_EXAMPLES") else "ci")
