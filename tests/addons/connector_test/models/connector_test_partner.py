# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ConnectorTestPartner(models.Model):
    """Binding of a res.partner to a test-service customer.

    ``_inherits`` keeps the partner table untouched and lets a partner be
    bound to several backends; the unique constraints stop duplicates even
    when two jobs race past the advisory lock.
    """

    _name = "connector.test.partner"
    _description = "Test Service Customer Binding"
    _inherit = ["connector.binding.mixin"]
    _inherits = {"res.partner": "odoo_id"}

    _importer = "connector.test.partner.importer"
    _exporter = "connector.test.partner.exporter"
    _batch_importer = "connector.test.partner.batch.importer"

    backend_id = fields.Many2one(
        "connector.test.backend", required=True, ondelete="restrict", index=True
    )
    odoo_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True
    )
    backend_company_id = fields.Many2one(
        related="backend_id.company_id", store=True, string="Backend company"
    )

    _sql_constraints = [
        (
            "backend_external_uniq",
            "unique(backend_id, external_id)",
            "This customer is already bound on this backend.",
        ),
        (
            "backend_odoo_uniq",
            "unique(backend_id, odoo_id)",
            "This partner is already bound on this backend.",
        ),
    ]

    def write(self, vals):
        """Explicit export trigger: a user edit re-exports the binding."""
        result = super().write(vals)
        exported = {"name", "email", "phone"}
        if exported & set(vals) and not self.env.context.get("connector_no_export"):
            self._delay_export(self.filtered("external_id"))
        return result


class ResPartner(models.Model):
    _inherit = "res.partner"

    connector_test_bind_ids = fields.One2many(
        "connector.test.partner", "odoo_id", string="Test service bindings"
    )
