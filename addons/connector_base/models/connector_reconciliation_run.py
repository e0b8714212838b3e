# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from collections import namedtuple
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.exception import RetryableJobError

from ..exceptions import ConnectorError
from .connector_backend_ref_mixin import concrete_models

_logger = logging.getLogger(__name__)

# One object on one side: amount in currency units, ISO currency, status
# string, date (date or naive UTC datetime), fee in currency units.
ReconRow = namedtuple("ReconRow", "amount currency status date fee", defaults=(0.0,))

BUCKETS = [
    ("missing_odoo", "Missing in Odoo"),
    ("missing_remote", "Missing in the service"),
    ("amount", "Amount differs"),
    ("fee", "Fee differs"),
    ("fx", "Currency differs (FX)"),
    ("status", "Status differs"),
    ("timing", "Not synced yet (within the allowed lag)"),
]
CENT = 0.005


def _as_datetime(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, dtime.min)
    return None


def classify(remote, odoo, lag_limit):
    """Compare two ``{external_id: ReconRow}`` dicts; yield (id, bucket).

    Each drifting object lands in exactly one bucket, checked in this order:
    missing (or timing when newer than ``lag_limit``), FX, amount, fee, status.
    """
    for external_id, row in remote.items():
        other = odoo.get(external_id)
        if other is None:
            recent = (_as_datetime(row.date) or lag_limit) > lag_limit
            yield external_id, "timing" if recent else "missing_odoo"
            continue
        bucket = _pair_bucket(row, other)
        if bucket:
            yield external_id, bucket
    for external_id, row in odoo.items():
        if external_id not in remote:
            recent = (_as_datetime(row.date) or lag_limit) > lag_limit
            yield external_id, "timing" if recent else "missing_remote"


def _pair_bucket(row, other):
    if (row.currency or "").upper() != (other.currency or "").upper():
        return "fx"
    if abs((row.amount or 0.0) - (other.amount or 0.0)) > CENT:
        return "amount"
    if abs((row.fee or 0.0) - (other.fee or 0.0)) > CENT:
        return "fee"
    if (row.status or "") != (other.status or ""):
        return "status"
    return None


