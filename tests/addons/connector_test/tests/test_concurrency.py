# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Real concurrency: committed data, two PostgreSQL connections, two threads.

A TransactionCase cursor alone cannot show a race, so these tests open their
own cursors (``db_connect``), commit, and delete what they committed.
"""

import threading
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

from odoo.addons.connector_base.exceptions import ConcurrentUpdate
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.job import Job

from .common import ConnectorTestMixin


@tagged("post_install", "-at_install")
class TestConcurrency(ConnectorTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service()

    @contextmanager
    def _real_env(self):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def setUp(self):
        super().setUp()
        with self._real_env() as env:
            self.backend_id = self._make_backend(env).id
            env.cr.commit()
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self._real_env() as env:
            backend = env["connector.test.backend"].browse(self.backend_id)
            bindings = backend.binding_ids
            partners = bindings.odoo_id
            domain = [
                ("backend_model", "=", backend._name),
                ("backend_id", "=", backend.id),
            ]
            for model in ("connector.audit.line", "connector.exception"):
                env[model].search(domain).unlink()
            env["queue.job"].search([("model_name", "like", "connector.test")]).unlink()
            bindings.unlink()
            partners.unlink()
            backend.unlink()
            env.cr.commit()

    def _import_in_thread(self, results, barrier):
        barrier.wait()
        with self._real_env() as env:
            backend = env["connector.test.backend"].browse(self.backend_id)
            try:
                results.append(
                    env["connector.test.partner"].job_import_record(backend, "cus_race")
                )
                env.cr.commit()
            except ConcurrentUpdate as err:
                env.cr.rollback()
                results.append(err)

    def _race(self):
        results, barrier = [], threading.Barrier(2)
        threads = [
            threading.Thread(target=self._import_in_thread, args=(results, barrier))
            for __ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        return results

    def _count(self):
        with self._real_env() as env:
            bindings = env["connector.test.partner"].search(
                [("backend_id", "=", self.backend_id), ("external_id", "=", "cus_race")]
            )
            partners = env["res.partner"].search_count([("name", "=", "Racer")])
            return len(bindings), partners

    def test_two_concurrent_imports_make_one_record(self):
        self.service.put("cus_race", "Racer", 10)
        self.service.read_delay = 0.5  # both jobs are in flight together
        results = self._race()
        self.assertEqual(len(results), 2)
        self.assertEqual(sum(isinstance(r, ConcurrentUpdate) for r in results), 1)
        self.assertEqual(self._count(), (1, 1))

    def test_unique_constraint_backs_up_the_lock(self):
        """Even with the advisory lock bypassed, the loser retries, no duplicate."""
        self.service.put("cus_race", "Racer", 10)
        self.service.read_delay = 0.3
        lock_model = type(self.env["connector.lock"])
        with patch.object(lock_model, "_acquire_or_retry", lambda *a, **k: None):
            results = self._race()
        self.assertEqual(sum(isinstance(r, ConcurrentUpdate) for r in results), 1)
        self.assertEqual(self._count(), (1, 1))

    def test_429_retry_after_schedules_the_retry(self):
        self.service.faults.update(rate_429=1.0, retry_after=120)
        with self._real_env() as env:
            backend = env["connector.test.backend"].browse(self.backend_id)
            # A future eta keeps the job runner out: pytest-odoo starts Odoo's
            # threaded server, queue_job starts its runner with it, and the runner
            # would otherwise race this test for the committed job.
            delayed = (
                env["connector.test.partner"]
                .with_delay(eta=timedelta(hours=1))
                .job_import_record(backend, "cus_429")
            )
            env.cr.commit()
            job = Job.load(env, delayed.uuid)
            started = fields.Datetime.now()
            RunJobController._runjob(env, job)
        with self._real_env() as env:
            stored = env["queue.job"].search([("uuid", "=", delayed.uuid)])
            self.assertEqual(stored.state, "pending")
            self.assertEqual(stored.retry, 1)
            self.assertEqual(stored.channel, "root.connector.test")
            self.assertGreaterEqual(stored.eta, started + timedelta(seconds=119))
            self.assertFalse(
                env["connector.test.partner"].search(
                    [("backend_id", "=", self.backend_id)]
                )
            )
