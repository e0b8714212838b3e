# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from ..tools.masking import mask_json, mask_text

EXCEPTION_CLASSES = [
    ("missing_customer", "Missing customer"),
    ("unknown_product", "Unknown product"),
    ("tax_mapping_missing", "Tax mapping missing"),
    ("amount_mismatch", "Amount mismatch"),
    ("locked_period", "Locked period"),
    ("duplicate_suspected", "Duplicate suspected"),
    ("rate_limited", "Rate limited"),
    ("authentication_failed", "Authentication failed"),
    ("payload_invalid", "Invalid data received"),
    ("signature_invalid", "Invalid webhook signature"),
    ("ownership_conflict", "Ownership conflict"),
    ("missing_in_backend", "Missing in the service"),
    ("other", "Other"),
]

SUGGESTED_FIXES = {
    "missing_customer": "Import or create the customer, then retry.",
    "unknown_product": "Map the product (or create it), then retry.",
    "tax_mapping_missing": "Add the tax mapping in the backend configuration, "
    "then retry.",
    "amount_mismatch": "Compare the amounts on both sides and correct the wrong one.",
    "locked_period": "Post in an open period or ask your accountant to unlock it.",
    "duplicate_suspected": "Merge the duplicates, keep one binding, then retry.",
    "rate_limited": "Nothing to do: the sync retries on its own; lower the volume "
    "if it persists.",
    "authentication_failed": "Renew the API key on the backend and click "
    "'Test connection'.",
    "payload_invalid": "Check the record in the service; fix the data there, "
    "then retry.",
    "signature_invalid": "Copy the webhook signing secret from the service to the "
    "backend.",
    "ownership_conflict": "Change the value in the system that owns the field, "
    "or adjust the ownership rule.",
    "missing_in_backend": "The object was deleted in the service: archive it here "
    "or re-create it.",
    "other": "Read the message; retry once the cause is fixed.",
}


class ConnectorException(models.Model):
    """A sync problem worded for the accountant, with a suggested fix."""

    _name = "connector.exception"
    _description = "Connector Exception"
    _inherit = ["connector.backend.ref.mixin", "mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, tracking=True)
    exception_class = fields.Selection(
        EXCEPTION_CLASSES, required=True, default="other", tracking=True
    )
    suggested_fix = fields.Char()
    state = fields.Selection(
        [("new", "New"), ("resolved", "Resolved"), ("ignored", "Ignored")],
        default="new",
        required=True,
        tracking=True,
        index=True,
    )
    binding_model = fields.Char(readonly=True, index=True)
    external_id = fields.Char(readonly=True, index=True)
    res_model = fields.Char("Odoo model", readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)
    record_ref = fields.Reference(
        selection="_selection_record_ref",
        compute="_compute_record_ref",
        string="Odoo record",
    )
    event_id = fields.Many2one("connector.event", readonly=True)
    job_uuid = fields.Char("Job UUID", readonly=True)
    payload = fields.Text("Masked payload", readonly=True)
    occurrences = fields.Integer(default=1, readonly=True)
    last_seen = fields.Datetime(default=fields.Datetime.now, readonly=True)
    resolved_date = fields.Datetime(readonly=True)

    @api.model
    def _selection_record_ref(self):
        return self.env["connector.audit.line"]._selection_record_ref()

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for rec in self:
            rec.record_ref = (
                f"{rec.res_model},{rec.res_id}"
                if rec.res_model in self.env and rec.res_id
                else False
            )

    @api.model
    def _record(
        self,
        backend,
        exception_class,
        message,
        binding_model=None,
        external_id=None,
        record=None,
        event=None,
        payload=None,
    ):
        """Create (or count again) the open exception of this object and class."""
        secrets = backend._connector_secrets()
        key = [
            ("backend_model", "=", backend._name),
            ("backend_id", "=", backend.id),
            ("exception_class", "=", exception_class),
            ("state", "=", "new"),
            ("binding_model", "=", binding_model or False),
            ("external_id", "=", external_id or False),
        ]
        existing = self.sudo().search(key, limit=1)
        message = mask_text(message, secrets)
        if existing:
            existing.write(
                {
                    "occurrences": existing.occurrences + 1,
                    "last_seen": fields.Datetime.now(),
                    "name": message,
                }
            )
            return existing
        return self.sudo().create(
            {
                **self._backend_vals(backend),
                "name": message,
                "exception_class": exception_class,
                "suggested_fix": SUGGESTED_FIXES.get(exception_class),
                "binding_model": binding_model,
                "external_id": external_id,
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
                "event_id": event.id if event else False,
                "job_uuid": self.env.context.get("job_uuid"),
                "payload": mask_json(payload, secrets=secrets) if payload else False,
            }
        )

    @api.model
    def _record_error(self, backend, error, **kwargs):
        """Record a typed ``ConnectorError`` raised by an importer/exporter."""
        return self._record(
            backend,
            error.exception_class,
            str(error),
            payload=getattr(error, "payload", None),
            **kwargs,
        )

    @api.model
    def _auto_resolve(self, backend, binding_model, external_ids):
        """A later successful sync of the same object resolves its exceptions."""
        if isinstance(external_ids, str):
            external_ids = [external_ids]
        open_ones = self.sudo().search(
            [
                ("backend_model", "=", backend._name),
                ("backend_id", "=", backend.id),
                ("binding_model", "=", binding_model),
                ("external_id", "in", external_ids),
                ("state", "=", "new"),
                ("exception_class", "!=", "ownership_conflict"),
            ]
        )
        if open_ones:
            open_ones.write(
                {"state": "resolved", "resolved_date": fields.Datetime.now()}
            )
            for exception in open_ones:
                exception.message_post(body=_("Resolved by a later successful sync."))
        return open_ones

    def action_resolve(self):
        self.write({"state": "resolved", "resolved_date": fields.Datetime.now()})

    def action_ignore(self):
        self.write({"state": "ignored"})

    def action_reopen(self):
        self.write({"state": "new", "resolved_date": False})
