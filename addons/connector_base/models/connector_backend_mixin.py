# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..exceptions import AuthenticationFailed, ConnectorError, ConnectorRetryableError
from ..tools.masking import mask_text

_logger = logging.getLogger(__name__)


class ConnectorBackendMixin(models.AbstractModel):
    """Fields and behaviour every backend (one configured account) needs.

    A concrete backend sets the class attributes below and implements the
    per-service hooks (``_connector_verify_signature``,
    ``_connector_parse_event``, ``_connector_event_route``,
    ``_connector_pull_objects``). Its jobs live on the concrete model and are
    listed in ``_connector_job_methods``; each has a ``queue.job.function``.
    """

    _name = "connector.backend.mixin"
    _description = "Connector Backend (abstract)"

    # Key of the service in URLs, channels and the ownership matrix.
    _connector_service = None
    # Model name of the service adapter (``connector.adapter`` subclass).
    _adapter = None
    _connector_job_methods = ("job_process_event", "job_pull_page")
    # Field names holding credentials: masked in logs, blanked by neutralize.
    _connector_secret_fields = ("webhook_secret",)

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    state = fields.Selection(
        [
            ("draft", "Not connected"),
            ("connected", "Connected"),
            ("error", "Error"),
        ],
        default="draft",
        required=True,
        readonly=True,
    )
    state_message = fields.Char(readonly=True)
    environment = fields.Selection(
        [("sandbox", "Sandbox / test"), ("live", "Live")],
        default="sandbox",
        required=True,
    )
    base_url = fields.Char(
        "Base URL override",
        help="Leave empty to use the service's public API. Set it to point the "
        "backend at a sandbox or a proxy.",
    )
    api_version = fields.Char(help="API version pinned on every request.")
    rate_limit_per_minute = fields.Integer(
        default=100,
        help="Request budget per minute. When it is spent, jobs wait and run "
        "again later instead of failing. 0 disables the throttle.",
    )
    request_timeout = fields.Integer(default=30, help="Seconds per HTTP request.")
    webhook_secret = fields.Char(groups="base.group_system", copy=False)
    webhook_tolerance = fields.Integer(
        default=300, help="Signed webhooks older than this (seconds) are refused."
    )
    webhook_url = fields.Char(compute="_compute_webhook_url")
    preview_mode = fields.Boolean(
        "Dry run",
        help="Imports and exports compute and record what they would change "
        "(audit lines 'preview') but write nothing to business records and "
        "send nothing to the service.",
    )
    backfill_total = fields.Integer(compute="_compute_backfill")
    backfill_done = fields.Integer(compute="_compute_backfill")
    backfill_progress = fields.Float(compute="_compute_backfill")
    checkpoint_ids = fields.One2many(
        "connector.checkpoint", compute="_compute_checkpoint_ids"
    )

    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for backend in self:
            backend.webhook_url = (
                f"{base}/connector/{self._connector_service}/{backend.id}/webhook"
                if backend.id and self._connector_service
                else False
            )

    def _checkpoint_domain(self):
        return [("backend_model", "=", self._name), ("backend_id", "in", self.ids)]

    def _compute_checkpoint_ids(self):
        checkpoints = self.env["connector.checkpoint"].search(self._checkpoint_domain())
        for backend in self:
            backend.checkpoint_ids = checkpoints.filtered(
                lambda c, b=backend: c.backend_id == b.id
            )

    def _compute_backfill(self):
        for backend in self:
            total = sum(backend.checkpoint_ids.mapped("records_total"))
            done = sum(backend.checkpoint_ids.mapped("records_done"))
            backend.backfill_total = total
            backend.backfill_done = done
            backend.backfill_progress = 100.0 * done / total if total else 0.0

    # ------------------------------------------------------------------
    # Services
    # ------------------------------------------------------------------
    def _get_adapter(self):
        self.ensure_one()
        return self.env[self._adapter]

    def _connector_secrets(self):
        """Literal secret values of this backend, for masking."""
        sudo = self.sudo()
        return [sudo[name] for name in self._connector_secret_fields if sudo[name]]

    def _connector_is_preview(self):
        return bool(self.preview_mode or self.env.context.get("connector_preview"))

    def action_test_connection(self):
        self.ensure_one()
        try:
            self._get_adapter().test_connection(self)
        except AuthenticationFailed as err:
            self.write({"state": "error", "state_message": str(err)})
            raise UserError(str(err)) from err
        except (ConnectorError, ConnectorRetryableError) as err:
            message = _(
                "The service could not be reached: %(reason)s. Check the base URL "
                "and your network, then try again.",
                reason=mask_text(str(err), self._connector_secrets()),
            )
            self.write({"state": "error", "state_message": message})
            raise UserError(message) from err
        self.write({"state": "connected", "state_message": False})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Connection works"),
                "message": _("%(name)s answered correctly.", name=self.name),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_reset_draft(self):
        self.write({"state": "draft", "state_message": False})
