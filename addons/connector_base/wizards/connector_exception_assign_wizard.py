# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ConnectorExceptionAssignWizard(models.TransientModel):
    """Assign a selection of exceptions (and a to-do activity) to a user."""

    _name = "connector.exception.assign.wizard"
    _description = "Assign Connector Exceptions"

    exception_ids = fields.Many2many("connector.exception", required=True)
    user_id = fields.Many2one(
        "res.users",
        required=True,
        domain=lambda self: [
            (
                "groups_id",
                "in",
                self.env.ref("connector_base.connector_base_group_user").ids,
            )
        ],
    )

    def action_confirm(self):
        self.ensure_one()
        self.exception_ids.action_assign(self.user_id)
        return {"type": "ir.actions.act_window_close"}
