# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    connector_deal_ids = fields.One2many("connector.deal", "partner_id", "Deals")
    connector_deal_count = fields.Integer(compute="_compute_connector_deal_count")

    def _compute_connector_deal_count(self):
        rows = self.env["connector.deal"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in rows}
        for partner in self:
            partner.connector_deal_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def action_open_connector_xref(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Ids of %s in every system", self.commercial_partner_id.name),
            "res_model": "connector.xref",
            "view_mode": "list",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
        }

    def action_open_connector_deals(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Deals"),
            "res_model": "connector.deal",
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
        }

    def _connector_subscription_standing(self):
        """Support sees the lead-to-cash risk: *at_risk* after a failed
        payment, *paused* while Stripe pauses collection."""
        result = super()._connector_subscription_standing()
        risky = (
            self.env["connector.deal"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("at_risk", "=", True),
                ]
            )
            .partner_id
        )
        for partner in self:
            standing = result.get(partner.id)
            commercial = partner.commercial_partner_id
            if commercial in risky:
                result[partner.id] = {
                    **(standing or {}),
                    "subscription_status": "at_risk",
                }
            elif standing and self._lc_paused(commercial):
                result[partner.id] = {**standing, "subscription_status": "paused"}
        return result

    def _lc_paused(self, commercial):
        subs = commercial.stripe_subscription_ids.filtered(
            lambda s: s.status not in ("canceled", "incomplete_expired")
        )
        return bool(subs) and all(subs.mapped("paused"))
