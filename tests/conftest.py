import os

from hypothesis import HealthCheck, settings

# Modest by default so the suite stays quick on 2 cores; benchmarks/ and
# HYPOTHESIS_PROFILE=thorough run more examples.
settings.register_profile("default", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
