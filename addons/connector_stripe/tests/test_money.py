# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

import requests
import stripe

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.connector_base.exceptions import ConnectorRetryableError
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import StripeCase


@tagged("post_install", "-at_install")
class TestMoney(StripeCase, TransactionCase):
    """One Stripe object at a time: amounts, accounts, reconciliation states."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stripe()
        c = cls.client
        cls.product = c.products.create(params={"name": "Pro plan"})
        cls.price = c.prices.create(
            params={"product": cls.product.id, "currency": "eur", "unit_amount": 2500}
        )
        cls.vat = c.tax_rates.create(
            params={"display_name": "VAT", "percentage": 19, "inclusive": False}
        )
        cls.vat_incl = c.tax_rates.create(
            params={"display_name": "VAT", "percentage": 21, "inclusive": True}
        )
        cls._map_taxes()

    def _customer(self, **params):
        return self.client.customers.create(
            params={"name": "Ada Lovelace", "email": "ada@example.com", **params}
        )

    def _invoice(self, customer, rates=None, quantity=2, finalize=True):
        c = self.client
        invoice = c.invoices.create(
            params={"customer": customer.id, "default_tax_rates": rates or []}
        )
        c.invoice_items.create(
            params={
                "customer": customer.id,
                "invoice": invoice.id,
                "pricing": {"price": self.price.id},
                "quantity": quantity,
            }
        )
        return c.invoices.finalize_invoice(invoice.id) if finalize else invoice

    def _receivable(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    # ------------------------------------------------------------------
    def test_customer_matches_existing_partner_by_email_then_vat(self):
        partner = self.env["res.partner"].create(
            {"name": "Ada (Odoo)", "email": "ADA@example.com"}
        )
        customer = self._customer()
        self._import("stripe.customer", customer.id)
        binding = self._binding("stripe.customer", customer.id)
        self.assertEqual(binding.odoo_id, partner)
        audit = self.env["connector.audit.line"].search(
            [("external_id", "=", customer.id), ("action", "=", "create")]
        )
        self.assertIn(
            f"matched existing res.partner #{partner.id}", audit.match_decision
        )
        by_vat = self.env["res.partner"].create({"name": "Acme", "vat": "DE123456789"})
        other = self._customer(
            name="Acme GmbH",
            email="billing@acme.example",
            tax_id_data=[{"type": "eu_vat", "value": "DE123456789"}],
        )
        self._import("stripe.customer", other.id)
        self.assertEqual(self._binding("stripe.customer", other.id).odoo_id, by_vat)
        fresh = self._customer(name="Grace", email="grace@example.com")
        self._import("stripe.customer", fresh.id)
        self.assertEqual(
            self.env["res.partner"].search_count([("email", "=", "grace@example.com")]),
            1,
        )

    def test_partner_export_creates_customer_with_idempotency_key(self):
        partner = self.env["res.partner"].create(
            {"name": "Export Me", "email": "export@example.com"}
        )
        binding = partner.with_context(queue_job__no_delay=True)._stripe_export(
            self.backend
        )
        self.assertTrue(binding.external_id.startswith("cus_"))
        remote = self.client.customers.retrieve(binding.external_id)
        self.assertEqual(remote.email, "export@example.com")
        audit = self.env["connector.audit.line"].search(
            [("binding_model", "=", "stripe.customer"), ("binding_id", "=", binding.id)]
        )
        self.assertTrue(audit.filtered("idempotency_key"))

    def test_finalized_invoice_posted_with_mapped_taxes(self):
        invoice = self._invoice(self._customer(), rates=[self.vat.id])
        self._import("stripe.invoice", invoice.id)
        move = self._binding("stripe.invoice", invoice.id).odoo_id
        self.assertEqual((move.move_type, move.state), ("out_invoice", "posted"))
        self.assertEqual(move.currency_id.name, invoice.currency.upper())
        self.assertEqual(move.ref, invoice.number)
        self.assertAlmostEqual(move.amount_untaxed, 50.0)
        self.assertAlmostEqual(move.amount_total, 59.5)
        self.assertEqual(move.invoice_line_ids.tax_ids, self.taxes[(19.0, False)])
        self.assertEqual(move.invoice_line_ids.quantity, 2)
        self.assertEqual(move.invoice_line_ids.product_id.name, "Pro plan")

    def test_inclusive_tax_keeps_stripe_total(self):
        invoice = self._invoice(self._customer(), rates=[self.vat_incl.id])
        self._import("stripe.invoice", invoice.id)
        move = self._binding("stripe.invoice", invoice.id).odoo_id
        self.assertAlmostEqual(move.amount_total, invoice.total / 100)

    def test_unmapped_tax_rate_is_an_exception_not_an_invoice(self):
        rate = self.client.tax_rates.create(
            params={"display_name": "GST", "percentage": 7, "inclusive": False}
        )
        invoice = self._invoice(self._customer(), rates=[rate.id])
        self._import("stripe.invoice", invoice.id)
        self.assertFalse(self._binding("stripe.invoice", invoice.id))
        exception = self._exceptions("tax_mapping_missing")
        self.assertEqual(len(exception), 1)
        self.assertIn(rate.id, exception.name)
        # The accountant maps the tax and retries: a Connector User without
        # invoicing rights, so the job must run with the sync's own rights.
        gst = self.env["account.tax"].create({"name": "GST 7%", "amount": 7})
        self.env["stripe.tax.map"].create(
            {
                "backend_id": self.backend.id,
                "stripe_tax_rate": rate.id,
                "percentage": 7,
                "tax_id": gst.id,
            }
        )
        accountant = new_test_user(
            self.env,
            "stripe_retry_user",
            groups="connector_base.connector_base_group_user",
        )
        with trap_jobs() as trap:
            exception.with_user(accountant).action_retry()
            trap.assert_jobs_count(1)
            trap.perform_enqueued_jobs()
        move = self._binding("stripe.invoice", invoice.id).odoo_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.line_ids.tax_line_id, gst)
        self.assertAlmostEqual(move.amount_total, invoice.total / 100)
        self.assertEqual(exception.state, "resolved")

    def test_draft_not_posted_void_cancelled_uncollectible_reversed(self):
        customer = self._customer()
        draft = self._invoice(customer, finalize=False)
        self._import("stripe.invoice", draft.id)
        self.assertFalse(self._binding("stripe.invoice", draft.id))
        voided = self._invoice(customer)
        self._import("stripe.invoice", voided.id)
        self.client.invoices.void_invoice(voided.id)
        self._import("stripe.invoice", voided.id)
        self.assertEqual(self._binding("stripe.invoice", voided.id).state, "cancel")
        lost = self._invoice(customer)
        self._import("stripe.invoice", lost.id)
        self.client.invoices.mark_uncollectible(lost.id)
        self._import("stripe.invoice", lost.id)
        move = self._binding("stripe.invoice", lost.id).odoo_id
        self.assertEqual(move.payment_state, "reversed")
        self.assertEqual(move.reversal_move_ids.move_type, "out_refund")

    def test_payment_reconciles_invoice_and_refunds_follow(self):
        customer = self._customer()
        invoice = self._invoice(customer, rates=[self.vat.id])
        self.client.invoices.pay(invoice.id)
        self._import("stripe.invoice", invoice.id)
        move = self._binding("stripe.invoice", invoice.id).odoo_id
        self.assertEqual(move.payment_state, "not_paid")  # payment not yet known
        charge = self.client.charges.list(params={"customer": customer.id}).data[0]
        self._import("stripe.charge", charge.id)
        payment = self._binding("stripe.charge", charge.id)
        self.assertEqual(move.payment_state, "paid")
        self.assertAlmostEqual(payment.amount, 59.5)
        self.assertEqual(payment.journal_id, self.journal)
        self.assertTrue(self._receivable(payment.move_id).reconciled)
        partial = self.client.refunds.create(
            params={"charge": charge.id, "amount": 1000}
        )
        self._import("stripe.refund", partial.id)
        full = self.client.refunds.create(params={"charge": charge.id})
        self._import("stripe.charge", charge.id)  # charge.refunded brings the rest
        refunds = self.env["stripe.refund"].search([("charge_id", "=", payment.id)])
        self.assertEqual(len(refunds), 2)
        self.assertEqual(set(refunds.mapped("payment_type")), {"outbound"})
        self.assertAlmostEqual(sum(refunds.mapped("amount")), 59.5)
        self.assertTrue(self._binding("stripe.refund", full.id))
        balance = sum(
            self.env["account.move.line"]
            .search(
                [
                    ("partner_id", "=", move.partner_id.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                ]
            )
            .mapped("amount_currency")
        )
        self.assertAlmostEqual(balance, 59.5)  # refunded: the customer owes again

    def test_refund_waits_for_its_charge(self):
        customer = self._customer()
        intent = self.client.payment_intents.create(
            params={
                "amount": 4000,
                "currency": "eur",
                "customer": customer.id,
                "confirm": True,
                "payment_method": "pm_card_visa",
            }
        )
        refund = self.client.refunds.create(params={"payment_intent": intent.id})
        data = self.client.refunds.retrieve(refund.id).to_dict()
        self.server.faults.update(rate_5xx=1.0)
        importer = self.env["stripe.refund.importer"]
        with self.assertRaises(ConnectorRetryableError):
            importer.run(self.backend, refund.id, data=data)
        self.server.faults.reset()
        importer.run(self.backend, refund.id, data=data)
        payment = self._binding("stripe.refund", refund.id)
        self.assertEqual(payment.move_id.state, "posted")
        self.assertTrue(self._receivable(payment.move_id).reconciled)
        self.assertTrue(self._receivable(payment.charge_id.move_id).reconciled)

    def test_failed_payment_counts_on_partner_once(self):
        customer = self._customer()
        with self.assertRaises(stripe.CardError):
            self.client.payment_intents.create(
                params={
                    "amount": 1500,
                    "currency": "eur",
                    "customer": customer.id,
                    "confirm": True,
                    "payment_method": "pm_card_chargeDeclined",
                }
            )
        charge = self.client.charges.list(params={"customer": customer.id}).data[0]
        self.assertEqual(charge.status, "failed")
        for __ in range(2):
            self._import("stripe.charge", charge.id)
        self.assertFalse(self._binding("stripe.charge", charge.id))
        partner = self._binding("stripe.customer", customer.id).odoo_id
        self.assertEqual(partner.stripe_failed_payment_count, 1)
        self.assertIn(charge.id, partner.message_ids[0].body)

    def test_credit_note_is_refund_reconciled_with_invoice(self):
        invoice = self._invoice(self._customer(), rates=[self.vat.id])
        note = self.client.credit_notes.create(
            params={"invoice": invoice.id, "amount": 1190, "reason": "order_change"}
        )
        self._import("stripe.credit.note", note.id)
        refund = self._binding("stripe.credit.note", note.id).odoo_id
        move = self._binding("stripe.invoice", invoice.id).odoo_id
        self.assertEqual((refund.move_type, refund.state), ("out_refund", "posted"))
        self.assertAlmostEqual(refund.amount_total, 11.9)
        self.assertEqual(refund.reversed_entry_id, move)
        self.assertEqual(move.payment_state, "partial")
        self.assertAlmostEqual(move.amount_residual, 59.5 - 11.9)

    def test_locked_period_is_an_exception_never_forced(self):
        invoice = self._invoice(self._customer())
        self.env.company.fiscalyear_lock_date = date.today()
        self._import("stripe.invoice", invoice.id)
        self.assertFalse(self._binding("stripe.invoice", invoice.id))
        self.assertEqual(len(self._exceptions("locked_period")), 1)
        self.env.company.fiscalyear_lock_date = False
        self._import("stripe.invoice", invoice.id)
        self.assertEqual(self._binding("stripe.invoice", invoice.id).state, "posted")
        self.assertFalse(self._exceptions("locked_period"))

    def test_payout_groups_transactions_fees_and_bank_line(self):
        customer = self._customer()
        for amount in (10000, 2500):
            self.client.payment_intents.create(
                params={
                    "amount": amount,
                    "currency": "usd",
                    "customer": customer.id,
                    "confirm": True,
                    "payment_method": "pm_card_visa",
                }
            )
        answer = requests.post(
            f"{self.server.url}/_sandbox/stripe/payouts",
            json={"currency": "usd"},
            timeout=10,
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        payout = self.client.payouts.list(params={"limit": 1}).data[0]
        self._import("stripe.payout", payout.id)
        entry = self._binding("stripe.payout", payout.id)
        self.assertEqual(entry.state, "posted")
        txns = [t for t in self._all_txns(payout.id) if t["type"] != "payout"]
        self.assertEqual(entry.transaction_count, len(txns))
        self.assertGreaterEqual(len(txns), 2)
        fees = entry.line_ids.filtered(lambda line: line.account_id == self.fee_account)
        # dispute fees sit on the dispute's own entry
        expected_fees = (
            sum(t["fee"] for t in txns if not t["source"].startswith("dp_")) / 100
        )
        self.assertAlmostEqual(sum(fees.mapped("debit")), expected_fees, places=2)
        self.assertEqual(sum(t["net"] for t in txns), payout.amount)
        self.assertTrue(
            all(entry.line_ids.filtered("account_id.reconcile").mapped("reconciled"))
        )
        self.assertTrue(entry.statement_line_id.is_reconciled)
        self.assertAlmostEqual(entry.statement_line_id.amount, payout.amount / 100)

    def _all_txns(self, payout_id):
        return [
            txn.to_dict()
            for txn in self.client.balance_transactions.list(
                params={"limit": 100, "payout": payout_id}
            ).auto_paging_iter()
        ]

    def _dispute(self):
        intent = self.client.payment_intents.create(
            params={
                "amount": 10000,
                "currency": "usd",
                "customer": self._customer().id,
                "confirm": True,
                "payment_method": "pm_card_createDispute",
            }
        )
        return self.client.disputes.list(params={"payment_intent": intent.id}).data[0]

    def test_dispute_created_won_lost(self):
        dispute = self._dispute()
        self._import("stripe.dispute", dispute.id)
        binding = self._binding("stripe.dispute", dispute.id)
        by_account = {line.account_id: line.balance for line in binding.line_ids}
        self.assertAlmostEqual(by_account[self.dispute_account], 100.0)
        self.assertAlmostEqual(by_account[self.fee_account], 15.0)
        self.assertEqual(len(binding.activity_ids), 1)
        self.client.disputes.update(
            dispute.id, params={"evidence": {"uncategorized_text": "winning_evidence"}}
        )
        self._import("stripe.dispute", dispute.id)
        self.assertEqual(binding.stripe_status, "won")
        self.assertAlmostEqual(
            sum(
                (binding.odoo_id | binding.won_move_id)
                .line_ids.filtered(lambda line: line.account_id == self.dispute_account)
                .mapped("balance")
            ),
            0.0,
        )
        self.assertFalse(binding.activity_ids)
        lost = self._dispute()
        self.client.disputes.update(
            lost.id, params={"evidence": {"uncategorized_text": "losing_evidence"}}
        )
        self._import("stripe.dispute", lost.id)
        lost_binding = self._binding("stripe.dispute", lost.id)
        self.assertEqual(lost_binding.stripe_status, "lost")
        self.assertAlmostEqual(
            lost_binding.lost_move_id.line_ids.filtered(
                lambda line: line.account_id == self.fee_account
            ).balance,
            100.0,
        )

    def test_subscription_status_mrr_and_partner_history(self):
        monthly = self.client.prices.create(
            params={
                "product": self.product.id,
                "currency": "eur",
                "unit_amount": 1000,
                "recurring": {"interval": "month"},
            }
        )
        sub = self.client.subscriptions.create(
            params={
                "customer": self._customer().id,
                "items": [{"price": monthly.id, "quantity": 3}],
            }
        )
        importer = self.env["stripe.subscription.importer"]
        importer.run(self.backend, sub.id)
        record = self.env["stripe.subscription"]._to_internal(self.backend, sub.id)
        self.assertEqual((record.status, record.quantity), ("active", 3))
        self.assertAlmostEqual(record.mrr, 30.0)
        self.assertEqual(record.product_id.name, "Pro plan")
        partner = record.partner_id
        self.assertEqual(partner.stripe_subscription_count, 1)
        self.client.subscriptions.cancel(sub.id)
        importer.run(self.backend, sub.id)
        importer.run(self.backend, sub.id)  # unchanged: no second message
        self.assertEqual(record.status, "canceled")
        self.assertEqual(record.mrr, 0.0)
        history = partner.message_ids.filtered(lambda m: sub.id in (m.body or ""))
        self.assertEqual(len(history), 2)
