"""Shared helpers of the fault suite (in-process cases, real Odoo + sandbox).

The fake API is connector_test's ``FakeTestService`` (sandbox core, loopback);
faults are the sandbox's switches (``service.faults.update(...)``). Jobs are
run the way queue_job's runner runs them, one transaction each (a savepoint
here), and a ``RetryableJobError`` makes the job run again (immediately: the
wait queue_job would add is not what is tested).
"""

import importlib.util
import random
from pathlib import Path

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

FAKE = (
    Path(__file__).resolve().parents[1] / "addons/connector_test/tests/fake_service.py"
)
_spec = importlib.util.spec_from_file_location("connector_test_fake_fault", FAKE)
fake = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fake)

MAX_ATTEMPTS = 60


class LossyService(fake.FakeTestService):
    """The fake, whose answer to a create is lost at ``lose_create_rate``
    (the customer *is* created remotely, the client sees a dropped connection)."""

    lose_create_rate = 0.0

    def __init__(self, **kw):
        super().__init__(**kw)
        self.lost_creates = 0
        self._loss_rng = random.Random(7)

    def _create(self, request):
        response = super()._create(request)
        if self._loss_rng.random() < self.lose_create_rate:
            self.lost_creates += 1
            return None  # the core drops the connection
        return response


def report(title, **figures):
    """Print what a case injected and what it counted (shown with pytest -s)."""
    line = ", ".join(f"{key}={value}" for key, value in figures.items())
    print(f"\n[fault] {title}: {line}")


class FaultMixin:
    @classmethod
    def _start_service(cls, **kw):
        cls.service = LossyService(**kw).start()
        cls.addClassCleanup(cls.service.stop)

    @classmethod
    def _make_backend(cls, env, **extra):
        return env["connector.test.backend"].create(
            {
                "name": "Fault service",
                "base_url": cls.service.url,
                "api_key": fake.API_KEY,
                "webhook_secret": fake.WEBHOOK_SECRET,
                "api_version": "2024-01-01",
                "rate_limit_per_minute": 0,
                "request_timeout": 1,
                "state": "connected",
                **extra,
            }
        )

    def setUp(self):
        super().setUp()
        self.service.customers.clear()
        self.service.idempotency.clear()
        self.service.faults.reset()
        self.service.lose_create_rate = 0.0
        self.service._reset_stats()
        self.retries = 0

    def _seed(self, count, updated=1000, prefix="cus_"):
        for index in range(count):
            self.service.put(
                f"{prefix}{index:05d}",
                f"Customer {index}",
                updated,
                email=f"c{index}@x.org",
            )

    def _bindings(self, backend=None):
        backend = backend or self.backend
        return (
            self.env["connector.test.partner"]
            .with_context(active_test=False)
            .search([("backend_id", "=", backend.id)])
        )

    def _perform(self, func):
        """Run ``func`` like a job: own savepoint, retried while retryable."""
        for __ in range(MAX_ATTEMPTS):
            try:
                with self.env.cr.savepoint():
                    return func()
            except RetryableJobError:
                self.retries += 1
                self.env.invalidate_all()
        raise AssertionError(f"still failing after {MAX_ATTEMPTS} attempts")

    def _drain(self, first):
        """Run ``first`` and every job it enqueues (page chains), with retries."""
        with trap_jobs() as trap:
            self._perform(first)
            while trap.enqueued_jobs:
                jobs = list(trap.enqueued_jobs)
                trap.enqueued_jobs.clear()
                for job in jobs:
                    self._perform(job.perform)

    def _pull(self, backend=None):
        backend = backend or self.backend
        self._drain(lambda: backend.job_pull_page("customers"))

    def assert_converged(self, backend=None):
        """Every remote customer is in Odoo once, with the remote name."""
        bindings = self._bindings(backend)
        names = {b.external_id: b.name for b in bindings}
        remote = {cid: c["name"] for cid, c in self.service.customers.items()}
        self.assertEqual(len(bindings), len(names), "duplicate bindings")
        self.assertEqual(names, remote)
        partners = bindings.mapped("odoo_id")
        self.assertEqual(len(partners), len(bindings), "two bindings share a partner")
        return len(bindings)
