# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StripeBindingMixin(models.AbstractModel):
    """What every Stripe binding shares: its Stripe account, that account's
    company (for the multi-company record rules) and the two uniqueness rules.
    The concrete binding declares ``odoo_id`` and ``_inherits`` (a partner, a
    product, an entry or a payment)."""

    _name = "stripe.binding.mixin"
    _inherit = ["connector.binding.mixin"]
    _description = "Stripe Binding (abstract)"

    backend_id = fields.Many2one(
        "stripe.backend", required=True, ondelete="restrict", index=True
    )
    backend_company_id = fields.Many2one(
        related="backend_id.company_id", store=True, string="Backend company"
    )

    _sql_constraints = [
        (
            "backend_external_uniq",
            "unique(backend_id, external_id)",
            "This Stripe object is already bound on this backend.",
        ),
        (
            "backend_odoo_uniq",
            "unique(backend_id, odoo_id)",
            "This Odoo record is already bound to a Stripe object of this account.",
        ),
    ]
