"""Fault switches shared by every sandbox server.

The switches are plain attributes so tests can flip them at run time (from Python or
through ``POST /_sandbox/faults``) while requests are in flight. Every random draw
goes through one seeded ``random.Random`` under a lock, so a run with the same seed
and the same request order injects the same faults: flaky tests stay reproducible.
"""

import random
import threading

DEFAULTS = {
    "rate_429": 0.0,
    "retry_after": 1,
    "rate_5xx": 0.0,
    "latency_ms": 0,
    "rate_timeout": 0.0,
    "timeout_seconds": 30.0,
    "webhook_drop_rate": 0.0,
    "webhook_duplicate_rate": 0.0,
    "webhook_shuffle": False,
    "webhook_down_until": 0.0,
}


class Faults:
    """Thread-safe, run-time switchable fault configuration with a seeded RNG."""

    rate_429 = 0.0
    retry_after = 1
    rate_5xx = 0.0
    latency_ms = 0
    rate_timeout = 0.0
    timeout_seconds = 30.0
    webhook_drop_rate = 0.0
    webhook_duplicate_rate = 0.0
    webhook_shuffle = False
    webhook_down_until = 0.0

    def __init__(self, seed=0, **kw):
        self._lock = threading.Lock()
        self._seed = seed
        self._rng = random.Random(seed)
        self.reset()
        self.update(**kw)

    def update(self, **kw):
        """Set switches by name; unknown names raise so typos do not pass silently."""
        unknown = set(kw) - set(DEFAULTS)
        if unknown:
            raise ValueError(f"unknown fault switch(es): {', '.join(sorted(unknown))}")
        with self._lock:
            for name, value in kw.items():
                setattr(self, name, _coerce(DEFAULTS[name], value))
        return self

    def reset(self):
        """All switches back to 'no faults'; the RNG restarts from the seed."""
        with self._lock:
            for name, value in DEFAULTS.items():
                setattr(self, name, value)
            self._rng = random.Random(self._seed)
        return self

    def as_dict(self):
        with self._lock:
            return {name: getattr(self, name) for name in DEFAULTS}

    def roll(self, rate):
        """True with probability ``rate`` (0 never draws, 1 always fires)."""
        if rate <= 0:
            return False
        if rate >= 1:
            return True
        with self._lock:
            return self._rng.random() < rate

    def uniform(self, low, high):
        with self._lock:
            return self._rng.uniform(low, high)

    def webhooks_down(self, now):
        return now < self.webhook_down_until


def _coerce(default, value):
    """Cast to the default's type; JSON callers may send "false" or 1 for a bool."""
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return bool(value)
    return type(default)(value)
