# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from .zendesk_backend import BATCH_SIZE

# Bulk jobs are idempotent (lookup by external id first): under a 429 storm
# they may retry many times before converging.
MAX_RETRIES = 30


class ZendeskOrganization(models.Model):
    """Binding of a customer company to a Zendesk organization.

    Odoo owns every value sent; Zendesk's ``external_id`` is
    ``<prefix><partner id>``, so create-or-update never duplicates. A deletion
    in Zendesk archives the binding, never the partner.
    """

    _name = "zendesk.organization"
    _description = "Zendesk Organization Binding"
    _inherit = ["zendesk.binding.mixin"]
    _inherits = {"res.partner": "odoo_id"}

    _exporter = "zendesk.organization.exporter"
    _connector_job_methods = (
        "job_import_record",
        "job_export_record",
        "job_export_batch",
        "job_export_contacts",
    )

    def action_export_now(self):
        """Button: queue the refresh of these organizations."""
        self._delay_export(self)

    def job_export_batch(self):
        """Full refresh of up to 100 organizations (bulk endpoints)."""
        return self.env["zendesk.organization.batch.exporter"].run(self)

    def job_export_contacts(self):
        """The contacts of these exported companies -> Zendesk users."""
        bindings = self.exists().filtered("external_id")
        if not bindings:
            return "no exported organization"
        backend = bindings.backend_id.with_env(self.env)
        count = self.env["zendesk.user"]._export_contacts(backend, bindings)
        return f"{count} users created or updated"

    def _delay_contacts(self):
        if self:
            self.with_delay(
                identity_key=f"zendesk.contacts,{self.ids}",
                description=f"Export contacts of {len(self)} Zendesk organizations",
                max_retries=MAX_RETRIES,
            ).job_export_contacts()

    @api.model
    def _delay_batches(self, bindings, size=BATCH_SIZE):
        for backend in bindings.backend_id:
            ids = bindings.filtered(lambda b, be=backend: b.backend_id == be).ids
            for start in range(0, len(ids), size):
                chunk = self.browse(ids[start : start + size])
                chunk.with_delay(
                    identity_key=f"zendesk.batch,{backend.id},{chunk.ids}",
                    description=f"Refresh {len(chunk)} Zendesk organizations",
                    max_retries=MAX_RETRIES,
                ).job_export_batch()

    @api.model
    def _refresh_partners(self, partners):
        """Explicit trigger: one pending refresh job per bound partner."""
        if self.env.context.get("connector_no_export") or not partners:
            return
        bindings = self.sudo().search(
            [
                ("odoo_id", "in", partners.commercial_partner_id.ids),
                ("backend_id.state", "=", "connected"),
            ]
        )
        self._delay_export(bindings)
