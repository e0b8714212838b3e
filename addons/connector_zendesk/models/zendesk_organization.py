# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

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

    name_suffix = fields.Char(
        "Name suffix in Zendesk",
        readonly=True,
        copy=False,
        help="Added to the name sent to Zendesk because another organization "
        "already has this customer's name (Zendesk requires unique names). "
        "Cleared when the customer is renamed.",
    )

    def _zendesk_name(self):
        self.ensure_one()
        return f"{self.odoo_id.name}{self.name_suffix or ''}"

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
    def _refresh_partners(self, partners, renamed=False):
        """Explicit trigger: one pending refresh job per bound partner.

        ``renamed``: the customer got a new name, so the suffix that made its
        old name unique in Zendesk is dropped (and found again if needed)."""
        bindings = self._bound(partners)
        if renamed:
            bindings.filtered("name_suffix").name_suffix = False
        self._delay_export(bindings)

    @api.model
    def _refresh_contacts(self, partners):
        """Explicit trigger: the users of these partners' exported
        organizations (one pending job per organization)."""
        for binding in self._bound(partners).filtered("external_id"):
            binding._delay_contacts()

    @api.model
    def _bound(self, partners):
        """Active bindings of these partners' companies on connected backends;
        none when an import writes (``connector_no_export``)."""
        if self.env.context.get("connector_no_export") or not partners:
            return self.browse()
        return self.sudo().search(
            [
                ("odoo_id", "in", partners.commercial_partner_id.ids),
                ("backend_id.state", "=", "connected"),
            ]
        )
