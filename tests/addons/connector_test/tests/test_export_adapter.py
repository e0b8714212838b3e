# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import TransactionCase, tagged

from odoo.addons.connector_base.exceptions import (
    AuthenticationFailed,
    ConnectorRetryableError,
    RateLimited,
)
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ConnectorTestMixin


@tagged("post_install", "-at_install")
class TestExportAndAdapter(ConnectorTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service()
        cls.backend = cls._make_backend(cls.env)

    def _new_binding(self, name="Grace"):
        binding = (
            self.env["connector.test.partner"]
            .with_context(connector_no_export=True)
            .create({"backend_id": self.backend.id, "name": name, "email": "g@x.org"})
        )
        return binding.with_context(connector_no_export=False)

    def test_export_creates_once_when_the_answer_is_lost(self):
        binding = self._new_binding()
        self.service.drop_after_create = True  # created remotely, answer lost
        with self.assertRaises(ConnectorRetryableError):
            binding.job_export_record("create")
        self.assertEqual(len(self.service.customers), 1)
        self.assertFalse(binding.external_id)
        self.service.drop_after_create = False
        binding.job_export_record("create")  # the queue_job retry
        self.assertEqual(len(self.service.customers), 1)
        remote = next(iter(self.service.customers.values()))
        self.assertEqual(binding.external_id, remote["id"])
        self.assertEqual(remote["name"], "Grace")
        audit = self._audit(direction="export", action="create")
        self.assertEqual(len(audit.idempotency_key), 40)
        self.assertEqual(
            self.service.idempotency[audit.idempotency_key]["id"], remote["id"]
        )

        self.assertEqual(binding.job_export_record(), "skipped: unchanged")

    def test_write_trigger_enqueues_one_export(self):
        binding = self._new_binding()
        binding.job_export_record("create")
        with trap_jobs() as trap:
            binding.write({"name": "Grace Hopper"})
            binding.write({"phone": "123"})
            trap.assert_jobs_count(1, only=binding.job_export_record)
        binding.write({"name": "Grace Hopper"})
        binding.write({"phone": "123"})
        jobs = self.env["queue.job"].search(
            [("identity_key", "=", f"{binding._name},{binding.id},update")]
        )
        self.assertEqual(len(jobs), 1, "identity_key dedupes pending exports")
        self.assertEqual(jobs.channel, "root.connector.test")

    def test_export_ownership_and_preview(self):
        binding = self._new_binding()
        self.env["connector.ownership"].create(
            {
                "model_id": self.env.ref("base.model_res_partner").id,
                "field_id": self.env.ref("base.field_res_partner__email").id,
                "owner": "test",
            }
        )
        self.backend.preview_mode = True
        binding.job_export_record("create")
        self.assertFalse(self.service.customers)
        self.assertEqual(self._audit(action="preview").blocked_fields, "email")
        self.backend.preview_mode = False
        binding.job_export_record("create")
        remote = next(iter(self.service.customers.values()))
        self.assertNotIn("email", remote)

    def test_rate_budget_makes_jobs_wait(self):
        self.backend.rate_limit_per_minute = 2
        adapter = self.backend._get_adapter()
        adapter.test_connection(self.backend)
        adapter.test_connection(self.backend)
        with self.assertRaises(RateLimited) as caught:
            adapter.test_connection(self.backend)
        self.assertGreater(caught.exception.seconds, 0)
        self.assertLessEqual(caught.exception.seconds, 61)

    def test_test_connection(self):
        action = self.backend.action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.backend.state, "connected")
        self.backend.api_key = "sk_test_wrong"
        with self.assertRaises(UserError) as caught:
            self.backend.action_test_connection()
        self.assertIn("API key", str(caught.exception))
        with self.assertRaises(AuthenticationFailed):
            self.backend._get_adapter().test_connection(self.backend)

    def test_server_errors_are_retryable(self):
        self.service.faults.update(rate_5xx=1.0)
        with self.assertRaises(ConnectorRetryableError):
            self.env["connector.test.partner"].job_import_record(self.backend, "c1")

    def test_webhook_url_and_neutralize(self):
        base = self.env["ir.config_parameter"].get_param("web.base.url")
        self.assertEqual(
            self.backend.webhook_url, f"{base}/connector/test/{self.backend.id}/webhook"
        )
        for query in get_neutralization_queries(["connector_base"]):
            self.env.cr.execute(query)
        self.backend.invalidate_recordset()
        self.assertFalse(self.backend.api_key)
        self.assertFalse(self.backend.webhook_secret)
        self.assertEqual(self.backend.state, "draft")
