"""Per-minute request budgets: the account's plan limit and the export limit.

Zendesk counts requests per account in one-minute windows (700/min on Enterprise,
200 to 2500 depending on plan and add-ons) and, separately, allows 10 requests per
minute to each incremental export endpoint. The window is fixed per minute so
``ratelimit-reset`` and ``Retry-After`` are simply the seconds left in it.
"""

import math
import threading
import time


class Window:
    """A fixed one-minute budget."""

    def __init__(self, limit, period=60.0, clock=time.monotonic):
        self.limit = int(limit)
        self.period = period
        self.clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self._start = self.clock()
            self._used = 0

    def _roll(self):
        now = self.clock()
        if now - self._start >= self.period:
            elapsed = now - self._start
            self._start += (elapsed // self.period) * self.period
            self._used = 0
        return now

    def take(self):
        """Spend one request; ``(allowed, remaining, reset_seconds)``."""
        with self._lock:
            now = self._roll()
            allowed = self._used < self.limit
            if allowed:
                self._used += 1
            return allowed, self.limit - self._used, self._reset_in(now)

    def peek(self):
        with self._lock:
            now = self._roll()
            return self.limit - self._used, self._reset_in(now)

    def _reset_in(self, now):
        return max(1, math.ceil(self._start + self.period - now))


def headers(limit, remaining, reset):
    """The account-wide headers Zendesk sends on every API response."""
    return {
        "X-Rate-Limit": str(limit),
        "X-Rate-Limit-Remaining": str(remaining),
        "ratelimit-limit": str(limit),
        "ratelimit-remaining": str(remaining),
        "ratelimit-reset": str(reset),
    }


class Limits:
    """The account window plus one window per incremental export endpoint."""

    def __init__(self, plan_limit=700, export_limit=10, period=60.0):
        self.plan_limit = plan_limit
        self.export_limit = export_limit
        self.period = period
        self.reset()

    def reset(self):
        self.account = Window(self.plan_limit, self.period)
        self.exports = {}

    def configure(self, plan_limit=None, export_limit=None):
        """Change the budgets (tests and the demo); windows restart."""
        if plan_limit is not None:
            self.plan_limit = int(plan_limit)
        if export_limit is not None:
            self.export_limit = int(export_limit)
        self.reset()

    def export_window(self, endpoint):
        if endpoint not in self.exports:
            self.exports[endpoint] = Window(self.export_limit, self.period)
        return self.exports[endpoint]

    def current_headers(self):
        remaining, reset = self.account.peek()
        return headers(self.plan_limit, remaining, reset)
