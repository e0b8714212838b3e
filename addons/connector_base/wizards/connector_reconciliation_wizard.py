# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ConnectorReconciliationWizard(models.TransientModel):
    """Run a reconciliation now for one backend, object type(s) and period."""

    _name = "connector.reconciliation.wizard"
    _description = "Run a Connector Reconciliation"

    backend_ref = fields.Reference(
        selection="_selection_backend_ref", string="Backend", required=True
    )
    object_type = fields.Char(help="Leave empty to reconcile every object type.")
    period = fields.Selection(
        [("day", "Day"), ("month", "Month"), ("custom", "Custom range")],
        default="day",
        required=True,
    )
    date_from = fields.Date(
        required=True, default=lambda s: fields.Date.today() - timedelta(days=1)
    )
    date_to = fields.Date(
        required=True, default=lambda s: fields.Date.today() - timedelta(days=1)
    )
    allowed_lag_hours = fields.Integer(default=48)

    @api.model
    def _selection_backend_ref(self):
        return self.env["connector.reconciliation.run"]._selection_backend_ref()

    @api.onchange("period", "date_from")
    def _onchange_period(self):
        if self.period == "day" and self.date_from:
            self.date_to = self.date_from
        elif self.period == "month" and self.date_from:
            self.date_from = self.date_from.replace(day=1)
            self.date_to = self.date_from + relativedelta(months=1, days=-1)

    def action_run(self):
        self.ensure_one()
        backend = self.backend_ref
        types = [code for code, _label in backend._connector_reconcile_object_types()]
        if self.object_type:
            types = [self.object_type]
        if not types:
            raise UserError(_("%s has nothing to reconcile.", backend.display_name))
        run_model = self.env["connector.reconciliation.run"]
        runs = run_model.create(
            [
                {
                    **run_model._backend_vals(backend),
                    "object_type": code,
                    "period": self.period,
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                    "allowed_lag_hours": self.allowed_lag_hours,
                }
                for code in types
            ]
        )
        runs.action_run()
        return {
            "type": "ir.actions.act_window",
            "name": _("Reconciliation"),
            "res_model": "connector.reconciliation.run",
            "view_mode": "list,form",
            "domain": [("id", "in", runs.ids)],
        }
