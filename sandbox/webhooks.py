"""Background webhook delivery with retries and injectable delivery faults.

Real services deliver webhooks late, twice, out of order, or not at all while the
receiver is down, and retry with backoff. The dispatcher reproduces those cases on
demand (see ``Faults``) so the connector's inbox and backfill can be tested against
them. Signing is the caller's job: each service builds its own headers, optionally
as a callable so every attempt is signed with a fresh timestamp (as Stripe does).
"""

import heapq
import itertools
import logging
import threading
import time
import urllib.error
import urllib.request
from collections import deque

from .faults import Faults

_logger = logging.getLogger(__name__)

SHUFFLE_WINDOW = 0.3  # seconds of random hold per delivery while shuffling


class WebhookDispatcher:
    """One worker thread draining a due-time heap of deliveries."""

    COUNTERS = (
        "sent",
        "delivered",
        "failed_attempts",
        "dropped",
        "duplicated",
        "gave_up",
    )

    def __init__(
        self, faults=None, max_attempts=6, backoff=0.1, max_backoff=2.0, timeout=5.0
    ):
        self.faults = faults or Faults()
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self._cond = threading.Condition()
        self._heap = []
        self._seq = itertools.count()
        self._inflight = 0
        self._thread = None
        self._stopping = False
        self.log = deque(maxlen=1000)
        self.reset_counters()

    # -- public API ------------------------------------------------------------
    def deliver(self, url, body, headers, key=None):
        """Queue one delivery; drop/duplicate/shuffle faults are decided here."""
        with self._cond:
            self.counters["sent"] += 1
        if self.faults.roll(self.faults.webhook_drop_rate):
            self._count("dropped")
            self.log.append({"key": key, "url": url, "status": "dropped"})
            return
        copies = 1
        if self.faults.roll(self.faults.webhook_duplicate_rate):
            self._count("duplicated")
            copies = 2
        for _ in range(copies):
            delay = 0.0
            if self.faults.webhook_shuffle:
                delay = self.faults.uniform(0, SHUFFLE_WINDOW)
            self._push(time.monotonic() + delay, (url, body, headers, key, 1))

    def flush(self, timeout=10.0):
        """Wait until nothing is queued or in flight; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._heap or self._inflight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))
        return True

    def stats(self):
        with self._cond:
            return dict(self.counters, pending=len(self._heap) + self._inflight)

    def reset_counters(self):
        with self._cond:
            self.counters = dict.fromkeys(self.COUNTERS, 0)
            self.log.clear()

    def clear(self):
        """Forget queued deliveries (used by server reset)."""
        with self._cond:
            self._heap.clear()
            self._cond.notify_all()

    def start(self):
        if self._thread and self._thread.is_alive():
            return self
        self._stopping = False
        self._thread = threading.Thread(
            target=self._run, name="sandbox-webhooks", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread:
            self._thread.join(timeout=self.timeout + 1)

    # -- worker ----------------------------------------------------------------
    def _push(self, due, item):
        with self._cond:
            heapq.heappush(self._heap, (due, next(self._seq), item))
            self._cond.notify_all()

    def _count(self, name):
        with self._cond:
            self.counters[name] += 1

    def _next(self):
        with self._cond:
            while not self._stopping:
                if self._heap:
                    wait = self._heap[0][0] - time.monotonic()
                    if wait <= 0:
                        self._inflight += 1
                        return heapq.heappop(self._heap)[2]
                    self._cond.wait(wait)
                else:
                    self._cond.wait()
            return None

    def _run(self):
        while True:
            item = self._next()
            if item is None:
                return
            try:
                self._attempt(*item)
            except Exception:  # a bug here must not kill the worker thread
                _logger.exception("webhook delivery crashed")
            finally:
                with self._cond:
                    self._inflight -= 1
                    self._cond.notify_all()

    def _attempt(self, url, body, headers, key, attempt):
        status = self._post(url, body, headers)
        self.log.append({"key": key, "url": url, "status": status, "attempt": attempt})
        if isinstance(status, int) and 200 <= status < 300:
            self._count("delivered")
            return
        self._count("failed_attempts")
        if attempt >= self.max_attempts:
            self._count("gave_up")
            return
        delay = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
        self._push(time.monotonic() + delay, (url, body, headers, key, attempt + 1))

    def _post(self, url, body, headers):
        """HTTP status, or a short string describing why no status came back."""
        if self.faults.webhooks_down(time.time()):
            return "down"
        headers = headers() if callable(headers) else dict(headers)
        headers.setdefault("Content-Type", "application/json")
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except (OSError, ValueError) as exc:
            return f"error: {exc}"
