import os

import pytest
from hypothesis import HealthCheck, settings

# Modest by default so the suite stays quick on 2 cores; benchmarks/ and
# HYPOTHESIS_PROFILE=thorough run more examples.
settings.register_profile("default", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def one_torch_thread():
    """The lab's nets are tiny: one torch thread is what the lab itself uses on the CPU."""
    import torch

    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(saved)
