# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reconciliation against the sandbox: known drifts of every bucket, per object."""

import calendar
import time
from collections import Counter
from datetime import timedelta

import requests

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import StripeCase

NOON = 12 * 3600
EXPECTED = {
    "invoices": {
        "missing_odoo": 1,
        "missing_remote": 1,
        "amount": 1,
        "fx": 1,
        "status": 1,
        "timing": 1,
    },
    "payments": {"missing_odoo": 1, "amount": 1},
    "refunds": {"missing_odoo": 1},
    "disputes": {"status": 1},
    "payouts": {},
    "fees": {"fee": 1},
}


@tagged("post_install", "-at_install")
class TestStripeReconciliation(StripeCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stripe()
        cls.yesterday = fields.Date.today() - timedelta(days=1)
        cls.server.state.fixed_now = calendar.timegm(cls.yesterday.timetuple()) + NOON
        try:
            cls._seed_drifts()
        finally:
            cls.server.state.fixed_now = None
        # created now, not imported yet: inside the allowed lag
        cls.ids["inv_new"] = cls._invoice(cls.eur_customer).id

    # ------------------------------------------------------------------
    # Seed: the sandbox at yesterday noon, then Odoo tampered with in SQL
    # ------------------------------------------------------------------
    @classmethod
    def _seed_drifts(cls):
        c = cls.client
        product = c.products.create(params={"name": "Pro plan"})
        cls.price = c.prices.create(
            params={"product": product.id, "currency": "eur", "unit_amount": 2500}
        )
        cls.eur_customer = c.customers.create(params={"name": "Ada", "email": "a@x.io"})
        usd_customer = c.customers.create(params={"name": "Bob", "email": "b@x.io"})
        ids = cls.ids = {}
        for name in ("ok", "missing", "amount", "fx", "void", "gone"):
            ids[f"inv_{name}"] = cls._invoice(cls.eur_customer).id
        for name, cents in (("ok", 3000), ("missing", 4000), ("amount", 5000)):
            ids[f"ch_{name}"] = cls._charge(cls.eur_customer, cents, "eur")
        for cents in (10000, 2500):
            cls._charge(usd_customer, cents, "usd")
        for name in ("dp_ok", "dp_lost"):
            pm = "pm_card_createDispute"
            intent = cls._charge(usd_customer, 10000, "usd", pm, intent=True)
            ids[name] = c.disputes.list(params={"payment_intent": intent}).data[0].id
        answer = requests.post(
            f"{cls.server.url}/_sandbox/stripe/payouts",
            json={"currency": "usd"},
            timeout=10,
        )
        ids["payout"] = answer.json()["payouts"][0]["id"]
        for key in ("inv_ok", "inv_amount", "inv_fx", "inv_void", "inv_gone"):
            cls._import_cls("stripe.invoice", ids[key])
        for key in ("ch_ok", "ch_amount"):
            cls._import_cls("stripe.charge", ids[key])
        ids["rf_ok"] = c.refunds.create(
            params={"charge": ids["ch_ok"], "amount": 500}
        ).id
        cls._import_cls("stripe.refund", ids["rf_ok"])
        ids["rf_missing"] = c.refunds.create(
            params={"charge": ids["ch_ok"], "amount": 700}
        ).id
        cls._import_cls("stripe.payout", ids["payout"])  # its charges and disputes
        c.disputes.update(
            ids["dp_lost"],
            params={"evidence": {"uncategorized_text": "losing_evidence"}},
        )
        c.invoices.void_invoice(ids["inv_void"])
        cls.server.state.store.delete(ids["inv_gone"])
        cls._tamper()

    @classmethod
    def _tamper(cls):
        """Odoo figures that no longer match Stripe (as a bad edit would)."""
        cls.env.flush_all()
        cr, ids = cls.env.cr, cls.ids
        move = cls._binding_cls("stripe.invoice", ids["inv_amount"]).odoo_id
        cr.execute(
            SQL("UPDATE account_move SET amount_total = 60 WHERE id = %s", move.id)
        )
        eur = cls.env.ref("base.EUR")  # the sandbox bills these in USD
        move = cls._binding_cls("stripe.invoice", ids["inv_fx"]).odoo_id
        cr.execute(
            SQL(
                "UPDATE account_move SET currency_id = %s WHERE id = %s",
                eur.id,
                move.id,
            )
        )
        payment = cls._binding_cls("stripe.charge", ids["ch_amount"]).odoo_id
        cr.execute(
            SQL("UPDATE account_payment SET amount = 55 WHERE id = %s", payment.id)
        )
        payout = cls._binding_cls("stripe.payout", ids["payout"])
        fee_line = payout.line_ids.filtered(
            lambda li: li.account_id == cls.fee_account
        )[0]
        cr.execute(
            SQL(
                "UPDATE account_move_line SET amount_currency = amount_currency + 0.5 "
                "WHERE id = %s",
                fee_line.id,
            )
        )
        cls.env.invalidate_all()

    @classmethod
    def _invoice(cls, customer):
        c = cls.client
        invoice = c.invoices.create(params={"customer": customer.id})
        c.invoice_items.create(
            params={
                "customer": customer.id,
                "invoice": invoice.id,
                "pricing": {"price": cls.price.id},
                "quantity": 2,
            }
        )
        return c.invoices.finalize_invoice(invoice.id)

    @classmethod
    def _charge(cls, customer, cents, currency, pm="pm_card_visa", intent=False):
        created = cls.client.payment_intents.create(
            params={
                "amount": cents,
                "currency": currency,
                "customer": customer.id,
                "confirm": True,
                "payment_method": pm,
            }
        )
        if intent:
            return created.id
        return cls.client.charges.list(params={"payment_intent": created.id}).data[0].id

    @classmethod
    def _import_cls(cls, model, external_id):
        return cls.env[cls.env[model]._importer].run(cls.backend, external_id)

    @classmethod
    def _binding_cls(cls, model, external_id):
        return cls.env[model]._to_internal(cls.backend, external_id)

    def _run(self, object_type):
        runs = self.env["connector.reconciliation.run"]
        run = runs.create(
            {
                **runs._backend_vals(self.backend),
                "object_type": object_type,
                "period": "custom",
                "date_from": self.yesterday,
                "date_to": fields.Date.today(),
                "allowed_lag_hours": 2,
            }
        )
        run.action_run()
        return run

    def _lines(self, run):
        return {line.external_id: line for line in run.line_ids}

    # ------------------------------------------------------------------
    def test_every_bucket_found_exactly(self):
        started = time.perf_counter()
        runs = {kind: self._run(kind) for kind in EXPECTED}
        elapsed = time.perf_counter() - started
        for kind, expected in EXPECTED.items():
            found = dict(Counter(runs[kind].line_ids.mapped("bucket")))
            self.assertEqual(found, expected, kind)
        ids = self.ids
        inv = self._lines(runs["invoices"])
        self.assertEqual(
            {inv[ids[k]].bucket for k in ("inv_missing", "inv_gone", "inv_new")},
            {"missing_odoo", "missing_remote", "timing"},
        )
        self.assertAlmostEqual(inv[ids["inv_missing"]].difference, 50.0)
        self.assertAlmostEqual(inv[ids["inv_gone"]].difference, -50.0)
        self.assertAlmostEqual(inv[ids["inv_amount"]].difference, -10.0)
        fx = inv[ids["inv_fx"]]
        self.assertEqual((fx.remote_currency, fx.odoo_currency), ("USD", "EUR"))
        void = inv[ids["inv_void"]]
        self.assertEqual((void.remote_status, void.odoo_status), ("cancelled", "open"))
        self.assertNotIn(ids["inv_ok"], inv)
        self.assertEqual(runs["invoices"].remote_count, 6)  # the gone one is gone
        self.assertEqual(runs["invoices"].odoo_count, 5)
        pay = self._lines(runs["payments"])
        self.assertAlmostEqual(pay[ids["ch_missing"]].difference, 40.0)
        self.assertAlmostEqual(pay[ids["ch_amount"]].difference, -5.0)
        self.assertEqual(runs["payments"].remote_count, 7)  # 3 EUR, 4 USD
        self.assertAlmostEqual(
            self._lines(runs["refunds"])[ids["rf_missing"]].difference, 7.0
        )
        lost = self._lines(runs["disputes"])[ids["dp_lost"]]
        self.assertEqual((lost.remote_status, lost.odoo_status), ("lost", "open"))
        self.assertEqual((lost.remote_fee, lost.odoo_fee), (15.0, 15.0))
        self.assertEqual(runs["payouts"].remote_count, 1)
        self.assertEqual(runs["payouts"].odoo_count, 1)
        self.assertAlmostEqual(
            runs["payouts"].remote_amount, runs["payouts"].odoo_amount
        )
        fee = self._lines(runs["fees"])[ids["payout"]]
        self.assertAlmostEqual(fee.difference, -0.5)
        self.assertGreater(fee.remote_fee, 0)
        self.assertIn("/test/invoices/", inv[ids["inv_missing"]].external_url)
        self.assertLess(elapsed, 30)
        card = self.env["connector.dashboard"]._backend_card(self.backend)
        self.assertEqual(card["service"], "stripe")
        self.assertIn(
            card, self.env["connector.dashboard"].get_dashboard_data()["cards"]
        )
        self.assertEqual(
            card["drift_count"], sum(len(r.line_ids) for r in runs.values())
        )

    def test_fix_imports_and_closes_the_drift(self):
        accountant = new_test_user(
            self.env,
            "stripe_recon_accountant",
            # No invoicing rights: the fix jobs run with the sync's own rights.
            groups="connector_base.connector_base_group_user",
        )
        self.env = self.env(user=accountant)
        invoices, disputes = self._run("invoices"), self._run("disputes")
        ids = self.ids
        missing = self._lines(invoices)[ids["inv_missing"]]
        void = self._lines(invoices)[ids["inv_void"]]
        lost = self._lines(disputes)[ids["dp_lost"]]
        with trap_jobs() as trap:
            (missing | void | lost).action_fix()
            trap.assert_jobs_count(3)
            trap.assert_enqueued_job(
                self.env["stripe.invoice"].job_import_record,
                args=(self.backend, ids["inv_missing"]),
            )
            trap.assert_enqueued_job(
                self.env["stripe.dispute"].job_import_record,
                args=(self.backend, ids["dp_lost"]),
            )
            trap.perform_enqueued_jobs()
        self.assertEqual((missing | void | lost).mapped("state"), ["fixing"] * 3)
        self.assertEqual(
            self._binding("stripe.invoice", ids["inv_void"]).sudo().state, "cancel"
        )
        invoices.action_run()
        disputes.action_run()
        self.assertEqual((missing | void | lost).mapped("state"), ["fixed"] * 3)
        self.assertEqual(
            sorted(
                invoices.line_ids.filtered(lambda li: li.state == "open").mapped(
                    "bucket"
                )
            ),
            ["amount", "fx", "missing_remote", "timing"],
        )
        self.assertFalse(disputes.line_ids.filtered(lambda li: li.state == "open"))

    def test_cron_runs_every_object_type(self):
        runs = self.env["connector.reconciliation.run"]._cron_reconcile()
        mine = runs.filtered(lambda r: r.backend_model == "stripe.backend")
        self.assertEqual(sorted(mine.mapped("object_type")), sorted(EXPECTED))
        self.assertEqual(set(mine.mapped("state")), {"done"})

    def test_stripe_outage_fails_the_run_with_a_message(self):
        self.server.faults.update(rate_5xx=1.0)
        try:
            runs = self.env["connector.reconciliation.run"]._cron_reconcile()
        finally:
            self.server.faults.reset()
        mine = runs.filtered(lambda r: r.backend_model == "stripe.backend")
        self.assertEqual(set(mine.mapped("state")), {"failed"})
        self.assertIn("could not be read", mine[0].message)
