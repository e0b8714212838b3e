# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .mappers import TICKET_PRIORITIES, TICKET_STATUSES


class ZendeskTicket(models.Model):
    """A Zendesk ticket as support context on the customer (read-only copy).

    Not a helpdesk: Zendesk stays the system of record. The binding fields
    (external id = Zendesk ticket id) come from the connector binding mixin;
    ``odoo_id`` points to the customer so the sync history shows on it.
    """

    _name = "zendesk.ticket"
    _description = "Zendesk Ticket"
    _inherit = ["connector.binding.mixin"]
    _order = "ticket_updated_at desc, id desc"

    _importer = "zendesk.ticket.importer"
    _batch_importer = "zendesk.ticket.batch.importer"

    backend_id = fields.Many2one(
        "zendesk.backend", required=True, ondelete="restrict", index=True
    )
    name = fields.Char("Subject", readonly=True)
    ticket_number = fields.Integer("Ticket #", readonly=True)
    status = fields.Selection(
        [(s, s.title()) for s in TICKET_STATUSES], readonly=True, index=True
    )
    priority = fields.Selection(
        [(p, p.title()) for p in TICKET_PRIORITIES], readonly=True
    )
    requester_name = fields.Char("Requester", readonly=True)
    assignee_name = fields.Char("Assignee", readonly=True)
    organization_ref = fields.Char("Zendesk organization id", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", "Customer", readonly=True, index=True, ondelete="set null"
    )
    odoo_id = fields.Many2one(related="partner_id", string="Odoo customer")
    ticket_created_at = fields.Datetime("Opened on", readonly=True)
    ticket_updated_at = fields.Datetime("Updated on", readonly=True)
    url = fields.Char("Open in Zendesk", readonly=True)
    active = fields.Boolean(default=True, help="Archived when deleted or merged.")
    backend_company_id = fields.Many2one(
        related="backend_id.company_id", store=True, string="Backend company"
    )

    _sql_constraints = [
        (
            "backend_external_uniq",
            "unique(backend_id, external_id)",
            "This Zendesk ticket is already imported on this backend.",
        ),
    ]

    def action_open_zendesk(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.url, "target": "new"}

    def action_refresh(self):
        for ticket in self:
            ticket.with_delay(
                identity_key=f"zendesk.ticket,{ticket.id},import",
                description=f"Refresh Zendesk ticket #{ticket.external_id}",
            ).job_import_record(ticket.backend_id, ticket.external_id)
