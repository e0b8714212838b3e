# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from . import mappers


class ConnectorTestPartnerImporter(models.AbstractModel):
    _name = "connector.test.partner.importer"
    _inherit = "connector.importer"
    _description = "Test Service Customer Importer"

    _binding_model = "connector.test.partner"
    _resource = "customers"

    def _map_record(self, backend, data):
        return mappers.customer_to_partner(data)

    def _remote_updated_at(self, data):
        return mappers.remote_updated_at(data)


class ConnectorTestPartnerBatchImporter(models.AbstractModel):
    _name = "connector.test.partner.batch.importer"
    _inherit = "connector.batch.importer"
    _description = "Test Service Customer Batch Importer"

    _binding_model = "connector.test.partner"
    _importer = "connector.test.partner.importer"


class ConnectorTestPartnerExporter(models.AbstractModel):
    _name = "connector.test.partner.exporter"
    _inherit = "connector.exporter"
    _description = "Test Service Customer Exporter"

    _binding_model = "connector.test.partner"
    _resource = "customers"

    def _map_export(self, binding):
        return mappers.partner_to_customer(binding.odoo_id)
