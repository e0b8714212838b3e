# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reconciliation and workbench hooks of the test service (worked example).

The customers carry a balance (cents), a fee (cents), a currency, a status and
a creation date; the binding holds the Odoo side of the same figures.
"""

from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.connector_base.models.connector_reconciliation_run import ReconRow

from .mappers import epoch


class ConnectorTestPartner(models.Model):
    _inherit = "connector.test.partner"

    test_balance = fields.Float("Balance", readonly=True)
    test_fee = fields.Float("Fee", readonly=True)
    test_currency = fields.Char("Balance currency", readonly=True)
    test_date = fields.Datetime("Created in the service", readonly=True, index=True)


class ConnectorTestBackend(models.Model):
    _inherit = "connector.test.backend"

    def _connector_external_url(self, model, external_id):
        return f"https://dashboard.test-service.invalid/customers/{external_id}"

    def _connector_reconcile_object_types(self):
        return [("customers", "Customers")]

    def _connector_reconcile_sources(self, run):
        start, end = run._period_bounds()
        query = SQL(
            "SELECT b.external_id, b.test_balance, b.test_currency, "
            "CASE WHEN p.active THEN 'active' ELSE 'archived' END, "
            "b.test_date, b.test_fee, b.id "
            "FROM connector_test_partner b JOIN res_partner p ON p.id = b.odoo_id "
            "WHERE b.backend_id = %s AND b.external_id IS NOT NULL "
            "AND b.test_date >= %s AND b.test_date < %s",
            self.id,
            start,
            end,
        )
        remote = run._remote_in_period(self._reconcile_remote_customers(), customer_row)
        return run._source("connector.test.partner", remote, query)

    def _reconcile_remote_customers(self):
        """All customers through the adapter's pages, lazily: nothing is
        fetched when ``connector_reconcile_remote`` in the context feeds the
        rows from memory (the 100k-record benchmark does)."""
        adapter, cursor = self._get_adapter(), None
        while True:
            records, cursor = adapter.search_page(self, "customers", cursor=cursor)
            yield from records
            if not cursor:
                return


def customer_row(customer):
    """A customer of the service as a ReconRow (amounts in cents there)."""
    return ReconRow(
        (customer.get("balance") or 0) / 100.0,
        (customer.get("currency") or "").upper() or None,
        customer.get("status") or "active",
        epoch(customer.get("created")),
        (customer.get("fee") or 0) / 100.0,
    )


class ConnectorTestPartnerImporter(models.AbstractModel):
    _inherit = "connector.test.partner.importer"

    def _map_record(self, backend, data):
        """Also bring the reconciled figures, so a 'Fix' closes the drift."""
        vals = super()._map_record(backend, data)
        if "balance" in data:
            vals.update(
                test_balance=(data.get("balance") or 0) / 100.0,
                test_fee=(data.get("fee") or 0) / 100.0,
                test_currency=(data.get("currency") or "").upper() or False,
                test_date=epoch(data.get("created")),
            )
        return vals
