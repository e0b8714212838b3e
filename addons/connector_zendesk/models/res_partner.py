# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    zendesk_bind_ids = fields.One2many(
        "zendesk.organization",
        "odoo_id",
        string="Zendesk organizations",
        groups="connector_base.connector_base_group_user",
    )
    zendesk_ticket_ids = fields.One2many(
        "zendesk.ticket", "partner_id", string="Zendesk tickets"
    )
    zendesk_ticket_count = fields.Integer(
        "Tickets", compute="_compute_zendesk_ticket_count"
    )

    def _compute_zendesk_ticket_count(self):
        rows = self.env["zendesk.ticket"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in rows}
        for partner in self:
            partner.zendesk_ticket_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def _connector_subscription_standing(self):
        """Hook: ``{partner id: {subscription_tier, subscription_status,
        renewal_date}}`` for these partners.

        Empty here. A billing integration (e.g. connector_stripe) overrides it
        on ``res.partner``; the ``getattr`` keeps the chain working whichever
        module loads first, so neither needs to depend on the other.
        """
        parent = getattr(super(), "_connector_subscription_standing", None)
        return parent() if parent else {}

    def action_open_zendesk_tickets(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Zendesk tickets"),
            "res_model": "zendesk.ticket",
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
        }

    def action_zendesk_refresh(self):
        """Send this customer's standing to Zendesk now (queued)."""
        partners = self.commercial_partner_id
        bindings = self.env["zendesk.organization"].search(
            [("odoo_id", "in", partners.ids)]
        )
        if not bindings:
            raise UserError(
                _(
                    "This customer is not exported to Zendesk yet. Run 'Export "
                    "organizations now' on the Zendesk backend first."
                )
            )
        self.env["zendesk.organization"]._delay_export(bindings)
