# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SalesforceAccount(models.Model):
    """A Salesforce Account bound to a company partner."""

    _name = "salesforce.account"
    _description = "Salesforce Account"
    _inherit = ["salesforce.binding", "salesforce.status.mixin"]
    _inherits = {"res.partner": "odoo_id"}

    _importer = "salesforce.account.importer"
    _batch_importer = "salesforce.account.batch.importer"
    _exporter = "salesforce.status.exporter"
    _sf_object = "Account"

    odoo_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True
    )

    _sql_constraints = [
        (
            "backend_external_uniq",
            "unique(backend_id, external_id)",
            "This Salesforce account is already bound on this backend.",
        ),
        (
            "backend_odoo_uniq",
            "unique(backend_id, odoo_id)",
            "This partner is already bound to a Salesforce account.",
        ),
    ]

    def _sf_status_invoices(self):
        self.ensure_one()
        return self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.odoo_id.commercial_partner_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )


class SalesforceContact(models.Model):
    """A Salesforce Contact bound to a contact partner (child of its account)."""

    _name = "salesforce.contact"
    _description = "Salesforce Contact"
    _inherit = ["salesforce.binding"]
    _inherits = {"res.partner": "odoo_id"}

    _importer = "salesforce.contact.importer"
    _batch_importer = "salesforce.contact.batch.importer"
    _exporter = "salesforce.status.exporter"
    _sf_object = "Contact"

    odoo_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True
    )

    _sql_constraints = [
        (
            "backend_external_uniq",
            "unique(backend_id, external_id)",
            "This Salesforce contact is already bound on this backend.",
        ),
        (
            "backend_odoo_uniq",
            "unique(backend_id, odoo_id)",
            "This partner is already bound to a Salesforce contact.",
        ),
    ]


class ResPartner(models.Model):
    _inherit = "res.partner"

    salesforce_account_ids = fields.One2many(
        "salesforce.account", "odoo_id", string="Salesforce accounts"
    )
    salesforce_contact_ids = fields.One2many(
        "salesforce.contact", "odoo_id", string="Salesforce contacts"
    )

    def action_open_salesforce_bindings(self):
        self.ensure_one()
        bindings = self.with_context(active_test=False).salesforce_account_ids
        model = "salesforce.account"
        if not bindings:
            bindings = self.with_context(active_test=False).salesforce_contact_ids
            model = "salesforce.contact"
        return {
            "type": "ir.actions.act_window",
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("id", "in", bindings.ids)],
            "name": "Salesforce",
        }
