"""``ZendeskServer``: the fake Zendesk Support API on top of the sandbox core.

Requests are authenticated (``email/token:api_token`` Basic or an OAuth Bearer
token), charged to the account's per-minute budget and answered with the rate-limit
headers, then routed to ``resources`` (objects) or ``feeds`` (exports, webhooks).
"""

import base64
import binascii

from ..core import SandboxError, SandboxServer
from . import feeds, resources
from .errors import ZendeskError, rate_limited, unauthorized
from .events import Webhooks
from .fields import DEFAULT_ORGANIZATION_FIELDS, DEFAULT_USER_FIELDS
from .jobs import Jobs
from .limits import Limits
from .ops import Service
from .seed import seed_data

DEFAULT_API_TOKENS = {("admin@example.com", "sandbox-token")}
DEFAULT_OAUTH_TOKENS = {"sandbox-oauth-token"}
ACCOUNT_ID = 12514403
OBJECTS = {"organizations": "organization", "users": "user", "tickets": "ticket"}


class ZendeskServer(SandboxServer):
    service = "zendesk"

    def __init__(self, host="127.0.0.1", port=0, seed=0, ssl_context=None, *,
                 api_tokens=None, oauth_tokens=None, plan_limit=700,
                 export_limit=10, export_lag=0, organization_fields=None,
                 user_fields=None, account_id=ACCOUNT_ID):  # fmt: skip
        super().__init__(host, port, seed, ssl_context)
        self.api_tokens = set(DEFAULT_API_TOKENS if api_tokens is None else api_tokens)
        self.oauth_tokens = set(
            DEFAULT_OAUTH_TOKENS if oauth_tokens is None else oauth_tokens
        )
        self.limits = Limits(plan_limit, export_limit)
        self.export_lag = export_lag
        self.domain = Service(
            DEFAULT_ORGANIZATION_FIELDS if organization_fields is None
            else organization_fields,
            DEFAULT_USER_FIELDS if user_fields is None else user_fields,
        )  # fmt: skip
        self.hooks = Webhooks(self.webhooks, account_id)
        self.domain.store.listeners.append(self.hooks.on_change)
        self.jobs = Jobs()
        self._routes()

    # -- routing -------------------------------------------------------------------
    def client_info(self):
        """Connection details for ``python -m sandbox serve --info-file``."""
        email, token = sorted(self.api_tokens)[0]
        return {"zendesk": {"url": self.url, "email": email, "api_token": token}}

    def _add(self, method, path, handler, *args):
        self.route(method, "/api/v2" + path, lambda req: handler(self, req, *args))

    def _routes(self):
        r = resources
        for plural, kind in OBJECTS.items():
            one = f"/{plural}/{{id}}.json"
            self._add("GET", f"/{plural}.json", r.list_rows, kind)
            self._add("POST", f"/{plural}.json", r.create, kind)
            self._add("GET", one, r.show, kind)
            self._add("PUT", one, r.update, kind)
            self._add("DELETE", one, r.destroy, kind)
            self._add("GET", f"/{plural}/show_many.json", r.show_many, kind)
            self._add("POST", f"/{plural}/create_many.json", r.create_many, kind)
            self._add("PUT", f"/{plural}/update_many.json", r.update_many, kind)
        for plural in ("organizations", "users"):
            kind = OBJECTS[plural]
            self._add("GET", f"/{plural}/search.json", r.search, kind)
            self._add("POST", f"/{plural}/create_or_update.json", r.create_or_update,
                      kind)  # fmt: skip
            self._add("GET", f"/{kind}_fields.json", r.custom_fields, kind)
        self._add("POST", "/users/create_or_update_many.json",
                  r.create_or_update_many, "user")  # fmt: skip
        self._add("POST", "/tickets/{id}/merge.json", r.merge_tickets)
        self._add("PUT", "/users/{id}/merge.json", r.merge_users)
        self._add("GET", "/job_statuses/{id}.json", r.job_status)
        self._export_routes()
        self._webhook_routes()

    def _export_routes(self):
        for plural, kind in OBJECTS.items():
            self._add("GET", f"/incremental/{plural}.json", feeds.export, kind, False)
            if kind in feeds.CURSOR_EXPORTS:
                self._add("GET", f"/incremental/{plural}/cursor.json", feeds.export,
                          kind, True)  # fmt: skip

    def _webhook_routes(self):
        self._add("POST", "/webhooks", feeds.create_webhook)
        self._add("GET", "/webhooks", feeds.list_webhooks)
        self._add("GET", "/webhooks/{id}", feeds.show_webhook)
        self._add("DELETE", "/webhooks/{id}", feeds.delete_webhook)
        self._add("GET", "/webhooks/{id}/signing_secret", feeds.signing_secret)
        self._add("POST", "/webhooks/{id}/signing_secret", feeds.signing_secret)

    # -- pipeline ------------------------------------------------------------------
    def handle(self, request):
        """Run the core pipeline, then stamp the rate-limit headers on the answer."""
        try:
            response = super().handle(request)
        except SandboxError as exc:
            response = exc.response
        for key, value in self.limits.current_headers().items():
            response.headers.setdefault(key, value)
        return response

    def before_request(self, request):
        if not self._authenticated(request.headers.get("Authorization") or ""):
            raise unauthorized()
        allowed, _remaining, reset = self.limits.account.take()
        if not allowed:
            raise rate_limited(reset, self.limits.current_headers())
        return None

    def _authenticated(self, header):
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            return value.strip() in self.oauth_tokens
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, _, secret = decoded.partition(":")
        if not user.endswith("/token"):
            return False
        return (user[: -len("/token")], secret) in self.api_tokens

    def error_429(self, retry_after):
        return rate_limited(retry_after, self.limits.current_headers()).response

    def error_5xx(self):
        return ZendeskError(503, "ServiceUnavailable",
                            "Zendesk is temporarily unavailable",
                            headers=self.limits.current_headers()).response  # fmt: skip

    def error_404(self, request):
        return ZendeskError(404, "InvalidEndpoint", "Not found").response

    # -- state ---------------------------------------------------------------------
    def reset(self):
        super().reset()
        self.domain.store.reset()
        self.hooks.reset()
        self.jobs.reset()
        self.limits.reset()

    def seed(self, size, rng, **options):
        """Bulk-generate organizations, users and tickets (see ``seed.seed_data``)."""
        return seed_data(self.domain, size, rng, **options)


def basic_auth(email, token):
    """The Authorization header value for an API token (tests and the demo)."""
    raw = f"{email}/token:{token}".encode()
    return "Basic " + base64.b64encode(raw).decode()
