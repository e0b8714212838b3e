# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reconciliation at scale: Odoo rows inserted with SQL, the service's rows from
an in-memory source (``connector_reconcile_remote``).

The default run uses 3,000 objects; ``CONNECTOR_RECON_SCALE=100000`` measures the
100k-object run (figures in connector_base/readme/USAGE.md).
"""

from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.connector_base.tests.reconciliation_common import (
    ReconciliationScaleMixin,
    scale_size,
)

from .common import ConnectorTestMixin

SIZE = scale_size(3000)


@tagged("post_install", "-at_install")
class TestReconciliationScale(
    ReconciliationScaleMixin, ConnectorTestMixin, TransactionCase
):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service()
        cls.backend = cls._make_backend(cls.env)

    def _insert_odoo_side(self, size, noon):
        """``size`` partners + bindings in two INSERT ... SELECT statements.

        Every 100th object has a different balance (amount drift)."""
        self.env.cr.execute(
            SQL(
                "WITH partners AS ("
                " INSERT INTO res_partner (name, complete_name, active, type,"
                " autopost_bills, create_date, write_date)"
                " SELECT 'Scale ' || g, 'Scale ' || g, true, 'contact', 'ask',"
                " now(), now() FROM generate_series(1, %(size)s) g"
                " RETURNING id, name)"
                " INSERT INTO connector_test_partner (odoo_id, backend_id,"
                " backend_company_id, external_id, test_balance, test_fee,"
                " test_currency, test_date, create_date, write_date)"
                " SELECT id, %(backend)s, %(company)s,"
                " 'cus_s' || substr(name, 7),"
                " CASE WHEN mod(substr(name, 7)::int, 100) = 0 THEN -1.0 ELSE"
                " substr(name, 7)::int / 100.0 END, 0.3, 'USD', %(noon)s, now(), now()"
                " FROM partners",
                size=size,
                backend=self.backend.id,
                company=self.backend.company_id.id,
                noon=noon,
            )
        )

    def test_large_run_is_fast(self):
        yesterday = fields.Date.today() - timedelta(days=1)
        noon = datetime.combine(yesterday, datetime.min.time()) + timedelta(hours=12)
        epoch_noon = int((noon - datetime(1970, 1, 1)).total_seconds())
        self._insert_odoo_side(SIZE, noon)
        remote = [
            {
                "id": f"cus_s{index}",
                "balance": index,
                "fee": 30,
                "currency": "usd",
                "status": "active",
                "created": epoch_noon,
            }
            for index in range(1, SIZE + 1)
        ]
        remote.append({**remote[0], "id": "cus_extra", "balance": 5000})
        run, elapsed = self._timed_run(
            remote,
            object_type="customers",
            date_from=yesterday,
            date_to=yesterday,
            allowed_lag_hours=1,
        )
        self.assertEqual(run.remote_count, SIZE + 1)
        self.assertEqual(run.odoo_count, SIZE)
        self.assertBuckets(run, {"amount": SIZE // 100, "missing_odoo": 1})
        self.assertLess(elapsed, max(10.0, SIZE / 10000.0))
