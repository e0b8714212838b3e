# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from odoo.tests import HttpCase, tagged

from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.job import Job

from .common import ConnectorTestMixin
from .fake_service import event_body, sign


@tagged("post_install", "-at_install")
class TestWebhook(ConnectorTestMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service()
        cls.backend = cls._make_backend(cls.env)

    def _post(self, body, signature=None, backend=None, service="test"):
        backend = backend or self.backend
        headers = {"Content-Type": "application/json"}
        if signature is not False:
            headers["X-Test-Signature"] = signature or sign(body)
        return self.url_open(
            f"/connector/{service}/{backend.id}/webhook", data=body, headers=headers
        )

    def _events(self, backend=None):
        backend = backend or self.backend
        return self.env["connector.event"].search(
            [("backend_model", "=", backend._name), ("backend_id", "=", backend.id)]
        )

    def _run_jobs(self):
        jobs = self.env["queue.job"].search(
            [("state", "=", "pending"), ("method_name", "=", "job_process_event")],
            order="id",
        )
        for record in jobs:
            RunJobController._runjob(self.env, Job.load(self.env, record.uuid))
        return jobs

    def test_same_event_three_times_is_one_event_one_record(self):
        self.service.put("cus_w1", "Webhook Ada", 100)
        body = event_body("evt_1", "cus_w1", int(time.time()))
        answers = [self._post(body) for __ in range(3)]
        self.assertEqual([a.status_code for a in answers], [200, 200, 200])
        self.assertEqual(
            [a.json()["status"] for a in answers],
            ["accepted", "duplicate", "duplicate"],
        )
        event = self._events()
        self.assertEqual(len(event), 1)
        self.assertEqual(
            (event.event_type, event.object_ref, event.state),
            ("customer.updated", "cus_w1", "pending"),
        )
        jobs = self.env["queue.job"].search(
            [("identity_key", "=", f"connector.event,{event.id}")]
        )
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.channel, "root.connector.test")
        self._run_jobs()
        self.assertEqual(event.state, "done")
        binding = self._bindings("cus_w1")
        self.assertEqual(len(binding), 1)
        self.assertEqual(binding.name, "Webhook Ada")
        self.assertEqual(self._audit(action="create").event_id, event)

    def test_out_of_order_events_leave_newest_state(self):
        now = int(time.time())
        self.service.put("cus_w2", "Version 2", 200)
        newer = event_body("evt_new", "cus_w2", now, name="Version 2")
        older = event_body("evt_old", "cus_w2", now - 60, name="Version 1")
        self.assertEqual(self._post(newer).status_code, 200)
        self._run_jobs()
        self.service.put("cus_w2", "Version 1", 100)  # a stale replica answers
        self.assertEqual(self._post(older).status_code, 200)
        self._run_jobs()
        events = {e.source_event_id: e for e in self._events()}
        self.assertEqual(events["evt_new"].state, "done")
        self.assertEqual(events["evt_old"].state, "superseded")
        self.assertEqual(self._bindings("cus_w2").name, "Version 2")

    def test_refused_requests_store_nothing(self):
        body = event_body("evt_bad", "cus_x", int(time.time()))
        stale = sign(body, timestamp=time.time() - 3600)
        cases = {
            "forged": self._post(body, signature=sign(body, secret="whsec_wrong")),
            "tampered": self._post(body + b" ", signature=sign(body)),
            "stale": self._post(body, signature=stale),
            "unsigned": self._post(body, signature=False),
            "garbage": self._post(body, signature="t=abc,v1=zzz"),
        }
        for name, answer in cases.items():
            self.assertEqual(answer.status_code, 403, name)
        no_secret = self._make_backend(self.env, webhook_secret=False, name="No secret")
        self.assertEqual(self._post(body, backend=no_secret).status_code, 403)
        self.assertFalse(self._events() | self._events(no_secret))
        self.assertFalse(
            self.env["queue.job"].search([("method_name", "=", "job_process_event")])
        )

    def test_unknown_backend_or_service_is_404(self):
        body = event_body("evt_404", "cus_x", int(time.time()))
        self.assertEqual(self._post(body, service="nope").status_code, 404)
        missing = self.backend.browse(999999)
        self.assertEqual(self._post(body, backend=missing).status_code, 404)
        self.assertEqual(
            self.url_open(f"/connector/test/{self.backend.id}/webhook").status_code, 405
        )

    def test_malformed_json_after_valid_signature_is_400(self):
        body = b'{"id": "evt_broken", '
        answer = self._post(body)
        self.assertEqual(answer.status_code, 400)
        self.assertFalse(self._events())
        exception = self.env["connector.exception"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("exception_class", "=", "payload_invalid"),
            ]
        )
        self.assertEqual(len(exception), 1)

    def test_unknown_event_type_is_ignored_not_failed(self):
        body = event_body(
            "evt_odd", "cus_x", int(time.time()), event_type="invoice.paid"
        )
        answer = self._post(body)
        self.assertEqual(answer.json()["status"], "ignored")
        self.assertEqual(self._events().state, "ignored")
        self.assertFalse(self._run_jobs())

    def test_backend_resolved_by_id_not_first(self):
        other = self._make_backend(self.env, name="Second account")
        self.service.put("cus_w3", "Second", 1)
        body = event_body("evt_b2", "cus_w3", int(time.time()))
        self.assertEqual(self._post(body, backend=other).status_code, 200)
        self.assertFalse(self._events())
        self.assertEqual(len(self._events(other)), 1)
