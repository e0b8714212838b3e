# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StripeTaxMap(models.Model):
    """Stripe tax rate -> Odoo tax, per backend (the tax treatment is Odoo's)."""

    _name = "stripe.tax.map"
    _description = "Stripe Tax Mapping"
    _order = "backend_id, percentage"

    backend_id = fields.Many2one("stripe.backend", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="backend_id.company_id")
    stripe_tax_rate = fields.Char("Stripe tax rate id", required=True)
    percentage = fields.Float(help="Stripe's percentage, for the reader.")
    inclusive = fields.Boolean(help="Stripe rate included in prices.")
    tax_id = fields.Many2one(
        "account.tax",
        required=True,
        domain="[('type_tax_use', '=', 'sale'), ('company_id', '=', company_id)]",
    )

    _sql_constraints = [
        (
            "rate_uniq",
            "unique(backend_id, stripe_tax_rate)",
            "This Stripe tax rate is already mapped on this backend.",
        )
    ]
