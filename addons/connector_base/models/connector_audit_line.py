# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ConnectorAuditLine(models.Model):
    """One line per sync operation: what changed, why, and who triggered it."""

    _name = "connector.audit.line"
    _description = "Connector Audit Line"
    _inherit = ["connector.backend.ref.mixin", "connector.record.ref.mixin"]
    _order = "id desc"

    date = fields.Datetime(default=fields.Datetime.now, readonly=True, index=True)
    direction = fields.Selection(
        [("import", "Import"), ("export", "Export"), ("webhook", "Webhook")],
        required=True,
        readonly=True,
    )
    action = fields.Selection(
        [
            ("create", "Create"),
            ("update", "Update"),
            ("skip", "Skip"),
            ("delete", "Delete"),
            ("blocked", "Blocked"),
            ("preview", "Preview"),
            ("error", "Error"),
        ],
        required=True,
        readonly=True,
        index=True,
    )
    binding_model = fields.Char(readonly=True)
    binding_id = fields.Many2oneReference(model_field="binding_model", readonly=True)
    external_id = fields.Char(readonly=True, index=True)
    changed_fields = fields.Char(readonly=True)
    blocked_fields = fields.Char(readonly=True)
    idempotency_key = fields.Char(readonly=True)
    event_id = fields.Many2one("connector.event", readonly=True, index="btree_not_null")
    job_uuid = fields.Char("Job UUID", readonly=True)
    match_decision = fields.Char(readonly=True)

    @api.model
    def _line_vals(
        self,
        backend,
        direction,
        action,
        binding=None,
        external_id=None,
        event=None,
        changed=(),
        blocked=(),
        decision=None,
        idempotency_key=None,
    ):
        vals = {
            **self._backend_vals(backend),
            "direction": direction,
            "action": action,
            "external_id": external_id or (binding.external_id if binding else False),
            "changed_fields": ",".join(changed) or False,
            "blocked_fields": ",".join(blocked) or False,
            "event_id": event.id if event else False,
            "job_uuid": self.env.context.get("job_uuid"),
            "match_decision": decision and decision[:250],
            "idempotency_key": idempotency_key,
        }
        if binding:
            vals.update(
                {
                    "binding_model": binding._name,
                    "binding_id": binding.id,
                    "res_model": binding._odoo_model(),
                    "res_id": binding.odoo_id.id,
                }
            )
        return vals

    @api.model
    def _record(self, backend, direction, action, **kwargs):
        return self.sudo().create(self._line_vals(backend, direction, action, **kwargs))

    @api.model
    def _record_many(self, backend, direction, action, lines, decision=None):
        """Batch version: ``lines`` are dicts of ``_line_vals`` keyword args."""
        return self.sudo().create(
            [
                self._line_vals(backend, direction, action, decision=decision, **line)
                for line in lines
            ]
        )
