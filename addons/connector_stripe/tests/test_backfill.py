# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
import time

from odoo.tests import TransactionCase, tagged

from .common import StripeCase

SMALL = {
    "customers": 20,
    "subscriptions": 5,
    "invoices": 60,
    "payments": 55,
    "refunds": 4,
    "disputes": 1,
    "credit_notes": 5,
    "payouts": 2,
}


@tagged("post_install", "-at_install")
class TestBackfill(StripeCase, TransactionCase):
    """Seed the sandbox, backfill through the list endpoints, compare money."""

    counts = SMALL

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stripe()
        cls.seeded = cls._seed(**cls.counts)
        cls._map_taxes()
        start = time.perf_counter()
        cls.backend.with_context(queue_job__no_delay=True).action_backfill()
        cls.backfill_seconds = time.perf_counter() - start

    def _state(self):
        return {
            model: self.env[model].search_count([("backend_id", "=", self.backend.id)])
            for model in (
                "stripe.customer",
                "stripe.invoice",
                "stripe.credit.note",
                "stripe.charge",
                "stripe.refund",
                "stripe.payout",
            )
        }, self._odoo_receivables()

    def test_receivable_per_customer_matches_stripe(self):
        self.assertFalse(self._exceptions().mapped("name"))
        stripe_side = self._stripe_receivables()
        self.assertTrue(stripe_side)
        self.assertEqual(self._odoo_receivables(), stripe_side)
        counts, __ = self._state()
        invoices = self._all("invoices")
        finalized = [i for i in invoices if i["status"] != "draft"]
        charges = [c for c in self._all("charges") if c["status"] == "succeeded"]
        self.assertEqual(counts["stripe.customer"], self.counts["customers"])
        self.assertEqual(counts["stripe.invoice"], len(finalized))
        self.assertEqual(counts["stripe.charge"], len(charges))
        self.assertEqual(counts["stripe.refund"], self.counts["refunds"])
        self.assertEqual(counts["stripe.credit.note"], self.counts["credit_notes"])
        subscriptions = self.env["stripe.subscription"].search(
            [("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(len(subscriptions), self.counts["subscriptions"])
        self.assertTrue(all(subscriptions.mapped("partner_id")))

    def test_paid_invoices_are_reconciled(self):
        paid = [i["id"] for i in self._all("invoices") if i["status"] == "paid"]
        moves = self.env["stripe.invoice"].search(
            [("backend_id", "=", self.backend.id), ("external_id", "in", paid)]
        )
        self.assertEqual(len(moves), len(paid))
        states = set(moves.mapped("payment_state"))
        self.assertLessEqual(states, {"paid", "in_payment", "reversed"}, states)

    def test_every_payout_line_reconciles(self):
        paid = [p for p in self._all("payouts") if p["status"] == "paid"]
        payouts = self.env["stripe.payout"].search(
            [("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(len(payouts), len(paid))
        self.assertTrue(payouts)
        for payout in payouts:
            self.assertEqual(payout.state, "posted")
            reconcilable = payout.line_ids.filtered("account_id.reconcile")
            if not payout.statement_line_id:  # other currency: matched by hand
                reconcilable -= reconcilable.filtered(
                    lambda line: line.account_id == self.env.company.transfer_account_id
                )
            self.assertTrue(reconcilable)
            self.assertTrue(all(reconcilable.mapped("reconciled")), payout.ref)
            fees = payout.line_ids.filtered(
                lambda line: line.account_id == self.fee_account
            )
            self.assertTrue(fees)
            if payout.currency_id == self.env.company.currency_id:
                self.assertTrue(payout.statement_line_id.is_reconciled)

    def test_replaying_everything_three_times_changes_nothing(self):
        before = self._state()
        refs = [
            (model, binding.external_id)
            for model in before[0]
            for binding in self.env[model].search(
                [("backend_id", "=", self.backend.id)]
            )
        ]
        rng = random.Random(5)
        forced = self.env(context=dict(self.env.context, connector_force=True))
        for __ in range(3):
            rng.shuffle(refs)
            for model, external_id in refs[:: max(1, len(refs) // 60)]:
                importer = forced[forced[model]._importer]
                importer.run(self.backend.with_env(forced), external_id)
        self.assertEqual(self._state(), before)
        self.assertFalse(self._exceptions())
