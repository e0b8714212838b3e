"""The org's daily API allocation, reported in ``/limits`` and ``Sforce-Limit-Info``.

Tests shrink the allocation (admin endpoint or ``server.limits.set``) to watch a
connector hit REQUEST_LIMIT_EXCEEDED (403, as Salesforce answers for the daily cap)
and recover after ``reset``.
"""

import threading

from .errors import SalesforceError


class ApiLimits:
    def __init__(self, daily_max=100_000):
        self._lock = threading.Lock()
        self.default_max = daily_max
        self.max, self.used, self.bulk_jobs = daily_max, 0, 0

    def consume(self):
        """Count one API call, or refuse it when the allocation is spent."""
        with self._lock:
            if self.used >= self.max:
                raise SalesforceError(
                    "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", 403
                )
            self.used += 1

    def header(self):
        return f"api-usage={self.used}/{self.max}"

    def set(self, daily_max=None, used=None):
        with self._lock:
            if daily_max is not None:
                self.max = int(daily_max)
            if used is not None:
                self.used = int(used)

    def reset(self):
        with self._lock:
            self.max, self.used, self.bulk_jobs = self.default_max, 0, 0

    def as_dict(self):
        with self._lock:
            used, daily_max = self.used, self.max
        return {
            "DailyApiRequests": {"Max": daily_max, "Remaining": daily_max - used},
            "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000 - self.bulk_jobs},
            "DailyBulkV2QueryFileStorageMB": {"Max": 976562, "Remaining": 976562},
            "DataStorageMB": {"Max": 1024, "Remaining": 1000},
            "ConcurrentAsyncGetReportInstances": {"Max": 200, "Remaining": 200},
        }