class ConnectorReconciliationRun(models.Model):
    """Service totals beside Odoo totals for one backend, object type and period."""

    _name = "connector.reconciliation.run"
    _description = "Connector Reconciliation Run"
    _inherit = ["connector.backend.ref.mixin", "mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    service = fields.Char(compute="_compute_service", store=True, index=True)
    object_type = fields.Char(required=True, index=True)
    period = fields.Selection(
        [("day", "Day"), ("month", "Month"), ("custom", "Custom range")],
        default="day",
        required=True,
    )
    date_from = fields.Date(required=True, default=lambda s: _yesterday())
    date_to = fields.Date(required=True, default=lambda s: _yesterday())
    allowed_lag_hours = fields.Integer(
        default=48,
        help="An object missing on one side but newer than this is counted as "
        "'not synced yet' (timing), not as missing.",
    )
    state = fields.Selection(
        [("draft", "To run"), ("done", "Done"), ("failed", "Failed")],
        default="draft",
        required=True,
        tracking=True,
    )
    message = fields.Char(readonly=True)
    run_at = fields.Datetime(readonly=True)
    duration = fields.Float("Duration (s)", readonly=True, digits=(16, 3))
    remote_count = fields.Integer("Service count", readonly=True)
    remote_amount = fields.Float("Service total", readonly=True)
    odoo_count = fields.Integer("Odoo count", readonly=True)
    odoo_amount = fields.Float("Odoo total", readonly=True)
    drift_count = fields.Integer(readonly=True)
    drift_amount = fields.Float(
        readonly=True, help="Sum of the absolute differences of the drift lines."
    )
    line_ids = fields.One2many("connector.reconciliation.line", "run_id")

    @api.depends("backend_model", "backend_id", "object_type", "date_from", "date_to")
    def _compute_name(self):
        for run in self:
            period = (
                f"{run.date_from}"
                if run.date_to == run.date_from
                else f"{run.date_from} → {run.date_to}"
            )
            run.name = f"{run.service or ''} {run.object_type or ''} {period}".strip()

    @api.depends("backend_model")
    def _compute_service(self):
        for run in self:
            model = self.env.get(run.backend_model) if run.backend_model else None
            run.service = model._connector_service if model is not None else False

    @api.onchange("period", "date_from")
    def _onchange_period(self):
        if self.period == "day" and self.date_from:
            self.date_to = self.date_from
        elif self.period == "month" and self.date_from:
            self.date_from = self.date_from.replace(day=1)
            self.date_to = self.date_from + relativedelta(months=1, days=-1)

    # ------------------------------------------------------------------
    # Running
    # ------------------------------------------------------------------
    def action_run(self):
        for run in self:
            run._run()
        return True

    def _run(self):
        self.ensure_one()
        started = time.perf_counter()
        backend = self._get_backend()
        source = self._fetch_sources(backend).get(self.object_type)
        if source is None:
            known = [
                code for code, _label in backend._connector_reconcile_object_types()
            ]
            raise UserError(
                _(
                    "%(service)s cannot reconcile '%(object)s'. Choose one of: "
                    "%(known)s.",
                    service=self.service,
                    object=self.object_type,
                    known=", ".join(known) or _("none"),
                )
            )
        fetched = time.perf_counter()
        lines = self._drift_lines(source)
        compared = time.perf_counter()
        self._replace_lines(lines)
        _logger.info(
            "Reconciliation %s: sources %.2fs, compare %.2fs, lines %.2fs",
            self.name,
            fetched - started,
            compared - fetched,
            time.perf_counter() - compared,
        )
        remote, odoo = source["remote"], source["odoo"]
        self.write(
            {
                "state": "done",
                "run_at": fields.Datetime.now(),
                "remote_count": len(remote),
                "remote_amount": sum(r.amount or 0.0 for r in remote.values()),
                "odoo_count": len(odoo),
                "odoo_amount": sum(r.amount or 0.0 for r in odoo.values()),
                "drift_count": len(lines),
                "drift_amount": sum(abs(v["difference"]) for v in lines),
                "duration": time.perf_counter() - started,
                "message": False,
            }
        )
        return lines

    def _fetch_sources(self, backend):
        """The backend's rows; a service that cannot be read (outage, rate
        limit, refused key) fails this run with a message, not a traceback."""
        try:
            return backend._connector_reconcile_sources(self)
        except (ConnectorError, RetryableJobError) as err:
            raise UserError(
                _(
                    "%(service)s could not be read (%(error)s). Run the "
                    "reconciliation again later.",
                    service=self.service,
                    error=err,
                )
            ) from err

    def _replace_lines(self, lines):
        """A re-run replaces the open lines; handled lines stay, and become
        'fixed' once their object no longer drifts."""
        # a run owns its lines: whoever may run it (a Connector User) replaces
        # them, though only managers may delete lines by hand
        self.line_ids.filtered(lambda line: line.state == "open").sudo().unlink()
        handled = self.line_ids
        handled_ids = set(handled.mapped("external_id"))
        drifting = {vals["external_id"] for vals in lines}
        handled.filtered(
            lambda line: line.state == "fixing" and line.external_id not in drifting
        ).write({"state": "fixed"})
        self.env["connector.reconciliation.line"].create(
            [vals for vals in lines if vals["external_id"] not in handled_ids]
        )

    def _lag_limit(self):
        # To the microsecond, not fields.Datetime.now(): create dates carry
        # microseconds, and a record made in this very second would otherwise be
        # "newer than now" and land in timing with a lag of 0.
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        return now - timedelta(hours=self.allowed_lag_hours)

    def _drift_lines(self, source):
        remote, odoo = source["remote"], source["odoo"]
        binding_ids = source.get("binding_ids", {})
        common = {
            **self._backend_vals(self._get_backend()),
            "run_id": self.id,
            "object_type": self.object_type,
            "binding_model": source["binding_model"],
        }
        empty = ReconRow(0.0, False, False, False, 0.0)
        lines = []
        for external_id, bucket in classify(remote, odoo, self._lag_limit()):
            r, o = remote.get(external_id), odoo.get(external_id)
            rr, oo = r or empty, o or empty
            lines.append(
                {
                    **common,
                    "external_id": external_id,
                    "bucket": bucket,
                    "binding_id": binding_ids.get(external_id, False),
                    "side": "both" if r and o else ("remote" if r else "odoo"),
                    "remote_amount": rr.amount or 0.0,
                    "odoo_amount": oo.amount or 0.0,
                    "difference": _difference(bucket, rr, oo),
                    "remote_currency": rr.currency or False,
                    "odoo_currency": oo.currency or False,
                    "remote_status": rr.status or False,
                    "odoo_status": oo.status or False,
                    "remote_fee": rr.fee or 0.0,
                    "odoo_fee": oo.fee or 0.0,
                    "remote_date": _as_datetime(rr.date) or False,
                    "odoo_date": _as_datetime(oo.date) or False,
                }
            )
        return lines

    # ------------------------------------------------------------------
    # Helpers for the backend hooks and the cron
    # ------------------------------------------------------------------
    def _period_bounds(self):
        """Naive UTC datetimes [start, end) of the run's period."""
        self.ensure_one()
        start = datetime.combine(self.date_from, dtime.min)
        return start, datetime.combine(self.date_to, dtime.min) + timedelta(days=1)

    @api.model
    def _rows_from_sql(self, query):
        """Run ``query`` (an ``odoo.tools.SQL`` selecting external_id, amount,
        currency, status, date, fee and binding id) -> (rows, binding ids)."""
        self.env.flush_all()  # the query reads what this transaction wrote
        self.env.cr.execute(query)
        rows, ids = {}, {}
        for (
            ext,
            amount,
            currency,
            status,
            day,
            fee,
            binding_id,
        ) in self.env.cr.fetchall():
            rows[ext] = ReconRow(amount or 0.0, currency, status, day, fee or 0.0)
            ids[ext] = binding_id
        return rows, ids

    def _source(self, binding_model, remote, query):
        """The entry of ``_connector_reconcile_sources`` for this run's object
        type: ``remote`` rows beside the Odoo rows ``query`` selects (see
        ``_rows_from_sql``)."""
        self.ensure_one()
        odoo, binding_ids = self._rows_from_sql(query)
        return {
            self.object_type: {
                "binding_model": binding_model,
                "remote": remote,
                "odoo": odoo,
                "binding_ids": binding_ids,
            }
        }

    def _remote_in_period(self, records, to_row, key="id"):
        """``{external id: ReconRow}`` of the service's ``records`` dated in the
        period; ``to_row(record)`` returns a ReconRow (its date decides) or None
        for an object the connector never imports (a draft, a failed charge).

        ``connector_reconcile_remote`` in the context (an iterable of records)
        replaces ``records``: benchmarks feed the service side from memory."""
        self.ensure_one()
        start, end = self._period_bounds()
        in_memory = self.env.context.get("connector_reconcile_remote")
        rows = {}
        for record in records if in_memory is None else in_memory:
            row = to_row(record)
            day = _as_datetime(row.date) if row else None
            if day and start <= day < end:
                rows[str(record[key])] = row
        return rows

    @api.model
    def _cron_reconcile(self, days_back=1):
        """Reconcile yesterday for every active backend and object type."""
        day = fields.Date.today() - timedelta(days=days_back)
        runs = self.browse()
        for model in concrete_models(self.env, "connector.backend.mixin"):
            for backend in self.env[model].search([("state", "=", "connected")]):
                for code, _label in backend._connector_reconcile_object_types():
                    runs |= self.create(
                        {
                            **self._backend_vals(backend),
                            "object_type": code,
                            "date_from": day,
                            "date_to": day,
                        }
                    )
        for run in runs:
            try:
                with self.env.cr.savepoint():
                    run._run()
            except UserError as err:
                run.write({"state": "failed", "message": str(err)[:250]})
                _logger.warning("Reconciliation %s failed: %s", run.name, err)
        return runs

    def action_open_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Drift lines"),
            "res_model": "connector.reconciliation.line",
            "view_mode": "list,form,pivot,graph",
            "domain": [("run_id", "=", self.id)],
        }


def _yesterday():
    return fields.Date.today() - timedelta(days=1)


def _difference(bucket, remote, odoo):
    if bucket == "fee":
        return (remote.fee or 0.0) - (odoo.fee or 0.0)
    if bucket == "status":
        return 0.0
    return (remote.amount or 0.0) - (odoo.amount or 0.0)
