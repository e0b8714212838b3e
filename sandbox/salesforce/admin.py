"""Salesforce-specific admin endpoints under ``/_sandbox/salesforce/`` (never
faulted, no auth): API allocation, custom fields, merges, session expiry."""

import json

from ..core import Response
from .errors import SalesforceError


def register(srv):
    routes = {
        ("GET", "/_sandbox/salesforce/limits"): _limits,
        ("POST", "/_sandbox/salesforce/limits"): _limits,
        ("POST", "/_sandbox/salesforce/fields"): _fields,
        ("POST", "/_sandbox/salesforce/merge"): _merge,
        ("POST", "/_sandbox/salesforce/sessions/expire"): _expire,
    }
    for key, handler in routes.items():
        srv._admin[key] = _bind(srv, handler)


def _bind(srv, handler):
    def run(request):
        data = json.loads(request.body or b"{}")
        try:
            with srv.lock:
                return Response(200, handler(srv, data))
        except SalesforceError as exc:
            return Response(exc.status, [exc.as_dict()])

    return run


def _limits(srv, data):
    """``{"max": N, "used": M}`` sets the allocation; ``{"reset": true}`` restores."""
    if data.get("reset"):
        srv.limits.reset()
    srv.limits.set(data.get("max"), data.get("used"))
    return srv.limits.as_dict()["DailyApiRequests"]


def _fields(srv, data):
    """``{"Account": {"Odoo_Id__c": {"type": "string", "externalId": true}}}``."""
    for sobject, fields in data.items():
        srv.add_custom_fields(sobject, fields)
    return {"status": "ok"}


def _merge(srv, data):
    """``{"sobject": "Account", "master": id, "losers": [ids]}``."""
    master = srv.store.merge(data.get("sobject", "Account"), data["master"],
                             data["losers"])  # fmt: skip
    return {"id": master["Id"], "merged": data["losers"]}


def _expire(srv, data):
    srv.auth.expire_all()
    return {"status": "ok"}
