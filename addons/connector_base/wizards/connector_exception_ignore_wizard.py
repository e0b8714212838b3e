# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models


class ConnectorExceptionIgnoreWizard(models.TransientModel):
    """Ignore a selection of exceptions with a reason kept in their chatter."""

    _name = "connector.exception.ignore.wizard"
    _description = "Ignore Connector Exceptions"

    exception_ids = fields.Many2many("connector.exception", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.exception_ids.action_ignore(reason=self.reason)
        for exception in self.exception_ids:
            exception.message_post(body=_("Ignored: %s", self.reason))
        return {"type": "ir.actions.act_window_close"}
