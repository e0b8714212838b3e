# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ConnectorBindingMixin(models.AbstractModel):
    """Link between one Odoo record and one remote object of one backend.

    A concrete binding ``_inherits`` the Odoo model (OCA-style): the binding
    *is* the partner/invoice for forms and domains, while the connector
    metadata lives in its own table so the core table stays untouched and a
    record can be bound to several backends. It must declare::

        _sql_constraints = [
            ("backend_external_uniq", "unique(backend_id, external_id)", "..."),
            ("backend_odoo_uniq", "unique(backend_id, odoo_id)", "..."),
        ]

    ``backend_id`` and ``odoo_id`` are declared by the concrete model (their
    comodels differ). Services are reached in one hop through the class
    attributes below.
    """

    _name = "connector.binding.mixin"
    _description = "Connector Binding (abstract)"

    _importer = None  # e.g. "stripe.customer.importer"
    _exporter = None
    _batch_importer = None
    _connector_job_methods = ("job_import_record", "job_export_record")

    external_id = fields.Char(index=True, copy=False)
    sync_date = fields.Datetime(readonly=True, copy=False)
    remote_updated_at = fields.Datetime(
        readonly=True, copy=False, help="Last-modified date of the remote object."
    )
    payload_hash = fields.Char(readonly=True, copy=False)
    export_hash = fields.Char(
        readonly=True, copy=False, help="Hash of the last payload sent."
    )
    last_event_ts = fields.Datetime(
        readonly=True, copy=False, help="Source timestamp of the last applied event."
    )

    @api.model
    def _connector_service(self):
        return self.env[self._fields["backend_id"].comodel_name]._connector_service

    @api.model
    def _odoo_model(self):
        return self._fields["odoo_id"].comodel_name

    # ------------------------------------------------------------------
    # Binder helpers (OCA's to_internal / to_external)
    # ------------------------------------------------------------------
    @api.model
    def _to_internal(self, backend, external_id):
        return self.with_context(active_test=False).search(
            [("backend_id", "=", backend.id), ("external_id", "=", external_id)],
            limit=1,
        )

    @api.model
    def _existing_bindings(self, backend, external_ids):
        """One query: external id -> binding for a whole page."""
        bindings = self.with_context(active_test=False).search(
            [("backend_id", "=", backend.id), ("external_id", "in", external_ids)]
        )
        return {binding.external_id: binding for binding in bindings}

    # ------------------------------------------------------------------
    # Jobs (declared per concrete model in queue.job.function data)
    # ------------------------------------------------------------------
    @api.model
    def job_import_record(self, backend, external_id, event=None, data=None):
        """Import one remote object (webhooks, explicit re-sync)."""
        return self.env[self._importer].run(
            backend, external_id, event=event, data=data
        )

    def job_export_record(self, operation="update"):
        """Push this binding to the service (explicit triggers)."""
        self.ensure_one()
        return self.env[self._exporter].run(self, operation=operation)

    @api.model
    def _delay_export(self, bindings, operation="update"):
        for binding in bindings:
            binding.with_delay(
                identity_key=f"{binding._name},{binding.id},{operation}",
                description=f"Export {binding.display_name} ({operation})",
            ).job_export_record(operation)

    def action_open_lineage(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": "Field lineage",
            "res_model": "connector.lineage",
            "view_mode": "list",
            "domain": [
                ("res_model", "=", self._odoo_model()),
                ("res_id", "=", self.odoo_id.id),
            ],
        }

    def action_open_audit(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": "Sync history",
            "res_model": "connector.audit.line",
            "view_mode": "list,form",
            "domain": [
                ("res_model", "=", self._odoo_model()),
                ("res_id", "=", self.odoo_id.id),
            ],
        }
