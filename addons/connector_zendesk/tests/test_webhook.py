# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import hmac
import json
import random
import uuid
from datetime import UTC, datetime, timedelta

from odoo.tests import HttpCase, tagged

from .common import SECRET, ZendeskMixin


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@tagged("post_install", "-at_install")
class TestWebhook(ZendeskMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_zendesk()
        cls.partner = cls.env["res.partner"].create(
            {"name": "Hooked", "is_company": True}
        )

    def setUp(self):
        super().setUp()
        self.server.seed(
            0, random.Random(3), users=5, tickets=3,
            organization_external_ids=[self.backend._partner_xid(self.partner.id)],
        )  # fmt: skip

    def _event(self, ticket_id, kind="ticket.status_changed"):
        return {
            "type": f"zen:event-type:{kind}",
            "account_id": 1,
            "id": str(uuid.uuid4()),
            "time": _iso(datetime.now(UTC)),
            "zendesk_event_version": "2022-11-06",
            "subject": f"zen:ticket:{ticket_id}",
            "detail": {"id": str(ticket_id)},
            "event": {"current": "open", "previous": "new"},
        }

    def _post(self, payload, secret=SECRET, age=0, signature=None, timestamp=None):
        body = json.dumps(payload).encode()
        stamp = timestamp or _iso(datetime.now(UTC) - timedelta(seconds=age))
        digest = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256)
        headers = {
            "Content-Type": "application/json",
            "X-Zendesk-Webhook-Signature-Timestamp": stamp,
            "X-Zendesk-Webhook-Signature": signature
            or base64.b64encode(digest.digest()).decode(),
        }
        url = f"/connector/zendesk/{self.backend.id}/webhook"
        return self.url_open(url, data=body, headers=headers)

    def _events(self):
        return self.env["connector.event"].search(
            [
                ("backend_model", "=", "zendesk.backend"),
                ("backend_id", "=", self.backend.id),
            ]
        )

    def test_forged_stale_missing_are_refused(self):
        payload = self._event(1)
        self.assertEqual(self._post(payload, secret="wrong").status_code, 403)
        self.assertEqual(self._post(payload, age=3600).status_code, 403)
        self.assertEqual(self._post(payload, signature="Zm9yZ2Vk").status_code, 403)
        self.assertEqual(self._post(payload, timestamp="not-a-time").status_code, 403)
        self.assertFalse(self._events())
        self.assertFalse(self.env["zendesk.ticket"].search([]))

    def test_valid_event_imports_ticket(self):
        payload = self._event(2)
        response = self._post(payload)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._post(payload).json()["status"], "duplicate")
        event = self._events()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.event_type, "ticket.status_changed")
        self.backend.job_process_event(event)
        self.assertEqual(event.state, "done")
        ticket = self.env["zendesk.ticket"].search([("external_id", "=", "2")])
        row = self.server.domain.store.get("ticket", 2)
        self.assertEqual(ticket.name, row["subject"])
        self.assertEqual(ticket.status, row["status"])
        self.assertEqual(ticket.partner_id, self.partner)
        # an update in Zendesk, then its webhook: the ticket follows
        self.server.domain.update("ticket", 2, {"status": "hold", "priority": "urgent"})
        update = self._event(2)
        self.assertEqual(self._post(update).status_code, 200)
        self.backend.job_process_event(self._events()[0])
        self.assertEqual((ticket.status, ticket.priority), ("hold", "urgent"))
        # deletion archives, never deletes
        self.assertEqual(
            self._post(self._event(2, "ticket.soft_deleted")).status_code, 200
        )
        self.backend.job_process_event(self._events()[0])
        self.assertFalse(ticket.active)
        self.assertTrue(ticket.exists())

    def test_merges_archive_never_delete(self):
        self.assertEqual(self._post(self._event(1)).status_code, 200)
        self.backend.job_process_event(self._events()[0])
        ticket = self.env["zendesk.ticket"].search([("external_id", "=", "1")])
        self.assertTrue(ticket.active)
        self.assertEqual(self._post(self._event(1, "ticket.merged")).status_code, 200)
        self.backend.job_process_event(self._events()[0])
        self.assertFalse(ticket.active)
        contact = self.env["res.partner"].create(
            {
                "name": "Merged contact",
                "parent_id": self.partner.id,
                "email": "m@x.test",
            }
        )
        user = self.env["zendesk.user"].create(
            {"backend_id": self.backend.id, "odoo_id": contact.id, "external_id": "77"}
        )
        payload = dict(self._event(77, "user.deleted"), subject="zen:user:77")
        self.assertEqual(self._post(payload).status_code, 200)
        self.backend.job_process_event(self._events()[0])
        self.assertFalse(user.active)
        self.assertTrue(contact.active)

    def test_unknown_event_is_stored_as_ignored(self):
        payload = dict(self._event(1, "organization.tags_changed"))
        self.assertEqual(self._post(payload).json()["status"], "ignored")
        self.assertEqual(self._events().state, "ignored")
