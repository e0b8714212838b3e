# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
# (kept apart from salesforce_backend_sync.py: these hooks belong to reconciliation)
"""Reconciliation provider of Salesforce: order parity and status parity.

* ``orders``: the won opportunities closed in the period beside the sale
  orders bound to them (count, untaxed amount, won or not).
* ``payment_status``: the payment status and amount due written back on those
  opportunities beside what Odoo would write now (computed in SQL the way
  ``mappers.invoice_status`` does).

The period is the opportunities' ``CloseDate``. Odoo stores no close date, so
the Odoo side is the orders bound to the period's opportunities plus the
orders converted in the period; the opportunities of the latter that closed
on another day are read by id, so they are compared rather than reported
missing. Amounts are compared without currency (the connector imports them in
the order's currency without conversion, see ROADMAP).
"""

import re
from datetime import datetime, time

from simple_salesforce.format import format_soql

from odoo import models
from odoo.tools import SQL

from odoo.addons.connector_base.models.connector_reconciliation_run import ReconRow

from ..const import PAYMENT_STATUS
from . import mappers

OBJECT_TYPES = [
    ("orders", "Orders (won opportunities)"),
    ("payment_status", "Payment status"),
]
BINDING = "salesforce.opportunity"
FIELD_NAME = re.compile(r"^\w+$")
ID_CHUNK = 200
# an opportunity that left the won stage, or an order cancelled in Odoo
NOT_WON = "not won"

# Per order: its posted customer invoices, then the write-back status.
STATUS_QUERY = SQL(
    "WITH inv AS (SELECT DISTINCT sol.order_id, m.id, m.payment_state, "
    "m.amount_residual FROM sale_order_line sol "
    "JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id "
    "JOIN account_move_line aml ON aml.id = rel.invoice_line_id "
    "JOIN account_move m ON m.id = aml.move_id "
    "WHERE m.state = 'posted' AND m.move_type = 'out_invoice') "
    "SELECT b.external_id, round(coalesce(sum(inv.amount_residual), 0), 2), NULL, "
    "CASE WHEN count(inv.id) = 0 THEN 'none' "
    "WHEN bool_and(inv.payment_state IN ('paid', 'reversed')) THEN 'paid' "
    "WHEN bool_and(inv.payment_state IN ('paid', 'in_payment', 'reversed')) "
    "THEN 'in_payment' "
    "WHEN bool_and(inv.payment_state = 'not_paid') THEN 'not_paid' "
    "ELSE 'partial' END, b.create_date, 0.0, b.id "
    "FROM salesforce_opportunity b JOIN sale_order so ON so.id = b.odoo_id "
    "LEFT JOIN inv ON inv.order_id = so.id"
)
ORDER_QUERY = SQL(
    "SELECT b.external_id, so.amount_untaxed, NULL, "
    "CASE WHEN so.state = 'cancel' THEN %s ELSE 'won' END, "
    "b.create_date, 0.0, b.id "
    "FROM salesforce_opportunity b JOIN sale_order so ON so.id = b.odoo_id",
    NOT_WON,
)


class SalesforceAdapter(models.AbstractModel):
    _inherit = "salesforce.adapter"

    def opportunities_closed(self, backend, names, start, end):
        """Opportunities (any stage) whose CloseDate is in [start, end)."""
        soql = (
            f"SELECT {', '.join(names)} FROM Opportunity WHERE CloseDate >= "
            f"{start:%Y-%m-%d} AND CloseDate < {end:%Y-%m-%d}"
        )
        return self.query_all(backend, soql)

    def opportunities_by_id(self, backend, names, ids):
        records = []
        for index in range(0, len(ids), ID_CHUNK):
            soql = format_soql(
                f"SELECT {', '.join(names)} FROM Opportunity WHERE Id IN {{ids}}",
                ids=ids[index : index + ID_CHUNK],
            )
            records += self.query_all(backend, soql)
        return records


class SalesforceBackend(models.Model):
    _inherit = "salesforce.backend"

    def _connector_external_url(self, model, external_id):
        sobject = getattr(self.env.get(model), "_sf_object", None)
        if not (self.instance_url and sobject and external_id):
            return False
        base = self.instance_url.rstrip("/")
        return f"{base}/lightning/r/{sobject}/{external_id}/view"

    def _connector_reconcile_object_types(self):
        if self._sf_status_columns():
            return list(OBJECT_TYPES)
        return OBJECT_TYPES[:1]

    def _connector_reconcile_fix_mode(self, line):
        """Odoo writes the payment status back: Fix sends it again (an
        opportunity without its order is imported)."""
        if line.object_type == "payment_status" and line.side != "remote":
            return "export"
        return super()._connector_reconcile_fix_mode(line)

    def _sf_status_columns(self):
        """(status field, amount due field) of the write-back, when mapped."""
        self.ensure_one()
        names = (self.sf_field_payment_status, self.sf_field_amount_due)
        if not all(name and FIELD_NAME.match(name) for name in names):
            return None
        return names

    def _connector_reconcile_sources(self, run):
        if run.object_type not in dict(self._connector_reconcile_object_types()):
            return {}
        start, end = run._period_bounds()
        names = ["Id", "StageName", "CloseDate", "Amount"]
        if run.object_type == "payment_status":
            names += list(self._sf_status_columns())
        adapter = self._get_adapter()
        records = adapter.opportunities_closed(self, names, start, end)
        by_id = {rec["Id"]: rec for rec in records}
        query = ORDER_QUERY if run.object_type == "orders" else STATUS_QUERY
        sources = run._source(BINDING, {}, self._sf_recon_where(query, by_id, run))
        source = sources[run.object_type]
        others = [xid for xid in source["odoo"] if xid not in by_id]
        for rec in adapter.opportunities_by_id(self, names, others):
            by_id[rec["Id"]] = rec
        to_row = (
            self._sf_order_row if run.object_type == "orders" else self._sf_status_row
        )
        source["remote"] = {
            xid: to_row(rec)
            for xid, rec in by_id.items()
            if xid in source["odoo"] or rec.get("StageName") == self.conversion_stage
        }
        if run.object_type == "payment_status":
            source["odoo"] = {
                xid: row._replace(status=PAYMENT_STATUS.get(row.status, row.status))
                for xid, row in source["odoo"].items()
            }
        return sources

    def _sf_recon_where(self, query, by_id, run):
        start, end = run._period_bounds()
        group = SQL(" GROUP BY b.id") if query is STATUS_QUERY else SQL()
        return SQL(
            "%s WHERE b.backend_id = %s AND b.external_id IS NOT NULL AND "
            "(b.external_id = ANY(%s::varchar[]) OR "
            "(b.create_date >= %s AND b.create_date < %s))%s",
            query,
            self.id,
            list(by_id),
            start,
            end,
            group,
        )

    def _sf_order_row(self, rec):
        stage = rec.get("StageName")
        return ReconRow(
            mappers.number(rec.get("Amount")),
            None,
            "won" if stage == self.conversion_stage else NOT_WON,
            _close_date(rec),
        )

    def _sf_status_row(self, rec):
        status_field, due_field = self._sf_status_columns()
        return ReconRow(
            mappers.number(rec.get(due_field)),
            None,
            rec.get(status_field) or "",
            _close_date(rec),
        )


def _close_date(rec):
    value = rec.get("CloseDate")
    if not value:
        return None
    return datetime.combine(datetime.strptime(value[:10], "%Y-%m-%d"), time.min)
