# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ZendeskBindingMixin(models.AbstractModel):
    """What the Zendesk partner bindings share: their Zendesk account, that
    account's company (for the record rules), archiving instead of deletion,
    and the two uniqueness rules."""

    _name = "zendesk.binding.mixin"
    _inherit = ["connector.binding.mixin"]
    _description = "Zendesk Binding (abstract)"

    backend_id = fields.Many2one(
        "zendesk.backend", required=True, ondelete="restrict", index=True
    )
    odoo_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True
    )
    active = fields.Boolean(default=True, help="Archived when deleted in Zendesk.")
    backend_company_id = fields.Many2one(
        related="backend_id.company_id", store=True, string="Backend company"
    )

    _sql_constraints = [
        (
            "backend_external_uniq",
            "unique(backend_id, external_id)",
            "This Zendesk object is already bound on this backend.",
        ),
        (
            "backend_odoo_uniq",
            "unique(backend_id, odoo_id)",
            "This partner is already bound on this backend.",
        ),
    ]
