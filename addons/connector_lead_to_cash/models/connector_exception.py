# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

FIXES = {
    "payment_failed": "Ask the customer to pay the invoice in Stripe (another "
    "card or a transfer), then retry.",
    "currency_not_mapped": "Bill the order in the currency the customer already "
    "pays in Stripe, or use another Stripe account, then retry.",
}


class ConnectorException(models.Model):
    _inherit = "connector.exception"

    exception_class = fields.Selection(
        selection_add=[
            ("payment_failed", "Payment failed"),
            ("currency_not_mapped", "Currency not billable"),
        ],
        ondelete={
            "payment_failed": "set default",
            "currency_not_mapped": "set default",
        },
    )

    def _lc_fill_fix(self):
        for rec in self.filtered(lambda e: not e.suggested_fix):
            rec.suggested_fix = FIXES.get(rec.exception_class) or False
