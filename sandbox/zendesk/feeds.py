"""Handlers for the incremental exports and the webhooks API."""

from ..core import Response
from . import incremental
from .errors import ZendeskError, rate_limited
from .resources import PLURAL, body, render
from .store import iso

CURSOR_EXPORTS = ("ticket", "user")


def export(srv, req, kind, cursor):
    """``/incremental/{plural}/cursor.json`` or ``/incremental/{plural}.json``."""
    _spend_export(srv, req.path)
    table = srv.domain.store.table(kind)
    rows = table.rows

    def one(rid):
        return render(srv, kind, rows[rid])

    build = incremental.cursor_export if cursor else incremental.time_export
    now = srv.domain.store.clock.now()
    payload = build(table, req, one, PLURAL[kind], f"{srv.url}{req.path}", now,
                    lag=srv.export_lag)  # fmt: skip
    return Response(200, payload)


def _spend_export(srv, endpoint):
    """Zendesk's own 10 requests/minute budget per incremental endpoint."""
    allowed, _remaining, reset = srv.limits.export_window(endpoint).take()
    if not allowed:
        raise rate_limited(
            reset, srv.limits.current_headers(),
            "Too many requests to incremental exports: 10 per minute per endpoint",
        )  # fmt: skip


# -- webhooks ------------------------------------------------------------------------
def create_webhook(srv, req):
    payload = body(req, "webhook")
    if not isinstance(payload, dict) or not payload.get("endpoint"):
        raise _webhook_error("endpoint", "Endpoint is required")
    if not str(payload["endpoint"]).startswith(("http://", "https://")):
        raise _webhook_error("endpoint", "Endpoint must be an http(s) URL")
    if not payload.get("subscriptions"):
        raise _webhook_error("subscriptions", "Subscriptions are required")
    hook = srv.hooks.create(payload, iso(srv.domain.store.clock.now()))
    return Response(201, {"webhook": hook})


def list_webhooks(srv, req):
    hooks = [entry["hook"] for entry in srv.hooks.hooks.values()]
    return Response(200, {"webhooks": hooks, "meta": {"has_more": False,
                          "after_cursor": None, "before_cursor": None},
                          "links": {"next": None, "prev": None}})  # fmt: skip


def show_webhook(srv, req):
    return Response(200, {"webhook": _hook(srv, req)["hook"]})


def delete_webhook(srv, req):
    _hook(srv, req)
    del srv.hooks.hooks[req.params["id"]]
    return Response(204, b"")


def signing_secret(srv, req):
    """GET shows the secret; POST rotates it (Zendesk's "reset signing secret")."""
    _hook(srv, req)
    secret = srv.hooks.secret(req.params["id"], rotate=req.method == "POST")
    return Response(200, {"signing_secret": {"secret": secret, "algorithm": "SHA256"}})


def _hook(srv, req):
    entry = srv.hooks.hooks.get(req.params["id"])
    if entry is None:
        raise ZendeskError(404, "RecordNotFound", "Webhook not found")
    return entry


def _webhook_error(field, message):
    """The webhooks API uses the newer ``errors`` list shape."""
    error = ZendeskError(400, "InvalidInput", message)
    error.response = Response(400, {"errors": [
        {"code": "InvalidInput", "title": message, "source": {"pointer": field}}
    ]})  # fmt: skip
    return error
