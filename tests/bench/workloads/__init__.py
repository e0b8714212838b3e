"""Benchmark workloads: one module per integration, same interface.

``run.py --workload NAME`` imports ``tests/bench/workloads/NAME.py`` and uses its
``Workload`` class. See ``connector_test.py`` for the interface and
docs/benchmarks.md ("Adding a workload") for the Stripe invoice backfill.
"""

import importlib


def load(name):
    return importlib.import_module(f"workloads.{name}").Workload()
