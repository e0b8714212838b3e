# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import random
import time

from odoo.tests import HttpCase, tagged

from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.job import Job

from .common import StripeCase, sign

WEBHOOK_SIZES = {
    "customers": 6,
    "subscriptions": 2,
    "invoices": 14,
    "payments": 10,
    "refunds": 2,
    "disputes": 0,
    "credit_notes": 2,
    "payouts": 0,
}


@tagged("post_install", "-at_install")
class TestWebhook(StripeCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stripe()
        cls.server.seed(0, random.Random(21), webhooks=True, **WEBHOOK_SIZES)
        cls._map_taxes()
        cls.events = sorted(
            cls._all_events(), key=lambda event: (event["created"], event["id"])
        )

    @classmethod
    def _all_events(cls):
        return [
            event.to_dict()
            for event in cls.client.events.list(
                params={"limit": 100}
            ).auto_paging_iter()
        ]

    def _post(self, body, signature=None):
        headers = {"Content-Type": "application/json"}
        if signature is not False:
            headers["Stripe-Signature"] = signature or sign(body)
        return self.url_open(
            f"/connector/stripe/{self.backend.id}/webhook", data=body, headers=headers
        )

    def _run_jobs(self):
        jobs = self.env["queue.job"].search(
            [("state", "=", "pending"), ("method_name", "=", "job_process_event")],
            order="id",
        )
        for record in jobs:
            RunJobController._runjob(self.env, Job.load(self.env, record.uuid))
        return jobs

    def _inbox(self):
        return self.env["connector.event"].search(
            [
                ("backend_model", "=", "stripe.backend"),
                ("backend_id", "=", self.backend.id),
            ]
        )

    def test_signature_checks_fail_closed(self):
        body = json.dumps(self.events[0], default=str).encode()
        cases = {
            "forged": sign(body, secret="whsec_wrong"),
            "stale": sign(body, timestamp=time.time() - 3600),
            "garbage": "t=abc,v1=zzz",
            "no v1": f"t={int(time.time())}",
        }
        for name, signature in cases.items():
            self.assertEqual(self._post(body, signature).status_code, 403, name)
        self.assertEqual(self._post(body, signature=False).status_code, 403)
        self.assertEqual(self._post(body + b" ", sign(body)).status_code, 403)
        self.backend.webhook_secret = False
        self.assertEqual(self._post(body).status_code, 403)
        self.assertFalse(self._inbox())

    def test_lost_webhooks_then_pull_converge_and_replays_change_nothing(self):
        rng = random.Random(3)
        delivered = [event for event in self.events if rng.random() >= 0.1]
        self.assertLess(len(delivered), len(self.events))
        for event in delivered:
            answer = self._post(json.dumps(event, default=str).encode())
            self.assertEqual(answer.status_code, 200, answer.text)
        self._run_jobs()
        self.backend.with_context(queue_job__no_delay=True).action_pull_events()
        inbox = self._inbox()
        self.assertEqual(len(inbox), len(self.events))
        self.assertFalse(inbox.filtered(lambda e: e.state in ("pending", "failed")))
        self.assertFalse(self._exceptions().mapped("name"))
        expected = self._stripe_receivables()
        self.assertTrue(expected)
        self.assertEqual(self._odoo_receivables(), expected)
        moves = self.env["account.move"].search_count([])
        # every event delivered three more times, shuffled: all duplicates
        replay = list(self.events) * 3
        rng.shuffle(replay)
        answers = {
            self._post(json.dumps(event, default=str).encode()).json()["status"]
            for event in replay
        }
        self.assertEqual(answers, {"duplicate"})
        self.assertFalse(self._run_jobs())
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(self._odoo_receivables(), expected)
