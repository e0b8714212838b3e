# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC, datetime

from odoo import _, fields, models
from odoo.exceptions import UserError

from .mappers import ORG_FIELD_MAP, parse_time

EVENT_PREFIX = "zen:event-type:"
BATCH_SIZE = 100


class ZendeskBackend(models.Model):
    _name = "zendesk.backend"
    _description = "Zendesk Backend"
    _inherit = ["connector.backend.mixin", "zendesk.backend.settings"]

    _connector_service = "zendesk"
    _adapter = "zendesk.adapter"
    _connector_secret_fields = ("webhook_secret", "api_token", "oauth_token")

    organization_ids = fields.One2many("zendesk.organization", "backend_id")
    ticket_ids = fields.One2many("zendesk.ticket", "backend_id")
    organization_count = fields.Integer(compute="_compute_counts")
    ticket_count = fields.Integer(compute="_compute_counts")

    def _compute_counts(self):
        for backend in self:
            backend.organization_count = len(backend.organization_ids)
            backend.ticket_count = len(backend.ticket_ids)

    # ------------------------------------------------------------------
    # Mapping helpers
    # ------------------------------------------------------------------
    def _org_field_keys(self):
        self.ensure_one()
        return {name: self[field] for name, field in ORG_FIELD_MAP.items()}

    def _user_field_keys(self):
        self.ensure_one()
        return {"ref": self.user_field_customer_number}

    def _partner_xid(self, partner_id):
        return f"{self.external_id_prefix or ''}{partner_id}"

    def _xid_to_partner_id(self, xid):
        prefix = self.external_id_prefix or ""
        rest = (xid or "")[len(prefix) :] if (xid or "").startswith(prefix) else ""
        return int(rest) if rest.isdigit() else None

    def _ticket_url(self):
        return f"{self._get_adapter()._base_url(self)}/agent/tickets"

    # ------------------------------------------------------------------
    # Webhook hooks
    # ------------------------------------------------------------------
    def _connector_verify_signature(self, headers, raw_body):
        timestamp = headers.get("X-Zendesk-Webhook-Signature-Timestamp")
        signature = headers.get("X-Zendesk-Webhook-Signature")
        if not timestamp or not signature:
            return False, "signature header missing"
        stamp = parse_time(timestamp)
        if not stamp or not self._connector_timestamp_fresh(
            stamp.replace(tzinfo=UTC).timestamp()
        ):
            return False, "stale timestamp"
        message = timestamp.encode() + raw_body
        if not self._connector_hmac_matches(
            self.sudo().webhook_secret, message, signature, encoder="base64"
        ):
            return False, "signature mismatch"
        return True, "valid"

    def _connector_parse_event(self, data, headers):
        return {
            "source_event_id": data["id"],
            "event_type": data["type"].removeprefix(EVENT_PREFIX),
            "object_ref": str(data["detail"]["id"]),
            "source_ts": parse_time(data.get("time")),
        }

    def _connector_event_route(self, event_type):
        event_type = event_type or ""
        if event_type in ("ticket.soft_deleted", "ticket.merged"):
            return ("zendesk.ticket", "delete")
        if event_type.startswith("ticket."):
            return ("zendesk.ticket", "import")
        return {
            "organization.deleted": ("zendesk.organization", "delete"),
            "user.deleted": ("zendesk.user", "delete"),
        }.get(event_type)

    def _connector_pull_objects(self):
        return {"tickets": "zendesk.ticket"}

    # ------------------------------------------------------------------
    # Actions (buttons) and crons
    # ------------------------------------------------------------------
    def _check_connected(self):
        for backend in self:
            if backend.state != "connected":
                raise UserError(
                    _(
                        "%(name)s is not connected yet: run 'Test connection' first.",
                        name=backend.name,
                    )
                )

    def action_export_organizations(self):
        self._check_connected()
        count = 0
        for backend in self:
            bindings = backend._ensure_organization_bindings()
            count += len(bindings)
            self.env["zendesk.organization"]._delay_batches(bindings)
        return self._notify(
            _("%(count)s organizations queued for export.", count=count)
        )

    def action_import_tickets(self):
        self._check_connected()
        for backend in self:
            self.env["connector.checkpoint"]._enqueue_page(backend, "tickets", None)
        return self._notify(_("Ticket import queued."))

    def action_open_organizations(self):
        return self._open("zendesk.organization", _("Zendesk organizations"))

    def action_open_tickets(self):
        return self._open("zendesk.ticket", _("Zendesk tickets"))

    def _open(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("backend_id", "=", self.id)],
        }

    def _notify(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": message},
        }

    def _customer_domain(self):
        self.ensure_one()
        return [
            ("is_company", "=", True),
            ("customer_rank", ">", 0),
            ("company_id", "in", [False, self.company_id.id]),
        ]

    def _ensure_organization_bindings(self):
        """Bind every customer company (one search, one create); return active ones."""
        self.ensure_one()
        bindings = self.env["zendesk.organization"].with_context(active_test=False)
        bound = bindings.search([("backend_id", "=", self.id)])
        partners = self.env["res.partner"].search(
            self._customer_domain() + [("id", "not in", bound.odoo_id.ids)]
        )
        bindings.with_context(connector_no_export=True).create(
            [{"backend_id": self.id, "odoo_id": pid} for pid in partners.ids]
        )
        return self.env["zendesk.organization"].search([("backend_id", "=", self.id)])

    def _cron_full_refresh(self):
        self.search([("state", "=", "connected")]).action_export_organizations()

    def _cron_refresh_overdue(self):
        """Daily: days overdue move every day, and invoices become overdue."""
        for backend in self.search([("state", "=", "connected")]):
            partners = self.env["zendesk.standing"]._partners_with_overdue(backend)
            bindings = self.env["zendesk.organization"].search(
                [("backend_id", "=", backend.id), ("odoo_id", "in", partners.ids)]
            )
            self.env["zendesk.organization"]._delay_batches(bindings)

    def _today(self):
        return fields.Date.context_today(self, datetime.now())
