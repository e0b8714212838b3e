# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ConnectorTestAdapter(models.AbstractModel):
    """HTTP adapter of the test service (a Stripe-like JSON API)."""

    _name = "connector.test.adapter"
    _inherit = "connector.adapter"
    _description = "Test Service Adapter"

    _default_base_url = "https://api.test-service.invalid"
    _api_version_header = "Test-Version"

    @api.model
    def _auth_headers(self, backend):
        return {"Authorization": f"Bearer {backend.sudo().api_key or ''}"}

    def test_connection(self, backend):
        return self._request(backend, "GET", "/v1/account")

    def remote_read(self, backend, resource, external_id):
        return self._request(backend, "GET", f"/v1/{resource}/{external_id}")

    def search_page(self, backend, resource, updated_since=None, cursor=None):
        params = {"limit": 100}
        if updated_since:
            params["updated_since"] = int(updated_since.timestamp())
        if cursor:
            params["starting_after"] = cursor
        page = self._request(backend, "GET", f"/v1/{resource}", params=params)
        records = page.get("data", [])
        next_cursor = records[-1]["id"] if page.get("has_more") and records else None
        return records, next_cursor

    def remote_create(self, backend, resource, payload, idempotency_key=None):
        return self._request(
            backend,
            "POST",
            f"/v1/{resource}",
            json=payload,
            idempotency_key=idempotency_key,
        )

    def remote_write(
        self, backend, resource, external_id, payload, idempotency_key=None
    ):
        return self._request(
            backend,
            "POST",
            f"/v1/{resource}/{external_id}",
            json=payload,
            idempotency_key=idempotency_key,
        )
