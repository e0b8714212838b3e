# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""All HTTP to Zendesk: auth, rate-limit headers, bulk jobs, exports."""

import base64
import json
import logging
import math
import threading
import time

from odoo import _, api, models

from odoo.addons.connector_base.exceptions import (
    ConfigurationError,
    ConnectorRetryableError,
    RateLimited,
    RemoteRequestError,
)

SINGULAR = {"organizations": "organization", "users": "user", "tickets": "ticket"}
JOB_POLLS = 5
_HEADROOM = {}  # (db, backend id) -> (remaining, reset monotonic time)
_HEADROOM_LOCK = threading.Lock()
_logger = logging.getLogger(__name__)


class ZendeskAdapter(models.AbstractModel):
    _name = "zendesk.adapter"
    _inherit = "connector.adapter"
    _description = "Zendesk Adapter"

    # ------------------------------------------------------------------
    # Transport
    # ------------------------------------------------------------------
    @api.model
    def _base_url(self, backend):
        if backend.base_url:
            return backend.base_url.rstrip("/")
        if not backend.subdomain:
            raise ConfigurationError(
                _(
                    "Set the Zendesk subdomain (or a base URL) on %(name)s.",
                    name=backend.name,
                )
            )
        return f"https://{backend.subdomain}.zendesk.com"

    @api.model
    def _auth_headers(self, backend):
        sudo = backend.sudo()
        if sudo.oauth_token:
            return {"Authorization": f"Bearer {sudo.oauth_token}"}
        raw = f"{sudo.agent_email or ''}/token:{sudo.api_token or ''}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}

    @api.model
    def _consume_budget(self, backend):
        """Wait for the next minute before Zendesk would answer 429."""
        result = super()._consume_budget(backend)
        key = (self.env.cr.dbname, backend.id)
        with _HEADROOM_LOCK:
            remaining, reset_at = _HEADROOM.get(key, (None, 0))
        wait = reset_at - time.monotonic()
        if (
            remaining is not None
            and remaining <= backend.rate_limit_reserve
            and wait > 0
        ):
            raise RateLimited(
                f"Zendesk has {remaining} requests left this minute for "
                f"{backend.name}; waiting {math.ceil(wait)}s",
                seconds=max(1, math.ceil(wait)),
            )
        return result

    @api.model
    def _check_response(self, backend, status, headers, text):
        """Also keeps Zendesk's error body (``RecordInvalid`` details) on the
        error, for the callers that act on it (duplicate names)."""
        self._record_headroom(backend, headers)
        try:
            return super()._check_response(backend, status, headers, text)
        except RemoteRequestError as err:
            try:
                err.payload = json.loads(text or "null")
            except ValueError:
                err.payload = None
            raise

    @api.model
    def _record_headroom(self, backend, headers):
        remaining = headers.get("ratelimit-remaining") or headers.get(
            "X-Rate-Limit-Remaining"
        )
        try:
            remaining = int(remaining)
            reset = int(headers.get("ratelimit-reset") or 60)
        except (TypeError, ValueError):
            return
        with _HEADROOM_LOCK:
            _HEADROOM[(self.env.cr.dbname, backend.id)] = (
                remaining,
                time.monotonic() + reset,
            )

    def _api(self, backend, method, path, **kwargs):
        return self._request(backend, method, f"/api/v2/{path}", **kwargs)

    # ------------------------------------------------------------------
    # Interface of connector.adapter
    # ------------------------------------------------------------------
    def test_connection(self, backend):
        """Credentials work and every mapped custom field exists."""
        return self.check_custom_fields(backend)

    def remote_read(self, backend, resource, external_id):
        data = self._api(backend, "GET", f"{resource}/{int(external_id)}.json")
        return data[SINGULAR[resource]]

    def remote_create(self, backend, resource, payload, idempotency_key=None):
        """Create-or-update matched on external_id: a retry never duplicates."""
        key = SINGULAR[resource]
        data = self._api(
            backend,
            "POST",
            f"{resource}/create_or_update.json",
            json={key: payload},
            idempotency_key=idempotency_key,
        )
        return data[key]

    def remote_write(
        self, backend, resource, external_id, payload, idempotency_key=None
    ):
        key = SINGULAR[resource]
        data = self._api(
            backend,
            "PUT",
            f"{resource}/{int(external_id)}.json",
            json={key: payload},
            idempotency_key=idempotency_key,
        )
        return data[key]

    def search_page(self, backend, resource, updated_since=None, cursor=None):
        records, next_cursor, _resume = self.pull_page(
            backend, resource, updated_since=updated_since, cursor=cursor
        )
        return records, next_cursor

    def pull_page(
        self, backend, resource, updated_since=None, cursor=None, resume_cursor=None
    ):
        """One page of the cursor-based incremental export.

        Zendesk returns ``after_cursor`` even at ``end_of_stream``: it is the
        resume cursor the checkpoint parks for the next run. A parked cursor
        Zendesk refuses (expired, or from another account) falls back to
        ``start_time`` = the checkpoint's datetime minus its overlap.
        """
        params = {"per_page": 1000}
        if cursor or resume_cursor:
            params["cursor"] = cursor or resume_cursor
        else:
            since = int(updated_since.timestamp()) if updated_since else 0
            params["start_time"] = since
        path = f"incremental/{resource}/cursor.json"
        try:
            data = self._api(backend, "GET", path, params=params)
        except RemoteRequestError as err:
            if cursor or not resume_cursor:
                raise
            _logger.warning(
                "%s refused the parked %s cursor (%s); starting from %s",
                backend.name,
                resource,
                err,
                updated_since,
            )
            return self.pull_page(backend, resource, updated_since=updated_since)
        records = data.get(resource, [])
        more = not data.get("end_of_stream") and data.get("after_cursor")
        next_cursor = data["after_cursor"] if more else None
        return records, next_cursor, data.get("after_cursor")

    # ------------------------------------------------------------------
    # Lookups, bulk jobs
    # ------------------------------------------------------------------
    def custom_field_keys(self, backend, kind):
        data = self._api(backend, "GET", f"{kind}_fields.json")
        return {row["key"] for row in data.get(f"{kind}_fields", [])}

    def check_custom_fields(self, backend):
        """Business error when a mapped field key does not exist in Zendesk."""
        checks = (
            ("organization", backend._org_field_keys()),
            ("user", backend._user_field_keys()),
        )
        for kind, mapping in checks:
            existing = self.custom_field_keys(backend, kind)
            missing = sorted(k for k in mapping.values() if k and k not in existing)
            if missing:
                raise ConfigurationError(
                    _(
                        "Zendesk has no %(kind)s field %(keys)s. Create them in "
                        "Zendesk Admin Center (Objects > %(kind)ss > fields) or "
                        "clear the mapping on the backend.",
                        kind=kind,
                        keys=", ".join(missing),
                    )
                )

    def show_many(self, backend, resource, ids=None, external_ids=None):
        """Objects by Zendesk ids or external ids, 100 per request."""
        values = list(ids or external_ids or [])
        param = "ids" if ids else "external_ids"
        rows = []
        for start in range(0, len(values), 100):
            chunk = ",".join(str(v) for v in values[start : start + 100])
            data = self._api(
                backend, "GET", f"{resource}/show_many.json", params={param: chunk}
            )
            rows += data.get(resource, [])
        return rows

    def bulk(self, backend, resource, operation, items):
        """``create_many`` / ``update_many`` / ``create_or_update_many``; polls
        the job status and returns its per-item results (index, id, success)."""
        if not items:
            return []
        method = "PUT" if operation == "update_many" else "POST"
        data = self._api(
            backend, method, f"{resource}/{operation}.json", json={resource: items}
        )
        return self._wait_job(backend, data["job_status"])

    def _wait_job(self, backend, status):
        for attempt in range(JOB_POLLS):
            if status.get("status") in ("completed", "failed", "killed"):
                return status.get("results") or []
            if attempt:
                time.sleep(0.2 * attempt)
            status = self._api(backend, "GET", f"job_statuses/{status['id']}.json")[
                "job_status"
            ]
        if status.get("status") == "completed":
            return status.get("results") or []
        raise ConnectorRetryableError(
            f"Zendesk job {status['id']} still {status.get('status')}", seconds=30
        )
