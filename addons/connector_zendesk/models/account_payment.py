# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountPayment(models.Model):
    """A posted customer payment moves the 'last payment date'."""

    _inherit = "account.payment"

    def action_post(self):
        result = super().action_post()
        customers = self.filtered(
            lambda p: p.partner_type == "customer" and p.payment_type == "inbound"
        )
        self.env["zendesk.organization"]._refresh_partners(customers.partner_id)
        return result
