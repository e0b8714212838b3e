# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .connector_backend_ref_mixin import concrete_models

WAITING = ("pending", "enqueued", "started", "wait_dependencies")


class ConnectorDashboard(models.AbstractModel):
    """Per-backend health figures for the Connectors dashboard (OWL client action)."""

    _name = "connector.dashboard"
    _description = "Connector Dashboard"

    @api.model
    def get_dashboard_data(self):
        since = fields.Datetime.now() - timedelta(days=1)
        cards = []
        for model in concrete_models(self.env, "connector.backend.mixin"):
            for backend in self.env[model].search([]):
                cards.append(self._backend_card(backend, since))
        return {"cards": cards}

    def _backend_card(self, backend, since=None):
        """The health figures of one backend (``since``: start of the 24 h
        window of the failure rate and the webhook lag)."""
        since = since or fields.Datetime.now() - timedelta(days=1)
        ref = [("backend_model", "=", backend._name), ("backend_id", "=", backend.id)]
        service = backend._connector_service
        queue = self._queue_figures(service, since)
        [[last_sync]] = (
            self.env["connector.audit.line"]
            .sudo()
            ._read_group(
                ref + [("action", "in", ("create", "update"))], [], ["create_date:max"]
            )
        )
        [[drift_count, drift_amount]] = self.env[
            "connector.reconciliation.line"
        ]._read_group(ref + [("state", "=", "open")], [], ["__count", "difference:sum"])
        return {
            "backend_model": backend._name,
            "backend_id": backend.id,
            "name": backend.display_name,
            "service": service,
            "state": backend.state,
            "last_sync": fields.Datetime.to_string(last_sync) if last_sync else False,
            **queue,
            "webhook_lag": self._webhook_lag(backend, since),
            "open_exceptions": self.env["connector.exception"].search_count(
                ref + [("state", "=", "new")]
            ),
            "drift_count": drift_count,
            "drift_amount": self._drift_amount(backend),
            "drift_net": drift_amount or 0.0,
        }

    def _queue_figures(self, service, since):
        jobs = self.env["queue.job"].sudo()
        channel = [("channel", "=like", f"root.connector.{service}%")]
        by_state = dict(jobs._read_group(channel, ["state"], ["__count"]))
        recent = dict(
            jobs._read_group(
                channel + [("date_created", ">=", since)], ["state"], ["__count"]
            )
        )
        finished = recent.get("done", 0) + recent.get("failed", 0)
        return {
            "queue_depth": sum(by_state.get(state, 0) for state in WAITING),
            "queue_failed": by_state.get("failed", 0),
            "failure_rate": round(100.0 * recent.get("failed", 0) / finished, 1)
            if finished
            else 0.0,
        }

    def _webhook_lag(self, backend, since):
        self.env.cr.execute(
            SQL(
                "SELECT avg(extract(epoch FROM received_at - source_ts)) "
                "FROM connector_event WHERE backend_model = %s AND backend_id = %s "
                "AND source_ts IS NOT NULL AND received_at >= %s",
                backend._name,
                backend.id,
                since,
            )
        )
        lag = self.env.cr.fetchone()[0]
        return round(float(lag), 1) if lag is not None else False

    def _drift_amount(self, backend):
        self.env.cr.execute(
            SQL(
                "SELECT coalesce(sum(abs(difference)), 0) "
                "FROM connector_reconciliation_line WHERE backend_model = %s "
                "AND backend_id = %s AND state = 'open'",
                backend._name,
                backend.id,
            )
        )
        return float(self.env.cr.fetchone()[0])
