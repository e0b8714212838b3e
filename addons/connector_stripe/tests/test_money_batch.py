# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import TransactionCase, tagged

from .common import StripeCase


@tagged("post_install", "-at_install")
class TestMoneyBatch(StripeCase, TransactionCase):
    """A page of invoices and payments: one batch, bad records isolated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stripe()
        c = cls.client
        product = c.products.create(params={"name": "Pro plan"})
        cls.price = c.prices.create(
            params={"product": product.id, "currency": "eur", "unit_amount": 2500}
        )
        cls.vat = c.tax_rates.create(
            params={"display_name": "VAT", "percentage": 19, "inclusive": False}
        )
        cls._map_taxes()
        cls.gst = c.tax_rates.create(
            params={"display_name": "GST", "percentage": 7, "inclusive": False}
        )
        cls.customer = c.customers.create(params={"name": "Ada", "email": "a@x.org"})

    def _invoice(self, rates=None, finalize=True):
        c = self.client
        invoice = c.invoices.create(
            params={"customer": self.customer.id, "default_tax_rates": rates or []}
        )
        c.invoice_items.create(
            params={
                "customer": self.customer.id,
                "invoice": invoice.id,
                "pricing": {"price": self.price.id},
                "quantity": 2,
            }
        )
        return c.invoices.finalize_invoice(invoice.id) if finalize else invoice

    def _page(self, resource):
        adapter = self.backend._get_adapter()
        records, __ = adapter.search_page(self.backend, resource)
        return records

    def _run_page(self, model, resource):
        batch = self.env[self.env[model]._batch_importer]
        return batch.run(self.backend, self._page(resource))

    def test_page_is_batched_and_a_bad_record_is_its_own_exception(self):
        c = self.client
        paid = [self._invoice(rates=[self.vat.id]) for __ in range(3)]
        for invoice in paid:
            c.invoices.pay(invoice.id)
        bad = self._invoice(rates=[self.gst.id])  # tax rate not mapped
        voided = c.invoices.void_invoice(self._invoice().id)
        lost = c.invoices.mark_uncollectible(self._invoice().id)
        draft = self._invoice(finalize=False)
        page = self._page("invoices")
        finalized = [r for r in page if r["status"] != "draft"]
        counts = self.env["stripe.invoice.batch.importer"].run(self.backend, page)
        self.assertEqual(
            counts,
            {"created": len(finalized) - 1, "updated": 0, "skipped": 1, "failed": 1},
        )
        self.assertFalse(self._binding("stripe.invoice", bad.id))
        self.assertFalse(self._binding("stripe.invoice", draft.id))
        exception = self._exceptions("tax_mapping_missing")
        self.assertEqual(exception.external_id, bad.id)
        moves = [self._binding("stripe.invoice", i.id).odoo_id for i in paid]
        for move in moves:
            self.assertEqual(move.state, "posted")
            self.assertAlmostEqual(move.amount_total, 59.5)
            self.assertFalse(move.message_ids.filtered("tracking_value_ids"))
        self.assertEqual(self._binding("stripe.invoice", voided.id).state, "cancel")
        lost_move = self._binding("stripe.invoice", lost.id).odoo_id
        self.assertEqual(lost_move.payment_state, "reversed")
        audit = self.env["connector.audit.line"].search(
            [("binding_model", "=", "stripe.invoice"), ("action", "=", "create")]
        )
        self.assertEqual(len(audit), len(finalized) - 1)
        self.assertIn("uncollectible: reversed", audit.mapped("match_decision"))

        counts = self._run_page("stripe.charge", "charges")
        self.assertEqual(counts["created"], 3)
        for move in moves:
            self.assertIn(move.payment_state, ("paid", "in_payment"))
        # a second run of the same pages changes nothing
        again = self._run_page("stripe.invoice", "invoices")
        self.assertEqual(again["created"], 0)
        self.assertEqual(again["skipped"], len(finalized))

    def test_locked_period_isolates_the_page_records(self):
        self._invoice(rates=[self.vat.id])
        self.env.company.fiscalyear_lock_date = date.today()
        counts = self._run_page("stripe.invoice", "invoices")
        self.assertEqual(counts["created"], 0)
        self.assertEqual(len(self._exceptions("locked_period")), 1)
        self.env.company.fiscalyear_lock_date = False
        counts = self._run_page("stripe.invoice", "invoices")
        self.assertEqual(counts["created"], 1)
        self.assertFalse(self._exceptions("locked_period"))
