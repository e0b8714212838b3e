# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reconciliation provider of Stripe: Stripe's objects beside Odoo's entries.

Per object type, the service side is read through the adapter's list pages
(``created`` range of the period, widened by a look-back where the date Odoo
books differs from ``created``), the Odoo side in one SQL query over the
binding table joined to its entry or payment. Statuses are mapped to words both
sides can express (see ``INVOICE_STATUS`` and the queries).
"""

import functools
from datetime import timedelta

from odoo import models

from odoo.addons.connector_base.models.connector_reconciliation_run import ReconRow

from . import mappers
from .stripe_adapter import PAGE_SIZE, plain
from .stripe_reconciliation_sql import odoo_query

OBJECT_TYPES = [
    ("invoices", "Invoices"),
    ("payments", "Payments"),
    ("refunds", "Refunds"),
    ("disputes", "Disputes"),
    ("payouts", "Payouts"),
    ("fees", "Fees (balance transactions)"),
]
# object type -> (binding model, Stripe list, look-back days before the period)
SPECS = {
    "invoices": ("stripe.invoice", "invoices", 7),  # finalized after creation
    "payments": ("stripe.charge", "charges", 0),
    "refunds": ("stripe.refund", "refunds", 0),
    "disputes": ("stripe.dispute", "disputes", 0),
    "payouts": ("stripe.payout", "payouts", 7),  # booked on the arrival date
    "fees": ("stripe.payout", "payouts", 7),
}
# Stripe invoice status -> the word the Odoo query gives its entry
INVOICE_STATUS = {
    "open": "open",
    "paid": "paid",
    "void": "cancelled",  # cancelled or reversed in Odoo
    "uncollectible": "cancelled",
}
DISPUTE_CLOSED = ("won", "lost")


def _row(data, amount, status, stamp, fee=0):
    currency = data.get("currency")
    return ReconRow(
        mappers.to_amount(amount, currency),
        (currency or "").upper() or None,
        status,
        mappers.epoch(stamp),
        mappers.to_amount(fee, currency),
    )


def invoice_row(data):
    if data.get("status") == "draft":
        return None  # never posted until finalized
    stamp = data.get("effective_at") or data.get("created")
    return _row(data, data.get("total"), INVOICE_STATUS.get(data["status"]), stamp)


def charge_row(data):
    if data.get("status") != "succeeded" or not data.get("captured", True):
        return None  # nothing received: the importer skips it
    return _row(data, data.get("amount"), "succeeded", data.get("created"))


def refund_row(data):
    taken_back = data.get("status") in ("failed", "canceled")
    status = "canceled" if taken_back else "succeeded"
    return _row(data, data.get("amount"), status, data.get("created"))


def dispute_row(data):
    status = data.get("status")
    status = status if status in DISPUTE_CLOSED else "open"
    fee = mappers.dispute_fee(data)
    return _row(data, data.get("amount"), status, data.get("created"), fee)


def payout_row(data):
    if data.get("status") != "paid":
        return None  # not on the bank account yet: not booked
    stamp = data.get("arrival_date") or data.get("created")
    return _row(data, data.get("amount"), "paid", stamp)


def payout_fee(transactions):
    """Processing fees a payout settled, as its clearing entry books them (the
    fees of disputes are on the dispute's own entry)."""
    return sum(
        txn.get("fee") or 0
        for txn in transactions
        if txn.get("type") != "payout" and not str(txn.get("source")).startswith("dp_")
    )


class StripeAdapter(models.AbstractModel):
    _inherit = "stripe.adapter"

    def list_created(self, backend, resource, start, end):
        """Every object of ``resource`` created in [start, end), all pages."""
        params = {
            "limit": PAGE_SIZE,
            "created": {"gte": _epoch(start), "lt": _epoch(end)},
        }
        with self._guard(backend):
            pages = self._service(backend, resource).list(params=params)
            for obj in pages.auto_paging_iter():
                yield plain(obj)


class StripeBackend(models.Model):
    _inherit = "stripe.backend"

    def _connector_external_url(self, model, external_id):
        path = DASHBOARD_PATHS.get(model)
        if not path or not external_id:
            return False
        test = "test/" if self.environment != "live" else ""
        return f"https://dashboard.stripe.com/{test}{path}/{external_id}"

    def _connector_reconcile_object_types(self):
        return list(OBJECT_TYPES)

    def _connector_reconcile_sources(self, run):
        spec = SPECS.get(run.object_type)
        if not spec:
            return {}
        binding_model, resource, lookback = spec
        start, end = run._period_bounds()
        records = self._stripe_recon_list(resource, start - timedelta(lookback), end)
        remote = run._remote_in_period(records, self._stripe_recon_mapper(run))
        query = odoo_query(run.object_type, self.id, start, end)
        sources = run._source(binding_model, remote, query)
        _drop_inert(sources[run.object_type])
        return sources

    def _stripe_recon_list(self, resource, start, end):
        """Lazily: nothing is fetched when a benchmark feeds the rows."""
        yield from self._get_adapter().list_created(self, resource, start, end)

    def _stripe_recon_mapper(self, run):
        if run.object_type == "fees":
            return functools.partial(self._stripe_fee_row, *run._period_bounds())
        return {
            "invoices": invoice_row,
            "payments": charge_row,
            "refunds": refund_row,
            "disputes": dispute_row,
            "payouts": payout_row,
        }[run.object_type]

    def _stripe_fee_row(self, start, end, data):
        """A paid payout of the period with the fees of the transactions it
        settled (one list call per payout of the period)."""
        row = payout_row(data)
        if not row or not start <= row.date < end:
            return None
        transactions = data.get("transactions")
        if transactions is None:
            transactions = self._get_adapter().payout_transactions(self, data["id"])
        fee = mappers.to_amount(payout_fee(transactions), data.get("currency"))
        return row._replace(fee=fee)


DASHBOARD_PATHS = {
    "stripe.customer": "customers",
    "stripe.invoice": "invoices",
    "stripe.credit.note": "credit_notes",
    "stripe.charge": "payments",
    "stripe.refund": "refunds",
    "stripe.dispute": "disputes",
    "stripe.payout": "payouts",
    "stripe.product": "products",
    "stripe.subscription": "subscriptions",
}


def _epoch(value):
    return int((value - _EPOCH).total_seconds())


def _drop_inert(source):
    """A refund that failed before Odoo ever saw it moved no money: it is not
    drift (the importer skips it)."""
    odoo, remote = source["odoo"], source["remote"]
    for external_id in [
        xid
        for xid, row in remote.items()
        if row.status == "canceled" and xid not in odoo
    ]:
        del remote[external_id]


_EPOCH = mappers.epoch(0)
