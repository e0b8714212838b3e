# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.masking import mask_json, mask_text

MANAGER_GROUP = "connector_base.connector_base_group_manager"
AGE_BUCKETS = [("today", "Today"), ("week", "This week"), ("older", "Older")]

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
    _inherit = [
        "connector.backend.ref.mixin",
        "connector.record.ref.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
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
    event_id = fields.Many2one("connector.event", readonly=True)
    job_uuid = fields.Char("Job UUID", readonly=True)
    payload = fields.Text("Masked payload", readonly=True)
    occurrences = fields.Integer(default=1, readonly=True)
    last_seen = fields.Datetime(default=fields.Datetime.now, readonly=True)
    resolved_date = fields.Datetime(readonly=True)
    # --- workbench -----------------------------------------------------
    service = fields.Char(compute="_compute_service", store=True, index=True)
    age_bucket = fields.Selection(
        AGE_BUCKETS,
        compute="_compute_age_bucket",
        store=True,
        help="Age of the first occurrence; refreshed by the daily digest cron.",
    )
    user_id = fields.Many2one("res.users", "Assigned to", tracking=True, index=True)
    ignore_reason = fields.Text(readonly=True, tracking=True)
    external_url = fields.Char("In the service", compute="_compute_external_url")
    payload_edited = fields.Text(
        "Edited payload (JSON)",
        groups=MANAGER_GROUP,
        copy=False,
        help="A copy of the payload a Connector Manager corrects before replaying "
        "it. The original payload above is never changed.",
    )
    job_id = fields.Many2one(
        "queue.job",
        compute="_compute_job_id",
        groups="queue_job.group_queue_job_manager",
    )
    replay_count = fields.Integer(readonly=True)
    last_action_result = fields.Char(readonly=True)
    digest_sent = fields.Boolean(readonly=True, copy=False)

    @api.depends("backend_model")
    def _compute_service(self):
        for rec in self:
            model = self.env.get(rec.backend_model) if rec.backend_model else None
            rec.service = model._connector_service if model is not None else False

    @api.depends("create_date")
    def _compute_age_bucket(self):
        now = fields.Datetime.now()
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        for rec in self:
            created = rec.create_date or now
            if created >= today:
                rec.age_bucket = "today"
            elif created >= today - timedelta(days=7):
                rec.age_bucket = "week"
            else:
                rec.age_bucket = "older"

    def _compute_external_url(self):
        for rec in self:
            backend = rec._get_backend().exists() if rec.backend_model else None
            rec.external_url = (
                backend._connector_external_url(rec.binding_model, rec.external_id)
                if backend and rec.external_id
                else False
            )

    def _compute_job_id(self):
        jobs = self.env["queue.job"].search(
            [("uuid", "in", [uuid for uuid in self.mapped("job_uuid") if uuid])]
        )
        by_uuid = {job.uuid: job for job in jobs}
        for rec in self:
            rec.job_id = by_uuid.get(rec.job_uuid, False)

    @api.constrains("payload_edited")
    def _check_payload_edited(self):
        for rec in self.sudo():
            if rec.payload_edited and not isinstance(
                _load_json(self.env, rec.payload_edited), dict
            ):
                raise ValidationError(_("The edited payload must be a JSON object."))

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

    def action_ignore(self, reason=None):
        self.write({"state": "ignored", "ignore_reason": reason or False})

    def action_reopen(self):
        self.write({"state": "new", "resolved_date": False, "ignore_reason": False})

    # ------------------------------------------------------------------
    # Workbench actions (each works on a selection too)
    # ------------------------------------------------------------------
    def action_retry(self):
        """Re-enqueue the import/export or replay the event (backend hook)."""
        self.check_access("write")
        for rec in self.filtered(lambda e: e.state == "new"):
            result = rec._get_backend()._connector_retry_exception(rec)
            rec.sudo().write({"last_action_result": str(result)[:250]})
            rec.message_post(body=_("Retry requested: %s", result))
        return True

    def action_open_ignore_wizard(self):
        return self._open_wizard("connector.exception.ignore.wizard", _("Ignore"))

    def action_open_assign_wizard(self):
        return self._open_wizard("connector.exception.assign.wizard", _("Assign"))

    def _open_wizard(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_exception_ids": [(6, 0, self.ids)]},
        }

    def action_assign(self, user):
        self.write({"user_id": user.id})
        for rec in self:
            rec.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=_("Sync exception to handle"),
                note=rec.suggested_fix,
            )

    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only a Connector Manager can edit and replay data."))

    def action_edit_payload(self):
        """Start an editable copy of the stored (masked) payload."""
        self._check_manager()
        for rec in self:
            rec.payload_edited = rec.payload_edited or rec.payload or "{}"
        return True

    def action_replay_edited(self):
        """Import the edited copy as if the service had sent it."""
        self._check_manager()
        for rec in self:
            if not rec.payload_edited or not rec.binding_model or not rec.external_id:
                raise UserError(
                    _("Edit the payload first; only an import can be replayed.")
                )
            data = _load_json(self.env, rec.payload_edited)
            # Checked above: a manager replays with the sync's own rights (the
            # importer writes partners/invoices a manager may not create by hand).
            backend = rec._get_backend().sudo()
            result = (
                self.env[rec.binding_model]
                .sudo()
                .job_import_record(
                    backend, rec.external_id, event=rec.event_id or None, data=data
                )
            )
            rec.write(
                {
                    "replay_count": rec.replay_count + 1,
                    "last_action_result": str(result)[:250],
                }
            )
            rec.message_post(body=_("Edited payload replayed: %s", result))
        return True

    # ------------------------------------------------------------------
    # Daily digest
    # ------------------------------------------------------------------
    @api.model
    def _cron_daily_digest(self):
        """Mail each assignee the new exceptions not yet sent, refresh ages."""
        self.search([("state", "=", "new")])._compute_age_bucket()
        pending = self.search(
            [
                ("state", "=", "new"),
                ("digest_sent", "=", False),
                ("user_id", "!=", False),
            ]
        )
        template = self.env.ref("connector_base.connector_exception_mail_digest")
        for user in pending.user_id:
            mine = pending.filtered(lambda e, u=user: e.user_id == u)
            template.with_context(exceptions=mine).send_mail(
                user.id, email_layout_xmlid="mail.mail_notification_light"
            )
        pending.write({"digest_sent": True})
        return len(pending.user_id)


def _load_json(env, text):
    try:
        return json.loads(text)
    except (TypeError, ValueError) as err:
        raise ValidationError(
            env._("The edited payload is not valid JSON: %s", err)
        ) from err
