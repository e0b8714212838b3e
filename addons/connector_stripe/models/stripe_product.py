# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from . import mappers


class StripeProduct(models.Model):
    """Binding of a product.product to a Stripe product (prices stay in Stripe)."""

    _name = "stripe.product"
    _description = "Stripe Product"
    _inherit = ["stripe.binding.mixin"]
    _inherits = {"product.product": "odoo_id"}

    _importer = "stripe.product.importer"
    _batch_importer = "stripe.product.batch.importer"

    odoo_id = fields.Many2one(
        "product.product", required=True, ondelete="cascade", index=True
    )

    @api.model
    def _product_resolver(self, backend):
        """Callable Stripe product id -> product.product id, importing unknowns."""
        cache = {}

        def resolve(external_id):
            if not external_id:
                return None
            if external_id not in cache:
                binding = self._to_internal(backend, external_id)
                if not binding:
                    self.env[self._importer].run(backend, external_id)
                    binding = self._to_internal(backend, external_id)
                cache[external_id] = binding.odoo_id.id or None
            return cache[external_id]

        return resolve


class StripeProductImporter(models.AbstractModel):
    _name = "stripe.product.importer"
    _inherit = "connector.importer"
    _description = "Stripe Product Importer"

    _binding_model = "stripe.product"
    _resource = "products"

    def _map_record(self, backend, data):
        return mappers.product_to_product(data)

    def _remote_updated_at(self, data):
        return mappers.epoch(data.get("updated")) or mappers.updated_at(data)


class StripeProductBatchImporter(models.AbstractModel):
    _name = "stripe.product.batch.importer"
    _inherit = "connector.batch.importer"
    _description = "Stripe Product Batch Importer"

    _binding_model = "stripe.product"
    _importer = "stripe.product.importer"
