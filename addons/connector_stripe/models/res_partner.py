# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from . import mappers

# Subscriptions that still bill the customer, most relevant first; any other
# status (canceled, incomplete_expired) only counts when nothing else exists.
LIVE_STATUSES = ("active", "past_due", "unpaid", "trialing", "paused", "incomplete")


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
    stripe_billing = fields.Boolean(
        "Bill through Stripe",
        copy=False,
        help="Create this customer in the Stripe account of the company (queued, "
        "once) and keep its name, email and phone up to date there. Clearing it "
        "stops the updates; the Stripe customer is kept.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """Explicit trigger: a partner created for Stripe billing is exported."""
        partners = super().create(vals_list)
        if not self.env.context.get("connector_no_export"):
            flagged = partners.filtered("stripe_billing")
            if flagged:
                flagged._stripe_export()
        return partners

    def write(self, vals):
        """Explicit triggers: flagging exports the partner (once); editing an
        exported field of a flagged partner queues its update in Stripe."""
        result = super().write(vals)
        if self.env.context.get("connector_no_export"):
            return result
        if vals.get("stripe_billing"):
            self._stripe_export()
        if mappers.CUSTOMER_EXPORT_FIELDS & set(vals):
            bindings = (
                self.sudo().filtered("stripe_billing").stripe_bind_ids
            ).filtered("external_id")
            bindings._delay_export(bindings)
        return result

    def action_export_to_stripe(self):
        """*Bill through Stripe* on the partner form: queue the export."""
        bindings = self._stripe_export()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _(
                    "%(count)s customer(s) queued for export to Stripe.",
                    count=len(bindings),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _stripe_export(self, backend=None):
        """Flag partners for Stripe: bind and export those not yet bound.

        The export is queued (one pending job per binding); a partner already
        bound on the backend is left alone, so a second click never creates a
        second Stripe customer."""
        backend = backend or self.env["stripe.backend"].search(
            [("company_id", "in", [False, *self.env.companies.ids])], limit=1
        )
        if not backend:
            raise UserError(
                _(
                    "No Stripe account is configured for this company: ask an "
                    "administrator to add one under Connectors › Stripe."
                )
            )
        self.filtered(lambda p: not p.stripe_billing).with_context(
            connector_no_export=True
        ).write({"stripe_billing": True})
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

    def _connector_subscription_standing(self):
        """Tier, status and renewal date of each customer's Stripe subscription.

        Read by support integrations (connector_zendesk's organization fields)
        through this hook of connector_base. Per commercial partner the most relevant
        subscription wins: a live one before an ended one (in the order of
        ``LIVE_STATUSES``), then the one whose period ends last. The tier is
        the product's name (else the price's nickname); the renewal date is the
        period end, empty when the subscription ends instead of renewing.
        """
        result = super()._connector_subscription_standing()
        partners = self.commercial_partner_id
        subscriptions = (
            self.env["stripe.subscription"]
            .sudo()
            .search([("partner_id", "child_of", partners.ids)])
        )
        best = {}
        for sub in subscriptions:
            key = sub.partner_id.commercial_partner_id.id
            if key not in best or self._stripe_rank(sub) > self._stripe_rank(best[key]):
                best[key] = sub
        for partner in self:
            sub = best.get(partner.commercial_partner_id.id)
            if not sub:
                continue
            renews = sub.status in LIVE_STATUSES and not sub.cancel_at_period_end
            result[partner.id] = {
                "subscription_tier": sub.product_id.name or sub.plan or None,
                "subscription_status": sub.status,
                "renewal_date": sub.current_period_end.date()
                if renews and sub.current_period_end
                else None,
            }
        return result

    @staticmethod
    def _stripe_rank(sub):
        live = sub.status in LIVE_STATUSES
        order = -LIVE_STATUSES.index(sub.status) if live else -len(LIVE_STATUSES)
        return (
            live,
            order,
            sub.current_period_end or fields.Datetime.from_string("1970-01-01"),
            sub.id,
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
