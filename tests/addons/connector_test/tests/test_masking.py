# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import json
import logging
import time

from odoo.tests import HttpCase, tagged

from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ConnectorTestMixin
from .fake_service import API_KEY, WEBHOOK_SECRET, event_body, sign


@tagged("post_install", "-at_install")
class TestNoSecretLeaks(ConnectorTestMixin, HttpCase):
    """Run a full sync + webhook + export flow with DEBUG logs captured, then
    grep the logs and every stored row for the known secrets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service()
        cls.backend = cls._make_backend(cls.env)

    def _capture_logs(self):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setLevel(logging.DEBUG)
        root = logging.getLogger()
        previous = {
            name: logging.getLogger(name).level
            for name in (
                "odoo.addons.connector_base",
                "odoo.addons.connector_test",
                "odoo.addons.queue_job",
                "urllib3",
            )
        }
        root.addHandler(handler)
        for name in previous:
            logging.getLogger(name).setLevel(logging.DEBUG)

        def restore():
            root.removeHandler(handler)
            for name, level in previous.items():
                logging.getLogger(name).setLevel(level)

        self.addCleanup(restore)
        return stream

    def _flow(self):
        self.backend.action_test_connection()
        self.service.put("cus_m1", "Masked", 1, metadata={"api_token": API_KEY})
        with trap_jobs() as trap:
            self.backend.job_pull_page("customers")
            trap.perform_enqueued_jobs()
        body = event_body(
            "evt_m1",
            "cus_m1",
            int(time.time()),
            secret_note=WEBHOOK_SECRET,
            authorization=f"Bearer {API_KEY}",
        )
        self.assertEqual(
            self.url_open(
                f"/connector/test/{self.backend.id}/webhook",
                data=body,
                headers={"X-Test-Signature": sign(body)},
            ).status_code,
            200,
        )
        self.url_open(
            f"/connector/test/{self.backend.id}/webhook",
            data=b"{broken " + API_KEY.encode(),
            headers={"X-Test-Signature": sign(b"{broken " + API_KEY.encode())},
        )
        for record in self.env["queue.job"].search([("state", "=", "pending")]):
            RunJobController._runjob(self.env, Job.load(self.env, record.uuid))
        binding = self._bindings("cus_m1")
        binding.with_delay().job_export_record("update")
        self.backend.api_key = "sk_test_WRONGKEY0042"
        self.env["connector.test.partner"].job_import_record(self.backend, "cus_m1")
        self.backend.api_key = API_KEY

    def _stored_text(self):
        texts = []
        for model, fields in {
            "connector.event": ["payload", "result", "event_type"],
            "connector.audit.line": [
                "match_decision",
                "changed_fields",
                "idempotency_key",
            ],
            "connector.exception": ["name", "payload"],
        }.items():
            texts += [
                json.dumps(row, default=str)
                for row in self.env[model].search([]).read(fields)
            ]
        for job in self.env["queue.job"].search([]):
            texts.append(
                json.dumps(
                    [
                        job.args,
                        job.kwargs,
                        job.name,
                        job.func_string,
                        job.result,
                        job.exc_info,
                    ],
                    default=str,
                )
            )
        return "\n".join(texts)

    def test_secrets_never_in_logs_or_rows(self):
        stream = self._capture_logs()
        self._flow()
        logs = stream.getvalue()
        stored = self._stored_text()
        self.assertIn("cus_m1", stored, "the flow stored rows to grep")
        self.assertTrue(
            self.env["connector.exception"].search(
                [("exception_class", "=", "authentication_failed")]
            )
        )
        for secret in (API_KEY, WEBHOOK_SECRET, "sk_test_WRONGKEY0042"):
            self.assertNotIn(secret, logs)
            self.assertNotIn(secret, stored)
