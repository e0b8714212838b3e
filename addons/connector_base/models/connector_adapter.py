# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The only place that talks HTTP.

``connector.adapter`` is the base of every service adapter. Adapters that
speak raw HTTP use ``_request``: one ``requests`` session per process, a
timeout on every call, the pinned API version, the idempotency key, masked
logs, the rate-limit budget and the translation of HTTP answers into typed
errors. Adapters built on an official client (stripe, simple-salesforce)
override ``_translate_client_error`` and wrap their calls in ``_guard``.
"""

import logging
import threading
import time
from collections import deque
from contextlib import contextmanager

import requests

from odoo import api, models

from ..exceptions import (
    AuthenticationFailed,
    ConnectorRetryableError,
    IDMissingInBackend,
    RateLimited,
    RemoteRequestError,
)
from ..tools.masking import mask_data, mask_text

_logger = logging.getLogger(__name__)

_SESSION = threading.local()
_BUDGETS = {}
_BUDGET_LOCK = threading.Lock()
DEFAULT_RETRY_SECONDS = 30


def _session():
    if getattr(_SESSION, "session", None) is None:
        _SESSION.session = requests.Session()
    return _SESSION.session


class ConnectorAdapter(models.AbstractModel):
    _name = "connector.adapter"
    _description = "Connector Adapter (abstract)"

    # Default base URL of the public API, overridden by backend.base_url.
    _default_base_url = None
    _api_version_header = None  # e.g. "Stripe-Version"

    # ------------------------------------------------------------------
    # Interface used by importers / exporters (implemented per service)
    # ------------------------------------------------------------------
    def test_connection(self, backend):
        raise NotImplementedError

    def remote_read(self, backend, resource, external_id):
        raise NotImplementedError

    def search_page(self, backend, resource, updated_since=None, cursor=None):
        """Return ``(records, next_cursor)``; filter on *updated* since."""
        raise NotImplementedError

    def pull_page(
        self, backend, resource, updated_since=None, cursor=None, resume_cursor=None
    ):
        """One page for ``connector.checkpoint``: ``(records, next_cursor,
        resume_cursor)``.

        ``cursor`` continues the current run. On a run's first page,
        ``resume_cursor`` is the service cursor parked by the previous run (or
        None) and ``updated_since`` the fallback. Services whose export hands
        out a resumable cursor return the one to park; by default there is
        none and the checkpoint keeps only its datetime watermark.
        """
        records, next_cursor = self.search_page(
            backend, resource, updated_since=updated_since, cursor=cursor
        )
        return records, next_cursor, None

    def remote_create(self, backend, resource, payload, idempotency_key=None):
        raise NotImplementedError

    def remote_write(
        self, backend, resource, external_id, payload, idempotency_key=None
    ):
        raise NotImplementedError

    # ------------------------------------------------------------------
    # Rate-limit budget (sliding minute window, per process and backend)
    # ------------------------------------------------------------------
    @api.model
    def _consume_budget(self, backend):
        budget = backend.rate_limit_per_minute
        if not budget or budget <= 0:
            return
        key = (self.env.cr.dbname, backend._name, backend.id)
        now = time.monotonic()
        with _BUDGET_LOCK:
            calls = _BUDGETS.setdefault(key, deque())
            while calls and now - calls[0] >= 60:
                calls.popleft()
            if len(calls) >= budget:
                wait = int(60 - (now - calls[0])) + 1
                raise RateLimited(
                    f"Request budget of {budget}/minute spent for {backend.name}; "
                    f"retrying in {wait}s",
                    seconds=wait,
                )
            calls.append(now)

    # ------------------------------------------------------------------
    # requests-based helper
    # ------------------------------------------------------------------
    @api.model
    def _base_url(self, backend):
        return (backend.base_url or self._default_base_url or "").rstrip("/")

    @api.model
    def _auth_headers(self, backend):
        """Credentials headers; services override (never logged)."""
        return {}

    @api.model
    def _request(
        self, backend, method, path, params=None, json=None, idempotency_key=None
    ):
        self._consume_budget(backend)
        headers = {"Accept": "application/json", **self._auth_headers(backend)}
        if self._api_version_header and backend.api_version:
            headers[self._api_version_header] = backend.api_version
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        url = f"{self._base_url(backend)}{path}"
        secrets = backend._connector_secrets()
        _logger.debug(
            "%s %s params=%s body=%s",
            method,
            mask_text(url, secrets),
            mask_data(params, secrets=secrets),
            mask_data(json, secrets=secrets),
        )
        try:
            response = _session().request(
                method,
                url,
                params=params,
                json=json,
                headers=headers,
                timeout=backend.request_timeout or 30,
            )
        except requests.Timeout as err:
            raise ConnectorRetryableError(
                f"Timeout calling {backend.name}", seconds=DEFAULT_RETRY_SECONDS
            ) from err
        except requests.ConnectionError as err:
            raise ConnectorRetryableError(
                f"Cannot reach {backend.name}", seconds=DEFAULT_RETRY_SECONDS
            ) from err
        self._check_response(
            backend, response.status_code, response.headers, response.text
        )
        return response.json() if response.content else {}

    @api.model
    def _check_response(self, backend, status, headers, text):
        """Translate an HTTP status into the typed errors of the engine."""
        if status < 400:
            return
        detail = mask_text((text or "")[:300], backend._connector_secrets())
        if status == 429 or status >= 500:
            seconds = self._retry_after(headers)
            error = RateLimited if status == 429 else ConnectorRetryableError
            raise error(
                f"{backend.name} answered {status}; retry in {seconds}s",
                seconds=seconds,
            )
        if status == 404:
            raise IDMissingInBackend(f"{backend.name}: object not found ({detail})")
        if status in (401, 403):
            raise AuthenticationFailed(
                f"{backend.name} refused our credentials (HTTP {status}). Ask an "
                "administrator to renew the API key on the backend, then run "
                "'Test connection'."
            )
        raise RemoteRequestError(
            f"{backend.name} rejected the request (HTTP {status}): {detail}"
        )

    @api.model
    def _retry_after(self, headers):
        try:
            return max(int(float(headers.get("Retry-After"))), 1)
        except (TypeError, ValueError):
            return DEFAULT_RETRY_SECONDS

    # ------------------------------------------------------------------
    # Official clients
    # ------------------------------------------------------------------
    @api.model
    def _translate_client_error(self, backend, error):
        """Return a typed error for a client library exception, or None."""
        return None

    @contextmanager
    def _guard(self, backend):
        """Wrap official-client calls: budget + error translation."""
        self._consume_budget(backend)
        try:
            yield
        except Exception as error:
            typed = self._translate_client_error(backend, error)
            if typed is None:
                raise
            raise typed from error
