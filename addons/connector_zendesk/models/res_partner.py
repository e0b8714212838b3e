# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import UserError

# res.partner fields sent to Zendesk: on the organization, on its users
ORGANIZATION_FIELDS = {"name"}
USER_FIELDS = {"name", "email", "phone"}
COMPANY_USER_FIELDS = {"ref"}  # the users' customer number
REFRESH_FIELDS = ORGANIZATION_FIELDS | USER_FIELDS | COMPANY_USER_FIELDS


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

    def write(self, vals):
        """Explicit trigger: renaming a customer or editing a contact queues
        its refresh in Zendesk (one pending job per organization). Imports
        write with ``connector_no_export`` and queue nothing."""
        result = super().write(vals)
        if not self.env.context.get("connector_no_export"):
            self._zendesk_refresh_on_write(set(vals))
        return result

    def _zendesk_refresh_on_write(self, fields_written):
        if not REFRESH_FIELDS & fields_written:
            return  # the common case (postings, imports of other fields): no lookup
        organizations = self.env["zendesk.organization"]
        companies = self.filtered("is_company")
        contacts = (self - companies).filtered("parent_id")
        if ORGANIZATION_FIELDS & fields_written:
            organizations._refresh_partners(companies, renamed=True)
        if USER_FIELDS & fields_written:
            organizations._refresh_contacts(contacts)
        if COMPANY_USER_FIELDS & fields_written:
            organizations._refresh_contacts(companies)

    def _connector_standing_changed(self):
        """A billing integration changed these customers' subscription
        standing: queue their organization refresh."""
        result = super()._connector_standing_changed()
        self.env["zendesk.organization"]._refresh_partners(self)
        return result

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
