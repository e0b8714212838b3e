# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# Salesforce is the system of record for who the customer is and how to
# reach them; Odoo for everything that decides money: payment terms, credit,
# fiscal position, tax id (VAT is validated and used on invoices, so a CRM
# edit must not silently change it; it is still set from Salesforce when the
# partner is created).
DEFAULT_RULES = {
    "salesforce": ["name", "website", "phone", "street", "city", "zip", "country_id"],
    "odoo": [
        "property_payment_term_id",
        "credit_limit",
        "property_account_position_id",
        "vat",
    ],
}


class ConnectorOwnership(models.Model):
    _inherit = "connector.ownership"

    owner = fields.Selection(
        selection_add=[("salesforce", "Salesforce")],
        ondelete={"salesforce": "cascade"},
    )

    @api.model
    def _salesforce_default_rules(self):
        """Create the partner rules that no other module has set yet."""
        model = self.env["ir.model"]._get("res.partner")
        existing = set(
            self.with_context(active_test=False)
            .search([("model_id", "=", model.id)])
            .mapped("field_id.name")
        )
        vals_list = []
        for owner, names in DEFAULT_RULES.items():
            for name in names:
                field = self.env["ir.model.fields"]._get("res.partner", name)
                if field and name not in existing:
                    vals_list.append(
                        {
                            "model_id": model.id,
                            "field_id": field.id,
                            "owner": owner,
                            "policy": "owner_wins",
                            "note": "Default of connector_salesforce",
                        }
                    )
        return self.create(vals_list)
