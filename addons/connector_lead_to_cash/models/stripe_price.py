# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

INTERVALS = [("month", "Monthly"), ("year", "Yearly")]


class StripePrice(models.Model):
    """A recurring Stripe price created for an Odoo product at one amount.

    Stripe bills subscriptions from prices; the order lines of a deal need a
    recurring price per (product, currency, unit amount, interval). One record
    per combination and backend, reused by every deal: no duplicate prices.
    """

    _name = "stripe.price"
    _description = "Stripe Price"
    _rec_name = "external_id"

    backend_id = fields.Many2one(
        "stripe.backend", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True)
    unit_amount = fields.Integer(required=True, help="In the currency's minor unit.")
    interval = fields.Selection(INTERVALS, required=True, default="month")
    external_id = fields.Char(required=True, index=True, readonly=True)

    _sql_constraints = [
        (
            "price_uniq",
            "unique(backend_id, product_id, currency_id, unit_amount, interval)",
            "This product already has this Stripe price on this backend.",
        ),
        (
            "backend_external_uniq",
            "unique(backend_id, external_id)",
            "This Stripe price is already known on this backend.",
        ),
    ]
