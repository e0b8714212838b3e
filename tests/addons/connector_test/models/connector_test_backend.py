# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .mappers import epoch


class ConnectorTestBackend(models.Model):
    _name = "connector.test.backend"
    _description = "Test Service Backend"
    _inherit = ["connector.backend.mixin"]

    _connector_service = "test"
    _adapter = "connector.test.adapter"
    _connector_secret_fields = ("webhook_secret", "api_key")

    api_key = fields.Char(groups="base.group_system", copy=False)
    binding_ids = fields.One2many("connector.test.partner", "backend_id")

    def _connector_verify_signature(self, headers, raw_body):
        parts = dict(
            item.split("=", 1)
            for item in (headers.get("X-Test-Signature") or "").split(",")
            if "=" in item
        )
        timestamp, signature = parts.get("t"), parts.get("v1")
        if not timestamp or not signature:
            return False, "signature header missing"
        if not self._connector_timestamp_fresh(timestamp):
            return False, "stale timestamp"
        message = timestamp.encode() + b"." + raw_body
        if not self._connector_hmac_matches(
            self.sudo().webhook_secret, message, signature
        ):
            return False, "signature mismatch"
        return True, "valid"

    def _connector_parse_event(self, data, headers):
        return {
            "source_event_id": data["id"],
            "event_type": data["type"],
            "object_ref": data["data"]["object"]["id"],
            "source_ts": epoch(data["created"]),
        }

    def _connector_event_route(self, event_type):
        return {
            "customer.created": ("connector.test.partner", "import"),
            "customer.updated": ("connector.test.partner", "import"),
            "customer.deleted": ("connector.test.partner", "delete"),
        }.get(event_type)

    def _connector_pull_objects(self):
        return {"customers": "connector.test.partner"}
