# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The only place that talks to Salesforce, through simple-salesforce.

One logged-in client per process and backend configuration; every call goes
through ``_call``: the per-minute throttle and the daily API budget first,
the translation of simple-salesforce errors into connector_base's typed
errors around it, and the ``Sforce-Limit-Info`` usage noted afterwards.
"""

import csv
import hashlib
import io
import logging
import threading
import time

import requests
from simple_salesforce import Salesforce
from simple_salesforce.bulk2 import Operation
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceBulkV2ExtractError,
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)
from simple_salesforce.format import format_soql

from odoo import api, models

from odoo.addons.connector_base.exceptions import (
    AuthenticationFailed,
    ConnectorRetryableError,
    IDMissingInBackend,
    RateLimited,
    RemoteRequestError,
)
from odoo.addons.connector_base.tools.masking import mask_text

from ..const import BULK_PAGE_SIZE, PAGE_SIZE, SOQL_FIELDS

_logger = logging.getLogger(__name__)
_CLIENTS = {}
_USAGE = {}  # (db, backend id) -> {"used", "max", "blocked_until"}
_LOCK = threading.Lock()
RETRY_SECONDS = 30


class _TimeoutSession(requests.Session):
    """A session that puts a timeout on every request simple-salesforce sends."""

    def __init__(self, timeout, verify):
        super().__init__()
        self.timeout = timeout
        self.verify = verify
        self.trust_env = verify is True  # else REQUESTS_CA_BUNDLE overrides verify

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, **kwargs)


class SalesforceAdapter(models.AbstractModel):
    _name = "salesforce.adapter"
    _inherit = "connector.adapter"
    _description = "Salesforce Adapter"

    # ------------------------------------------------------------------
    # Client
    # ------------------------------------------------------------------
    @api.model
    def _key(self, backend):
        return (self.env.cr.dbname, backend.id)

    @api.model
    def _client(self, backend):
        kwargs = backend.sudo()._sf_login_kwargs()
        fingerprint = hashlib.sha256(repr(sorted(kwargs.items())).encode()).hexdigest()
        cached = _CLIENTS.get(self._key(backend))
        if cached and cached[0] == fingerprint:
            return cached[1]
        session = _TimeoutSession(
            backend.request_timeout or 30, backend._sf_verify() or True
        )
        client = Salesforce(session=session, version=backend.api_version, **kwargs)
        _CLIENTS[self._key(backend)] = (fingerprint, client)
        return client

    @api.model
    def usage_info(self, backend):
        """Last known API usage and instance, as backend values."""
        usage = _USAGE.get(self._key(backend)) or {}
        cached = _CLIENTS.get(self._key(backend))
        return {
            "api_usage_used": usage.get("used") or 0,
            "api_usage_max": usage.get("max") or 0,
            "instance_url": cached and f"https://{cached[1].sf_instance}",
        }

    @api.model
    def _drop_client(self, backend):
        _CLIENTS.pop(self._key(backend), None)

    @api.model
    def _call(self, backend, func):
        """Run ``func(client)`` under the budget and the error translation."""
        with self._guard(backend):
            client = self._client(backend)
            try:
                return func(client)
            finally:
                self._note_usage(backend, client)

    # ------------------------------------------------------------------
    # Daily API budget (Sforce-Limit-Info and /limits)
    # ------------------------------------------------------------------
    @api.model
    def _consume_budget(self, backend):
        super()._consume_budget(backend)
        usage = _USAGE.get(self._key(backend)) or {}
        now = time.time()
        blocked = usage.get("blocked_until") or 0
        if blocked > now:
            raise self._budget_error(backend, usage, blocked - now)
        if blocked and blocked <= now:
            self._refresh_limits(backend)
            usage = _USAGE[self._key(backend)]
        if backend._sf_budget_spent(usage.get("used"), usage.get("max")):
            wait = backend.api_budget_wait or 3600
            usage["blocked_until"] = now + wait
            raise self._budget_error(backend, usage, wait)
        return True

    @api.model
    def _budget_error(self, backend, usage, seconds):
        seconds = max(int(seconds), 1)
        return RateLimited(
            f"{backend.name}: the share of the Salesforce daily API allocation "
            f"given to Odoo is spent ({usage.get('used')}/{usage.get('max')} calls "
            f"used, budget {backend.api_budget_percent}%); the sync waits "
            f"{seconds}s and runs again.",
            seconds=seconds,
        )

    @api.model
    def _note_usage(self, backend, client):
        usage = (client.api_usage or {}).get("api-usage")
        if usage:
            self._set_usage(backend, usage.used, usage.total)

    @api.model
    def _set_usage(self, backend, used, total):
        with _LOCK:
            _USAGE[self._key(backend)] = {"used": used, "max": total}

    @api.model
    def _refresh_limits(self, backend):
        """Read ``/limits`` (not counted against our budget check)."""
        try:
            client = self._client(backend)
            data = client.limits()
        except SalesforceError as error:
            raise self._translate_client_error(backend, error) from error
        daily = data.get("DailyApiRequests") or {}
        used = (daily.get("Max") or 0) - (daily.get("Remaining") or 0)
        self._set_usage(backend, used, daily.get("Max"))
        return daily

    # ------------------------------------------------------------------
    # Error translation
    # ------------------------------------------------------------------
    @api.model
    def _translate_client_error(self, backend, error):
        secrets = backend._connector_secrets()
        detail = mask_text(str(getattr(error, "content", error))[:300], secrets)
        if isinstance(error, requests.Timeout | requests.ConnectionError):
            return ConnectorRetryableError(
                f"Salesforce ({backend.name}) did not answer in time; retrying.",
                seconds=RETRY_SECONDS,
            )
        if isinstance(error, SalesforceAuthenticationFailed):
            self._drop_client(backend)
            return AuthenticationFailed(
                f"Salesforce refused the login of {backend.name}: {detail}. Check "
                "the user name, password, security token or connected app, then "
                "click 'Test connection'."
            )
        if isinstance(error, SalesforceExpiredSession):
            self._drop_client(backend)
            return ConnectorRetryableError(
                "The Salesforce session expired; logging in again.", seconds=5
            )
        if isinstance(error, SalesforceRefusedRequest):
            if "REQUEST_LIMIT_EXCEEDED" in detail:
                self._set_usage(backend, 1, 1)
                return RateLimited(
                    f"The Salesforce org of {backend.name} has spent its daily API "
                    "allocation; the sync waits for the reset.",
                    seconds=backend.api_budget_wait or 3600,
                )
            return AuthenticationFailed(
                f"Salesforce refused the request (missing permission): {detail}. "
                "Give the integration user access to this object."
            )
        if isinstance(error, SalesforceResourceNotFound):
            return IDMissingInBackend(f"Not found in Salesforce: {detail}")
        if isinstance(error, SalesforceMalformedRequest | SalesforceBulkV2ExtractError):
            return RemoteRequestError(f"Salesforce rejected the request: {detail}")
        if isinstance(error, SalesforceError):
            status = getattr(error, "status", 500) or 500
            if status == 429 or status >= 500:
                error_class = RateLimited if status == 429 else ConnectorRetryableError
                return error_class(
                    f"Salesforce answered {status}; retrying in {RETRY_SECONDS}s.",
                    seconds=RETRY_SECONDS,
                )
            return RemoteRequestError(f"Salesforce answered {status}: {detail}")
        return None

    # ------------------------------------------------------------------
    # Interface used by the engine
    # ------------------------------------------------------------------
    def test_connection(self, backend):
        return self._call(backend, lambda sf: self._refresh_limits(backend))

    @api.model
    def _select(self, backend, sobject):
        names = list(SOQL_FIELDS[sobject])
        if sobject == "Account" and backend.sf_vat_field:
            names.insert(1, backend.sf_vat_field)
        return f"SELECT {', '.join(names)} FROM {sobject}"

    def remote_read(self, backend, resource, external_id):
        records = self.read_many(backend, resource, [external_id])
        if not records:
            raise IDMissingInBackend(
                f"{resource} {external_id} not found in Salesforce"
            )
        return records[0]

    @api.model
    def read_many(self, backend, sobject, external_ids):
        """Records by Id, one query per 200 ids (child subqueries included)."""
        records = []
        ids = list(external_ids)
        for start in range(0, len(ids), 200):
            soql = format_soql(
                self._select(backend, sobject) + " WHERE Id IN {ids}",
                ids=ids[start : start + 200],
            )
            records += self.query_all(backend, soql)
        return records

    @api.model
    def query_all(self, backend, soql):
        result = self._call(backend, lambda sf: sf.query(soql))
        records = list(result["records"])
        while not result.get("done", True):
            url = result["nextRecordsUrl"]
            result = self._call(
                backend, lambda sf, url=url: sf.query_more(url, identifier_is_url=True)
            )
            records += result["records"]
        return [_clean(rec) for rec in records]

    @api.model
    def _where_changed(self, backend, sobject, updated_since):
        clauses = list(backend._sf_object_filters(sobject))
        if updated_since:
            clauses.append(
                "SystemModstamp > " + updated_since.strftime("%Y-%m-%dT%H:%M:%SZ")
            )
        return f" WHERE {' AND '.join(clauses)}" if clauses else ""

    def search_page(self, backend, resource, updated_since=None, cursor=None):
        if cursor:
            result = self._call(
                backend, lambda sf: sf.query_more(cursor, identifier_is_url=True)
            )
        else:
            soql = (
                self._select(backend, resource)
                + self._where_changed(backend, resource, updated_since)
                + " ORDER BY SystemModstamp"
            )
            headers = {"Sforce-Query-Options": f"batchSize={PAGE_SIZE}"}
            result = self._call(backend, lambda sf: sf.query(soql, headers=headers))
        next_cursor = None if result.get("done", True) else result["nextRecordsUrl"]
        return [_clean(rec) for rec in result["records"]], next_cursor

    @api.model
    def count_changed(self, backend, sobject, updated_since):
        soql = f"SELECT COUNT() FROM {sobject}" + self._where_changed(
            backend, sobject, updated_since
        )
        return self._call(backend, lambda sf: sf.query(soql))["totalSize"]

    @api.model
    def deleted(self, backend, sobject, start, end):
        """``[{"id", "deletedDate"}]`` deleted between ``start`` and ``end``."""
        result = self._call(
            backend, lambda sf: getattr(sf, sobject).deleted(start, end)
        )
        return result.get("deletedRecords") or []

    @api.model
    def merged_into(self, backend, sobject, external_ids):
        """Deleted id -> master id for the losers of a merge (queryAll)."""
        soql = format_soql(
            f"SELECT Id, MasterRecordId FROM {sobject} WHERE Id IN {{ids}}",
            ids=list(external_ids),
        )
        result = self._call(
            backend, lambda sf: sf.query_all(soql, include_deleted=True)
        )
        return {
            rec["Id"]: rec["MasterRecordId"]
            for rec in result["records"]
            if rec.get("MasterRecordId")
        }

    # ------------------------------------------------------------------
    # Bulk API 2.0 query jobs
    # ------------------------------------------------------------------
    @api.model
    def _bulk_client(self, client, sobject):
        # simple-salesforce exposes the job steps only on its Bulk 2.0 client.
        return getattr(client.bulk2, sobject)._client

    @api.model
    def bulk_start(self, backend, sobject, updated_since=None):
        soql = self._select(backend, sobject) + self._where_changed(
            backend, sobject, updated_since
        )
        job = self._call(
            backend,
            lambda sf: self._bulk_client(sf, sobject).create_job(Operation.query, soql),
        )
        return job["id"]

    @api.model
    def bulk_state(self, backend, sobject, job_id):
        job = self._call(
            backend, lambda sf: self._bulk_client(sf, sobject).get_job(job_id, True)
        )
        return job["state"]

    @api.model
    def bulk_page(self, backend, sobject, job_id, locator=None):
        """``(records, next_locator)`` of one page of a completed job."""
        result = self._call(
            backend,
            lambda sf: self._bulk_client(sf, sobject).get_query_results(
                job_id, locator or "", BULK_PAGE_SIZE
            ),
        )
        rows = csv.DictReader(io.StringIO(result["records"]))
        records = [
            _clean({k: (v if v != "" else None) for k, v in row.items()})
            for row in rows
        ]
        return records, result["locator"] or None

    # ------------------------------------------------------------------
    # Status write-back: sObject Collections upsert
    # ------------------------------------------------------------------
    @api.model
    def upsert_many(self, backend, sobject, field, records):
        """Upsert by ``field`` in calls of 200; returns the per-record results."""
        results = []
        for start in range(0, len(records), 200):
            chunk = [
                {"attributes": {"type": sobject}, **rec}
                for rec in records[start : start + 200]
            ]
            body = {"allOrNone": False, "records": chunk}
            results += self._call(
                backend,
                lambda sf, body=body: sf.restful(
                    f"composite/sobjects/{sobject}/{field}", method="PATCH", json=body
                ),
            )
        return results


def _clean(record):
    """Drop the ``attributes`` envelopes (REST only) so REST and Bulk 2.0
    payloads hash the same; add the lowercase ``id`` connector_base's batch
    importer keys its pages by."""
    out = {"id": record["Id"]} if record.get("Id") else {}
    for key, value in record.items():
        if key == "attributes":
            continue
        if isinstance(value, dict) and "records" in value:
            value = {"records": [_clean(rec) for rec in value["records"]]}
        elif isinstance(value, dict):
            value = _clean(value)
        out[key] = value
    return out
