# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The only place that talks to Stripe, through the official client."""

import json
import logging

import stripe

from odoo import api, models

from odoo.addons.connector_base.exceptions import (
    AuthenticationFailed,
    ConnectorRetryableError,
    IDMissingInBackend,
    RateLimited,
    RemoteRequestError,
)

_logger = logging.getLogger(__name__)
# the client logs every request URL at INFO: keep it quiet
logging.getLogger("stripe").setLevel(logging.WARNING)

DEFAULT_BASE_URL = "https://api.stripe.com"
DEFAULT_API_VERSION = "2026-10-28"
PAGE_SIZE = 100
# Per resource: the expansions an importer needs in one call.
EXPAND = {
    "customers": ["data.tax_ids"],
    "disputes": [],
}


def plain(obj):
    """A StripeObject as the JSON Stripe sent (decimals back to strings)."""
    return json.loads(json.dumps(obj.to_dict(), default=str))


class StripeAdapter(models.AbstractModel):
    _name = "stripe.adapter"
    _inherit = "connector.adapter"
    _description = "Stripe Adapter"

    _default_base_url = DEFAULT_BASE_URL

    @api.model
    def _client(self, backend):
        sudo = backend.sudo()
        if not sudo.api_key:
            return None
        return stripe.StripeClient(
            sudo.api_key,
            base_addresses={"api": self._base_url(backend)},
            stripe_version=backend.api_version or DEFAULT_API_VERSION,
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=backend.request_timeout or 30),
        ).v1

    @api.model
    def _service(self, backend, resource):
        client = self._client(backend)
        if client is None:
            raise AuthenticationFailed(
                f"{backend.name} has no Stripe secret key. Paste the secret or "
                "restricted key on the backend, then run 'Test connection'."
            )
        return getattr(client, resource)

    # ------------------------------------------------------------------
    # Interface
    # ------------------------------------------------------------------
    def test_connection(self, backend):
        with self._guard(backend):
            self._service(backend, "balance").retrieve()
        return True

    def remote_read(self, backend, resource, external_id):
        params = {}
        if resource == "customers":
            params["expand"] = ["tax_ids"]
        with self._guard(backend):
            obj = self._service(backend, resource).retrieve(external_id, params=params)
        return plain(obj)

    def search_page(self, backend, resource, updated_since=None, cursor=None):
        params = {"limit": PAGE_SIZE}
        if EXPAND.get(resource):
            params["expand"] = EXPAND[resource]
        if updated_since:
            params["created"] = {"gte": int(updated_since.timestamp())}
        if cursor:
            params["starting_after"] = cursor
        with self._guard(backend):
            page = self._service(backend, resource).list(params=params)
        records = [plain(obj) for obj in page.data]
        next_cursor = records[-1]["id"] if page.has_more and records else None
        return records, next_cursor

    def search_by(self, backend, resource, **filters):
        """The first page (newest first) of a list filtered the Stripe way,
        e.g. ``search_by(backend, "customers", email=...)``."""
        with self._guard(backend):
            page = self._service(backend, resource).list(
                params={"limit": PAGE_SIZE, **filters}
            )
        return [plain(obj) for obj in page.data]

    def payout_transactions(self, backend, payout_id):
        """Every balance transaction a payout settled (all pages)."""
        params = {"limit": PAGE_SIZE, "payout": payout_id}
        with self._guard(backend):
            pages = self._service(backend, "balance_transactions").list(params=params)
            return [plain(txn) for txn in pages.auto_paging_iter()]

    def remote_create(self, backend, resource, payload, idempotency_key=None):
        with self._guard(backend):
            obj = self._service(backend, resource).create(
                params=payload, options={"idempotency_key": idempotency_key}
            )
        return plain(obj)

    def remote_write(
        self, backend, resource, external_id, payload, idempotency_key=None
    ):
        with self._guard(backend):
            obj = self._service(backend, resource).update(
                external_id,
                params=payload,
                options={"idempotency_key": idempotency_key},
            )
        return plain(obj)

    # ------------------------------------------------------------------
    # Errors
    # ------------------------------------------------------------------
    @api.model
    def _translate_client_error(self, backend, error):
        if not isinstance(error, stripe.StripeError):
            return None
        status = getattr(error, "http_status", None)
        message = getattr(error, "user_message", None) or str(error)[:200]
        if isinstance(error, stripe.RateLimitError) or status == 429:
            seconds = self._retry_after(getattr(error, "headers", None) or {})
            return RateLimited(
                f"Stripe asks us to slow down; retrying in {seconds}s", seconds=seconds
            )
        if isinstance(error, stripe.APIConnectionError):
            return ConnectorRetryableError(
                f"Stripe could not be reached ({backend.name}); retrying", seconds=30
            )
        if isinstance(error, stripe.APIError) or (status or 0) >= 500:
            return ConnectorRetryableError(
                f"Stripe had a temporary error ({status}); retrying", seconds=30
            )
        if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
            return AuthenticationFailed(
                f"Stripe refused the key of {backend.name} (HTTP {status}). Renew "
                "the secret or restricted key on the backend, then run 'Test "
                "connection'."
            )
        if status == 404 or getattr(error, "code", None) == "resource_missing":
            return IDMissingInBackend(f"Stripe: object not found ({message})")
        return RemoteRequestError(f"Stripe rejected the request: {message}")
