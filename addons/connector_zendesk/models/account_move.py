# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    """Explicit triggers: posting, resetting or cancelling a customer invoice
    changes the customer's open balance in Zendesk."""

    _inherit = "account.move"

    def _zendesk_refresh(self):
        invoices = self.filtered(lambda m: m.is_sale_document(include_receipts=True))
        self.env["zendesk.organization"]._refresh_partners(
            invoices.commercial_partner_id
        )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._zendesk_refresh()
        return posted

    def button_draft(self):
        result = super().button_draft()
        self._zendesk_refresh()
        return result

    def button_cancel(self):
        result = super().button_cancel()
        self._zendesk_refresh()
        return result
