# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ConnectorTestMixin


@tagged("post_install", "-at_install")
class TestBatchAndCheckpoint(ConnectorTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service()
        cls.backend = cls._make_backend(cls.env)

    def _seed(self, count, updated=1000, prefix="cus_"):
        for index in range(count):
            self.service.put(f"{prefix}{index:05d}", f"Customer {index}", updated)

    def _pull(self):
        with trap_jobs() as trap:
            self.backend.job_pull_page("customers")
            while trap.enqueued_jobs:
                jobs = list(trap.enqueued_jobs)
                trap.enqueued_jobs.clear()
                for job in jobs:
                    job.perform()
        return self.env["connector.checkpoint"]._get_or_create(
            self.backend, "customers"
        )

    def test_backfill_pages_and_cursor(self):
        self._seed(250, updated=1000)
        checkpoint = self._pull()
        self.assertEqual(len(self._bindings()), 250)
        self.assertEqual(checkpoint.cursor, datetime(1970, 1, 1, 0, 16, 40))
        self.assertEqual(checkpoint.records_done, 250)
        self.assertEqual(checkpoint.state, "idle")
        self.backend.invalidate_recordset()
        self.assertEqual(self.backend.backfill_progress, 100.0)
        self.assertEqual(len(self._audit(action="create")), 250)

        # Updates (not only creations) are picked up by the next pull, and an
        # object stamped *before* the cursor but committed late (inside the
        # overlap window) is not missed.
        self.service.put("cus_late", "Late commit", 1000 - 60)
        self.service.put("cus_00008", "Renamed", 2000)
        self._pull()
        names = dict(self._bindings().mapped(lambda b: (b.external_id, b.name)))
        self.assertEqual(names["cus_late"], "Late commit")
        self.assertEqual(names["cus_00008"], "Renamed")
        self.assertEqual(len(self._bindings()), 251)
        self.assertEqual(checkpoint.cursor, datetime(1970, 1, 1, 0, 33, 20))

    def _count_queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_page_import_adds_no_query_per_record(self):
        """The pipeline costs the raw batch create plus a constant."""
        batch = self.env["connector.test.partner.batch.importer"]
        records = [{"id": f"l{i}", "name": f"N{i}", "updated": 5} for i in range(200)]
        raw = self._count_queries(
            lambda: self.env["res.partner"].create(
                [{"name": f"R{i}"} for i in range(200)]
            )
        )
        ours = self._count_queries(lambda: batch.run(self.backend, records))
        self.assertEqual(len(self._bindings()), 200)
        self.assertLess(ours - raw, 30, f"raw ORM {raw} vs pipeline {ours} queries")

    def test_page_with_bad_record_isolates_it(self):
        records = [
            {"id": "ok1", "name": "Fine", "updated": 1},
            {"id": "bad", "name": "", "updated": 1},
        ]
        result = self.env["connector.test.partner.batch.importer"].run(
            self.backend, records
        )
        self.assertEqual(result["created"], 1)
        self.assertEqual(result["failed"], 1)
        self.assertEqual(self._bindings().mapped("external_id"), ["ok1"])
        exception = self.env["connector.exception"].search(
            [("external_id", "=", "bad"), ("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(exception.exception_class, "payload_invalid")

    def test_preview_page_writes_nothing(self):
        self.backend.preview_mode = True
        self._seed(5)
        self._pull()
        self.assertFalse(self._bindings())
        self.assertEqual(len(self._audit(action="preview")), 5)

    def test_cron_enqueues_connected_backends(self):
        draft = self._make_backend(self.env, state="draft", name="Draft")
        with trap_jobs() as trap:
            self.env["connector.checkpoint"]._cron_pull_all()
            backends = {
                job.recordset
                for job in trap.enqueued_jobs
                if job.recordset._name == "connector.test.backend"
            }
        self.assertIn(self.backend, backends)
        self.assertNotIn(draft, backends)
