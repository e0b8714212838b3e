# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stripe invoices reconciled at scale: Odoo rows inserted with SQL, Stripe's
from memory (``connector_reconcile_remote``).

3,000 invoices by default; ``CONNECTOR_RECON_SCALE=100000`` measures 100k
(figures in readme/USAGE.md).
"""

import calendar
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.connector_base.tests.reconciliation_common import (
    ReconciliationScaleMixin,
    scale_size,
)

from .common import StripeCase

SIZE = scale_size(3000)


@tagged("post_install", "-at_install")
class TestStripeReconciliationScale(
    ReconciliationScaleMixin, StripeCase, TransactionCase
):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stripe()

    def _insert_odoo_side(self, size, day):
        """``size`` posted invoices + bindings in one statement; every 100th
        has another total (amount drift)."""
        self.env.cr.execute(
            SQL(
                "WITH moves AS ("
                " INSERT INTO account_move (journal_id, company_id, currency_id, date,"
                " move_type, state, auto_post, payment_state, amount_total, ref,"
                " create_date, write_date)"
                " SELECT %(journal)s, %(company)s, %(usd)s, %(day)s, 'out_invoice',"
                " 'posted', 'no', 'not_paid',"
                " CASE WHEN mod(g, 100) = 0 THEN -1.0 ELSE g END, 'in_s' || g,"
                " now(), now() FROM generate_series(1, %(size)s) g"
                " RETURNING id, ref)"
                " INSERT INTO stripe_invoice (odoo_id, backend_id, backend_company_id,"
                " external_id, create_date, write_date)"
                " SELECT id, %(backend)s, %(company)s, ref, now(), now() FROM moves",
                journal=self.journal.id,
                company=self.backend.company_id.id,
                usd=self.env.ref("base.USD").id,
                day=day,
                size=size,
                backend=self.backend.id,
            )
        )

    def test_large_invoice_run_is_fast(self):
        yesterday = fields.Date.today() - timedelta(days=1)
        noon = calendar.timegm(yesterday.timetuple()) + 12 * 3600
        self._insert_odoo_side(SIZE, yesterday)
        remote = [
            {
                "id": f"in_s{index}",
                "status": "open",
                "total": index * 100,
                "currency": "usd",
                "created": noon,
                "effective_at": noon,
            }
            for index in range(1, SIZE + 1)
        ]
        remote.append({**remote[0], "id": "in_extra"})
        remote.append({**remote[0], "id": "in_draft", "status": "draft"})
        run, elapsed = self._timed_run(
            remote,
            object_type="invoices",
            date_from=yesterday,
            date_to=yesterday,
            allowed_lag_hours=1,
        )
        self.assertEqual((run.remote_count, run.odoo_count), (SIZE + 1, SIZE))
        self.assertBuckets(run, {"amount": SIZE // 100, "missing_odoo": 1})
        self.assertLess(elapsed, max(10.0, SIZE / 10000.0))
