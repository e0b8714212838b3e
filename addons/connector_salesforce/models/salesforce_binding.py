# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup, escape

from odoo import _, fields, models


class SalesforceBinding(models.AbstractModel):
    """What every Salesforce binding shares: its backend, the multi-company
    key and the handling of records deleted or merged in Salesforce."""

    _name = "salesforce.binding"
    _inherit = ["connector.binding.mixin"]
    _description = "Salesforce Binding (abstract)"

    backend_id = fields.Many2one(
        "salesforce.backend", required=True, ondelete="restrict", index=True
    )
    backend_company_id = fields.Many2one(
        related="backend_id.company_id", store=True, string="Backend company"
    )
    sf_deleted = fields.Boolean(
        "Deleted in Salesforce", readonly=True, copy=False, index=True
    )
    sf_merged_into = fields.Char(
        "Merged into (Salesforce Id)", readonly=True, copy=False
    )

    def action_sf_reimport(self):
        """Fetch the record from Salesforce again (queued, one job per record)."""
        for binding in self:
            self.with_delay(
                identity_key=f"{self._name},{binding.backend_id.id},{binding.external_id}",
                description=f"Re-import {binding.display_name} from Salesforce",
            ).job_import_record(binding.backend_id, binding.external_id)
        return self.backend_id[:1]._sf_notify(_("Re-import queued."))

    def _sf_archive_deleted(self, master_external_id=None):
        """Archive the binding and its record; tell the user why."""
        self.ensure_one()
        if self.sf_deleted:
            return
        master = master_external_id and self._to_internal(
            self.backend_id, master_external_id
        )
        if master:
            body = _(
                "Merged into %(master)s in Salesforce (%(backend)s): this record is "
                "archived; its history stays here.",
                master=Markup('<a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>')
                % (
                    master.odoo_id._name,
                    master.odoo_id.id,
                    escape(master.display_name),
                ),
                backend=self.backend_id.name,
            )
        else:
            body = _(
                "Deleted in Salesforce (%(backend)s): this record is archived.",
                backend=self.backend_id.name,
            )
        self.write({"sf_deleted": True, "sf_merged_into": master_external_id or False})
        self._sf_archive_record()
        if hasattr(self.odoo_id, "message_post"):
            self.odoo_id.message_post(body=body)
        self.env["connector.audit.line"]._record(
            self.backend_id,
            "import",
            "delete",
            binding=self,
            decision="merged: archived" if master else "deleted: archived",
        )

    def _sf_archive_record(self):
        self.odoo_id.active = False
