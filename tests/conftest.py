"""Shared test settings: Hypothesis profiles and the family-wise false-alarm budget.

Profiles (select with ``--hypothesis-profile`` or ``HYPOTHESIS_PROFILE``):
- ``ci`` (default): derandomized, so every run draws the same examples; few examples.
- ``thorough``: many random examples; run with ``--hypothesis-seed`` to vary them.

Every Monte Carlo assertion in the suite is a z-test whose threshold comes from
:func:`z_threshold`, which splits :data:`FAMILY_ALARM_RATE` over the number of
comparisons a test makes (Bonferroni), so the stated rate bounds the chance that a
correct formula fails anywhere in one test.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "thorough",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def one_torch_thread():
    """One torch thread: the tests run on 2 shared cores, where 2 spinning threads crawl."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
