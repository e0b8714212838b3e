# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Full-size Stripe scenario (run with ``./setup/test tests/slow``).

200 customers, 50 subscriptions, 600 invoices (some with credit notes), 550
payments, 20 refunds, 5 disputes, 10 payouts: backfill, then the receivable per
customer and currency must equal what Stripe implies, to the cent, every
payout's reconcilable line must be reconciled, and re-importing a sample of
every object three times, shuffled, must change nothing. The backfill time is
printed.
"""

from odoo.tests import tagged

from odoo.addons.connector_stripe.tests import test_backfill

FULL = {
    "customers": 200,
    "subscriptions": 50,
    "invoices": 600,
    "payments": 550,
    "refunds": 20,
    "disputes": 5,
    "credit_notes": 30,
    "payouts": 10,
}


@tagged("post_install", "-at_install")
class TestStripeFullScale(test_backfill.TestBackfill):
    counts = FULL

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        print(  # noqa: T201 - the figure the slow suite reports
            f"Stripe full-size backfill: {sum(cls.seeded.values())} sandbox objects "
            f"in {cls.backfill_seconds:.1f}s"
        )
