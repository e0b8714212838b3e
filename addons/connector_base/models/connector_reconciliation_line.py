# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from .connector_reconciliation_run import BUCKETS

SUGGESTIONS = {
    "missing_odoo": "Fix imports the object from the service.",
    "missing_remote": "Fix exports the Odoo record to the service.",
    "amount": "Fix re-imports the object: the service's amount wins.",
    "fee": "Fix re-imports the object with its fees.",
    "fx": "Check the currency on both sides; Fix re-imports the object.",
    "status": "Fix re-imports the object to align its status.",
    "timing": "Usually nothing: the next sync brings it. Fix imports it now.",
}
EXPORT_SUGGESTION = "Fix sends Odoo's values to the service (Odoo is the reference)."


class ConnectorReconciliationLine(models.Model):
    """One object that differs between the service and Odoo (one bucket)."""

    _name = "connector.reconciliation.line"
    _description = "Connector Reconciliation Drift Line"
    _inherit = ["connector.backend.ref.mixin"]
    _order = "id"
    _rec_name = "external_id"

    run_id = fields.Many2one(
        "connector.reconciliation.run", required=True, ondelete="cascade", index=True
    )
    service = fields.Char(related="run_id.service", store=True)
    object_type = fields.Char(readonly=True, index=True)
    bucket = fields.Selection(BUCKETS, required=True, readonly=True, index=True)
    side = fields.Selection(
        [("both", "Both"), ("remote", "Service only"), ("odoo", "Odoo only")],
        readonly=True,
    )
    external_id = fields.Char(readonly=True, index=True)
    binding_model = fields.Char(readonly=True)
    binding_id = fields.Many2oneReference(model_field="binding_model", readonly=True)
    binding_ref = fields.Reference(
        selection="_selection_binding_ref",
        compute="_compute_binding_ref",
        string="Odoo record",
    )
    external_url = fields.Char("In the service", compute="_compute_external_url")
    suggestion = fields.Char(compute="_compute_suggestion")
    remote_amount = fields.Float("Service amount", readonly=True)
    odoo_amount = fields.Float(readonly=True)
    difference = fields.Float(readonly=True, help="Service minus Odoo.")
    remote_currency = fields.Char("Service currency", readonly=True)
    odoo_currency = fields.Char(readonly=True)
    remote_status = fields.Char("Service status", readonly=True)
    odoo_status = fields.Char(readonly=True)
    remote_fee = fields.Float("Service fee", readonly=True)
    odoo_fee = fields.Float(readonly=True)
    remote_date = fields.Datetime("Service date", readonly=True)
    odoo_date = fields.Datetime(readonly=True)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("fixing", "Fix queued"),
            ("fixed", "Fixed"),
            ("ignored", "Ignored"),
        ],
        default="open",
        required=True,
        index=True,
    )
    job_uuid = fields.Char("Fix job", readonly=True)

    @api.model
    def _selection_binding_ref(self):
        return [
            (name, self.env[name]._description)
            for name in self.env.registry.descendants(
                ["connector.binding.mixin"], "_inherit"
            )
            if not self.env[name]._abstract
        ]

    @api.depends("binding_model", "binding_id")
    def _compute_binding_ref(self):
        for line in self:
            line.binding_ref = (
                f"{line.binding_model},{line.binding_id}"
                if line.binding_model in self.env and line.binding_id
                else False
            )

    def _compute_external_url(self):
        for line in self:
            backend = line._get_backend().exists() if line.backend_model else None
            line.external_url = (
                backend._connector_external_url(line.binding_model, line.external_id)
                if backend and line.side != "odoo"
                else False
            )

    @api.depends("bucket")
    def _compute_suggestion(self):
        for line in self:
            backend = line._get_backend().exists() if line.backend_model else None
            exports = (
                backend
                and line.binding_model in self.env
                and backend._connector_reconcile_fix_mode(line) == "export"
            )
            line.suggestion = (
                EXPORT_SUGGESTION if exports else SUGGESTIONS.get(line.bucket)
            )

    def action_fix(self):
        """Enqueue the import (service wins) or the export (Odoo only)."""
        self.check_access("write")
        for line in self.filtered(lambda rec: rec.state == "open"):
            job = line._enqueue_fix()
            line.write({"state": "fixing", "job_uuid": job.uuid if job else False})
        return True

    def _enqueue_fix(self):
        # The job runs with the sync's own rights (see _connector_retry_exception).
        backend = self._get_backend().sudo()
        bindings = self.env[self.binding_model].sudo()
        binding = bindings.browse(self.binding_id).exists()
        key = f"reconcile,{self.binding_model},{backend.id},{self.external_id}"
        if binding:
            # Forget the hashes so the job re-applies an unchanged payload.
            binding.with_context(connector_no_export=True).write(
                {"payload_hash": False, "export_hash": False}
            )
        mode = backend._connector_reconcile_fix_mode(self)
        if mode == "export" and binding:
            return binding.with_delay(
                identity_key=key, description=_("Export %s", binding.display_name)
            ).job_export_record("create" if self.side == "odoo" else "update")
        return bindings.with_delay(
            identity_key=key, description=_("Import %s", self.external_id)
        ).job_import_record(backend, self.external_id)

    def action_ignore(self):
        self.write({"state": "ignored"})

    def action_reopen(self):
        self.write({"state": "open", "job_uuid": False})
