"""Shared test setup: hypothesis profiles and the repository root on sys.path."""
import os
import sys

from hypothesis import HealthCheck, settings

from ._helpers import ROOT

if os.environ.get("RUNGRAD_FAKE_CUPY") == "1":  # the GPU tests without a GPU (gpu/fake_cupy.py)
    from .gpu.fake_cupy import install
    install()

if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# `ci`: deterministic (derandomized) and small enough for 2 cores; `dev`: a wider search.
settings.register_profile("ci", max_examples=25, derandomize=True, deadline=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The scripts that made the Keras reference data run under Keras itself, not in this suite
# (--doctest-modules would import them).
collect_ignore_glob = ["nn/keras/data/*.py"]
