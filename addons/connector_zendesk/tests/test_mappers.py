# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from odoo.tests import BaseCase

from odoo.addons.connector_base.exceptions import InvalidPayload

from ..models import mappers

KEYS = {"open_balance": "open_balance", "credit_hold": "hold", "renewal_date": ""}


class TestMappers(BaseCase):
    def test_organization_payload(self):
        payload = mappers.organization_payload(
            {"id": 7, "name": "Acme", "xid": "odoo-7"},
            {
                "open_balance": 120.456,
                "credit_hold": False,
                "renewal_date": date(2025, 1, 2),
            },
            KEYS,
        )
        self.assertEqual(
            payload,
            {
                "name": "Acme",
                "external_id": "odoo-7",
                "organization_fields": {"open_balance": 120.46, "hold": False},
            },
        )

    def test_user_payload(self):
        payload = mappers.user_payload(
            {
                "name": "Ann",
                "email": "ann@x.test",
                "phone": False,
                "ref": "C1",
                "xid": "odoo-9",
            },
            "360000000001",
            {"ref": "customer_number"},
        )
        self.assertEqual(payload["organization_id"], 360000000001)
        self.assertEqual(payload["user_fields"], {"customer_number": "C1"})
        self.assertIsNone(payload["phone"])

    def test_ticket_to_vals(self):
        data = {
            "id": 12,
            "subject": "Refund",
            "status": "pending",
            "priority": "urgent",
            "requester_id": 5,
            "assignee_id": 6,
            "organization_id": 99,
            "created_at": "2024-03-01T10:00:00Z",
            "updated_at": "2024-03-02T11:30:00Z",
        }
        vals = mappers.ticket_to_vals(
            data, {99: 3}, {5: "Ann", 6: "Bob"}, "https://x/agent/tickets"
        )
        self.assertEqual(vals["partner_id"], 3)
        self.assertEqual(vals["requester_name"], "Ann")
        self.assertEqual(vals["assignee_name"], "Bob")
        self.assertEqual(vals["ticket_updated_at"], datetime(2024, 3, 2, 11, 30))
        self.assertEqual(vals["url"], "https://x/agent/tickets/12")
        self.assertTrue(vals["active"])
        deleted = mappers.ticket_to_vals(
            dict(data, status="deleted", priority=None), {}, {}, "u"
        )
        self.assertFalse(deleted["active"])
        self.assertFalse(deleted["partner_id"])
        self.assertFalse(deleted["priority"])

    def test_ticket_without_id(self):
        with self.assertRaises(InvalidPayload):
            mappers.ticket_to_vals({}, {}, {}, "u")

    def test_name_taken_in_both_error_shapes(self):
        single = {
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": {
                "name": [
                    {
                        "description": "Name: has already been taken",
                        "error": "DuplicateValue",
                    }
                ]
            },
        }
        bulk = {"index": 1, "success": False, "error": "RecordInvalid",
                "details": "Name: Acme has already been taken"}  # fmt: skip
        other = {"details": "External id: odoo-7 has already been taken"}
        blank = {"details": {"name": [{"error": "BlankValue"}]}}
        self.assertTrue(mappers.name_taken(single))
        self.assertTrue(mappers.name_taken(bulk))
        self.assertFalse(mappers.name_taken(other))
        self.assertFalse(mappers.name_taken(blank))
        self.assertFalse(mappers.name_taken(None))
        self.assertFalse(mappers.name_taken({"id": 5, "success": True}))

    def test_name_suffixes(self):
        self.assertEqual(
            mappers.name_suffixes({"id": 7, "ref": "C007", "vat": "BE01"}),
            [" (C007)", " (#7)"],
        )
        self.assertEqual(
            mappers.name_suffixes({"id": 7, "ref": False, "vat": "BE01"}),
            [" (BE01)", " (#7)"],
        )
        self.assertEqual(
            mappers.name_suffixes({"id": 7, "ref": "#7", "vat": False}), [" (#7)"]
        )
