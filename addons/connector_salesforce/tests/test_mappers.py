# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from odoo.tests import BaseCase

from odoo.addons.connector_base.exceptions import InvalidPayload

from ..const import PAYMENT_STATUS
from ..models import mappers


class TestMappers(BaseCase):
    def test_account_and_contact(self):
        vals = mappers.account_to_partner(
            {
                "Id": "001",
                "Name": "Acme",
                "Website": "https://www.Acme.com/x",
                "BillingCountry": "Belgium",
                "VAT__c": "BE0477472701",
                "Phone": "",
            },
            {"belgium": 20},
            parent_id=False,
            vat_field="VAT__c",
        )
        self.assertEqual(vals["country_id"], 20)
        self.assertEqual(vals["vat"], "BE0477472701")
        self.assertFalse(vals["phone"])
        self.assertEqual(mappers.website_domain(vals["website"]), "acme.com")
        contact = mappers.contact_to_partner(
            {"FirstName": "Ada", "LastName": "Lovelace"}, parent_id=7
        )
        self.assertEqual((contact["name"], contact["parent_id"]), ("Ada Lovelace", 7))
        with self.assertRaises(InvalidPayload):
            mappers.account_to_partner({"Id": "001"})

    def test_opportunity_lines_and_unknown_product(self):
        data = {
            "Id": "006",
            "Name": "Deal",
            "OpportunityLineItems": {
                "records": [{"Product2Id": "01t1", "Quantity": 2, "UnitPrice": 10.5}]
            },
        }
        vals = mappers.opportunity_to_order(data, 3, {"01t1": 9})
        self.assertEqual(
            vals["order_line"][0][2],
            {"product_id": 9, "product_uom_qty": 2.0, "price_unit": 10.5},
        )
        with self.assertRaises(InvalidPayload):
            mappers.opportunity_to_order(data, 3, {})
        with self.assertRaises(InvalidPayload):
            mappers.opportunity_to_order(data, False, {"01t1": 9})

    def test_stamp_and_status(self):
        self.assertEqual(
            mappers.remote_updated_at(
                {"SystemModstamp": "2025-01-31T10:00:00.000+0100"}
            ),
            datetime(2025, 1, 31, 9, 0),
        )
        rows = [
            {
                "name": "INV/1",
                "residual": 50.0,
                "payment_state": "partial",
                "date_due": date(2025, 1, 1),
                "payment_dates": [date(2025, 1, 5)],
            },
            {
                "name": "INV/2",
                "residual": 0.0,
                "payment_state": "paid",
                "date_due": date(2025, 3, 1),
                "payment_dates": [date(2025, 2, 1)],
            },
        ]
        status = mappers.invoice_status(rows, date(2025, 2, 10))
        self.assertEqual(status["payment_status"], "partial")
        self.assertTrue(status["overdue"])
        payload = mappers.status_payload(
            status,
            {"payment_status": "Pay__c", "last_payment_date": "Date__c", "overdue": ""},
            PAYMENT_STATUS,
        )
        self.assertEqual(payload, {"Pay__c": "Partially paid", "Date__c": "2025-02-01"})
        self.assertEqual(
            mappers.invoice_status([], date.today())["payment_status"], "none"
        )
