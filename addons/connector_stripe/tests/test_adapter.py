# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.connector_base.exceptions import (
    AuthenticationFailed,
    IDMissingInBackend,
    RateLimited,
)

from ..models import mappers
from .common import StripeCase

INVOICE = {
    "id": "in_1",
    "number": "ABC-0001",
    "currency": "eur",
    "status": "open",
    "customer": "cus_1",
    "created": 1767225600,
    "effective_at": 1767225600,
    "due_date": 1768435200,
    "total": 5355,
    "lines": {
        "has_more": False,
        "data": [
            {
                "amount": 5000,
                "quantity": 2,
                "description": "2 x Pro",
                "discount_amounts": [{"amount": 500}],
                "taxes": [{"tax_rate_details": {"tax_rate": "txr_vat"}}],
                "pricing": {"price_details": {"product": "prod_1"}},
            }
        ],
    },
}


@tagged("post_install", "-at_install")
class TestMappers(TransactionCase):
    """Pure mappers on JSON fixtures: no server, no records."""

    def test_invoice_lines_discount_taxes_dates(self):
        vals = mappers.invoice_to_move(
            INVOICE, 7, 3, {"txr_vat": 11}.get, {"prod_1": 5}.get
        )
        self.assertEqual(vals["move_type"], "out_invoice")
        self.assertEqual(vals["ref"], "ABC-0001")
        self.assertEqual(str(vals["invoice_date"]), "2026-01-01")
        self.assertEqual(str(vals["invoice_date_due"]), "2026-01-15")
        line = vals["invoice_line_ids"][0][2]
        self.assertEqual((line["quantity"], line["price_unit"]), (2, 25.0))
        self.assertAlmostEqual(line["discount"], 10.0)
        self.assertEqual(line["tax_ids"], [(6, 0, [11])])
        self.assertEqual(line["product_id"], 5)

    def test_unmapped_rate_raises_tax_mapping_missing(self):
        with self.assertRaises(mappers.TaxMappingMissing) as caught:
            mappers.invoice_to_move(INVOICE, 7, 3, {}.get, {}.get)
        self.assertEqual(caught.exception.exception_class, "tax_mapping_missing")

    def test_amounts_and_mrr(self):
        self.assertEqual(mappers.to_amount(1999, "usd"), 19.99)
        self.assertEqual(mappers.to_amount(500, "jpy"), 500.0)
        sub = {
            "status": "active",
            "items": {
                "data": [
                    {
                        "quantity": 2,
                        "price": {
                            "unit_amount": 12000,
                            "currency": "eur",
                            "recurring": {"interval": "year", "interval_count": 1},
                        },
                    }
                ]
            },
        }
        self.assertEqual(mappers.subscription_mrr(sub), 20.0)
        self.assertEqual(mappers.subscription_mrr({**sub, "status": "canceled"}), 0.0)


@tagged("post_install", "-at_install")
class TestAdapter(StripeCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stripe()

    def test_adapter_translates_client_errors(self):
        adapter = self.backend._get_adapter()
        self.server.faults.update(rate_429=1.0, retry_after=7)
        with self.assertRaises(RateLimited) as caught:
            adapter.remote_read(self.backend, "customers", "cus_x")
        self.assertEqual(caught.exception.seconds, 7)
        self.server.faults.reset()
        with self.assertRaises(IDMissingInBackend):
            adapter.remote_read(self.backend, "customers", "cus_missing")
        self.backend.sudo().api_key = "sk_test_revoked"
        with self.assertRaises(AuthenticationFailed):
            adapter.remote_read(self.backend, "customers", "cus_x")
        with self.assertRaises(UserError):
            self.backend.action_test_connection()
