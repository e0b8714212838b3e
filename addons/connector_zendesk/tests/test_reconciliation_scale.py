# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Organization parity at scale: customers and bindings inserted with SQL,
Zendesk's organizations from memory (``connector_reconcile_remote``).

2,000 organizations by default; ``CONNECTOR_RECON_SCALE=100000`` measures 100k
(figures in readme/USAGE.md).
"""

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.connector_base.tests.reconciliation_common import (
    ReconciliationScaleMixin,
    scale_size,
)

from .common import ZendeskMixin

SIZE = scale_size(2000)


@tagged("post_install", "-at_install")
class TestZendeskReconciliationScale(
    ReconciliationScaleMixin, ZendeskMixin, TransactionCase
):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_zendesk()

    def _insert_odoo_side(self, size):
        """``size`` customer companies, each bound to organization ``g``."""
        self.env.cr.execute(
            SQL(
                "WITH partners AS ("
                " INSERT INTO res_partner (name, complete_name, active, type,"
                " is_company, customer_rank, autopost_bills, create_date, write_date)"
                " SELECT 'Scale ' || g, 'Scale ' || g, true, 'contact', true, 1,"
                " 'ask', now(), now() FROM generate_series(1, %(size)s) g"
                " RETURNING id, name)"
                " INSERT INTO zendesk_organization (odoo_id, backend_id,"
                " backend_company_id, external_id, active, sync_date, create_date,"
                " write_date)"
                " SELECT id, %(backend)s, %(company)s, substr(name, 7), true,"
                " now() - interval '3 days', now(), now() FROM partners"
                " RETURNING odoo_id, external_id",
                size=size,
                backend=self.backend.id,
                company=self.backend.company_id.id,
            )
        )
        return self.env.cr.fetchall()

    def _remote(self, bound):
        """What Zendesk holds after an export of customers without invoices;
        every 100th organization was renamed in Zendesk."""
        standing = {
            "open_balance": 0.0,
            "overdue_amount": 0.0,
            "days_overdue": 0,
            "credit_hold": False,
        }
        keys = self.backend._org_field_keys()
        rows = []
        for partner_id, number in bound:
            values = {**standing, "odoo_id": partner_id}
            rows.append(
                {
                    "id": int(number),
                    "external_id": self.backend._partner_xid(partner_id),
                    "name": "Renamed" if int(number) % 100 == 0 else f"Scale {number}",
                    "organization_fields": {
                        key: values.get(name) for name, key in keys.items() if key
                    },
                    "updated_at": "2020-01-01T00:00:00Z",
                }
            )
        return rows

    def test_large_run_is_fast(self):
        remote = self._remote(self._insert_odoo_side(SIZE))
        run, elapsed = self._timed_run(
            remote, object_type="organizations", allowed_lag_hours=1
        )
        self.assertEqual((run.remote_count, run.odoo_count), (SIZE, SIZE))
        self.assertBuckets(run, {"status": SIZE // 100})
        self.assertLess(elapsed, max(20.0, SIZE / 2000.0))
