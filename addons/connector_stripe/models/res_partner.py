# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from . import mappers


class ResPartner(models.Model):
    _inherit = "res.partner"

    stripe_bind_ids = fields.One2many(
        "stripe.customer", "odoo_id", string="Stripe bindings"
    )
    stripe_subscription_ids = fields.One2many("stripe.subscription", "partner_id")
    stripe_subscription_count = fields.Integer(compute="_compute_stripe_subs")
    stripe_failed_payment_count = fields.Integer(
        "Failed Stripe payments", readonly=True, copy=False
    )

    def action_export_to_stripe(self, backend=None):
        """Flag partners for Stripe: bind and export those not yet bound."""
        backend = backend or self.env["stripe.backend"].search(
            [("company_id", "in", [False, *self.env.companies.ids])], limit=1
        )
        bindings = self.env["stripe.customer"]
        for partner in self.filtered(
            lambda p: backend not in p.stripe_bind_ids.backend_id
        ):
            bindings |= (
                self.env["stripe.customer"]
                .with_context(connector_no_export=True)
                .create({"backend_id": backend.id, "odoo_id": partner.id})
            )
        bindings._delay_export(bindings, operation="create")
        return bindings

    def action_open_stripe_customers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Stripe customers"),
            "res_model": "stripe.customer",
            "view_mode": "list,form",
            "domain": [("odoo_id", "=", self.id)],
        }

    def _stripe_record_failed_payment(self, charge):
        for partner in self:
            partner.stripe_failed_payment_count += 1
            partner.message_post(
                body=_(
                    "Stripe payment %(charge)s of %(amount)s %(currency)s failed: "
                    "%(reason)s",
                    charge=charge["id"],
                    amount=mappers.to_amount(charge.get("amount"), charge["currency"]),
                    currency=charge["currency"].upper(),
                    reason=charge.get("failure_message") or charge.get("failure_code"),
                )
            )

    @api.depends("stripe_subscription_ids")
    def _compute_stripe_subs(self):
        for partner in self:
            partner.stripe_subscription_count = len(partner.stripe_subscription_ids)

    def action_open_stripe_subscriptions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Stripe subscriptions"),
            "res_model": "stripe.subscription",
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.id)],
        }
