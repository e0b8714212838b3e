# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from . import mappers


class SalesforceProduct(models.Model):
    """A Salesforce Product2 (with its standard price) bound to a product."""

    _name = "salesforce.product"
    _description = "Salesforce Product"
    _inherit = ["salesforce.binding"]
    _inherits = {"product.product": "odoo_id"}

    _importer = "salesforce.product.importer"
    _batch_importer = "salesforce.product.batch.importer"
    _exporter = "salesforce.status.exporter"
    _sf_object = "Product2"

    odoo_id = fields.Many2one(
        "product.product", required=True, ondelete="cascade", index=True
    )

    _sql_constraints = [
        (
            "backend_external_uniq",
            "unique(backend_id, external_id)",
            "This Salesforce product is already bound on this backend.",
        ),
        (
            "backend_odoo_uniq",
            "unique(backend_id, odoo_id)",
            "This product is already bound to a Salesforce product.",
        ),
    ]


class SalesforceProductImporter(models.AbstractModel):
    _name = "salesforce.product.importer"
    _inherit = "salesforce.importer.mixin"
    _description = "Salesforce Product Importer"

    _binding_model = "salesforce.product"
    _resource = "Product2"

    def _map_record(self, backend, data):
        return mappers.product_to_vals(data)

    def _match_existing(self, backend, data, vals):
        """An unbound product with the same internal reference."""
        if not vals.get("default_code"):
            return self.env["product.product"]
        return self.env["product.product"].search(
            [
                ("default_code", "=", vals["default_code"]),
                ("salesforce_product_ids", "=", False),
            ],
            limit=1,
        )


class SalesforceProductBatchImporter(models.AbstractModel):
    _name = "salesforce.product.batch.importer"
    _inherit = "connector.batch.importer"
    _description = "Salesforce Product Batch Importer"

    _binding_model = "salesforce.product"
    _importer = "salesforce.product.importer"


class ProductProduct(models.Model):
    _inherit = "product.product"

    salesforce_product_ids = fields.One2many(
        "salesforce.product", "odoo_id", string="Salesforce products"
    )
