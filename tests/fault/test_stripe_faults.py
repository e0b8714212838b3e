"""Stripe invoice backfill under 20 % 429s, 10 % 5xx and 5 % timeouts.

The sandbox Stripe server (seeded invoices with lines, their payments, a few
credit notes and refunds) answers through its fault switches while
``stripe.backend.action_backfill()`` runs; every page job is run the way the
runner runs it (own savepoint, run again while retryable); then every invoice
and payment is imported once more, one by one. Everything must converge: each
Stripe object once in Odoo, the receivable per customer and currency equal to
Stripe's, to the cent.
"""

import random

from fault_common import MAX_ATTEMPTS, report

from odoo.tests import TransactionCase, tagged

from odoo.addons.connector_stripe.tests.common import StripeCase
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

COUNTS = {
    "customers": 15,
    "subscriptions": 5,
    "invoices": 80,
    "payments": 10,
    "refunds": 3,
    "disputes": 0,
    "credit_notes": 4,
    "payouts": 0,
}
MONEY_MODELS = (
    "stripe.invoice",
    "stripe.credit.note",
    "stripe.charge",
    "stripe.refund",
)


@tagged("post_install", "-at_install")
class TestStripeBackfillFaults(StripeCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stripe()
        cls.server.seed(0, random.Random(13), **COUNTS)
        cls._map_taxes()
        cls.backend.request_timeout = 1

    def _perform(self, func):
        for __ in range(MAX_ATTEMPTS):
            try:
                with self.env.cr.savepoint():
                    return func()
            except RetryableJobError:
                self.retries += 1
                self.env.invalidate_all()
        raise AssertionError(f"still failing after {MAX_ATTEMPTS} attempts")

    def _backfill_under_faults(self):
        self.retries = 0
        faults = self.server.faults
        faults.update(rate_429=0.20, rate_5xx=0.10, rate_timeout=0.05)
        faults.update(timeout_seconds=1.1, retry_after=0)
        jobs = 0
        try:
            with trap_jobs() as trap:
                self._perform(self.backend.action_backfill)
                while trap.enqueued_jobs:
                    batch = list(trap.enqueued_jobs)
                    trap.enqueued_jobs.clear()
                    for job in batch:
                        jobs += 1
                        self._perform(job.perform)
            # then every invoice and payment once more, one by one (the
            # webhook / re-sync path): many more fault draws, nothing to change
            for model in ("stripe.invoice", "stripe.charge"):
                for binding in self.env[model].search(
                    [("backend_id", "=", self.backend.id)]
                ):
                    jobs += 1
                    self._perform(
                        lambda m=model, b=binding: self.env[m].job_import_record(
                            self.backend, b.external_id
                        )
                    )
        finally:
            injected = self.server.stats()["faults"]
            faults.reset()
        return jobs, injected

    def _duplicates(self):
        dup = 0
        for model in MONEY_MODELS + ("stripe.customer",):
            bindings = self.env[model].search([("backend_id", "=", self.backend.id)])
            dup += len(bindings) - len(set(bindings.mapped("external_id")))
            dup += len(bindings) - len(bindings.mapped("odoo_id"))
        return dup

    def test_invoice_backfill_converges_under_faults(self):
        jobs, injected = self._backfill_under_faults()
        invoices = [i for i in self._all("invoices") if i["status"] != "draft"]
        charges = [c for c in self._all("charges") if c["status"] == "succeeded"]
        counts = {
            model: self.env[model].search_count([("backend_id", "=", self.backend.id)])
            for model in MONEY_MODELS
        }
        duplicates = self._duplicates()
        report(
            "Stripe invoice backfill, 20% 429 / 10% 5xx / 5% timeouts",
            injected=injected,
            jobs=jobs,
            retries=self.retries,
            invoices=f"{counts['stripe.invoice']}/{len(invoices)}",
            payments=f"{counts['stripe.charge']}/{len(charges)}",
            duplicates=duplicates,
        )
        self.assertGreater(min(injected.values()), 0, injected)
        self.assertGreater(sum(injected.values()), 30, injected)
        self.assertEqual(counts["stripe.invoice"], len(invoices))
        self.assertEqual(counts["stripe.charge"], len(charges))
        self.assertEqual(counts["stripe.credit.note"], COUNTS["credit_notes"])
        self.assertEqual(duplicates, 0)
        self.assertFalse(self._exceptions().mapped("name"))
        self.assertEqual(self._odoo_receivables(), self._stripe_receivables())
