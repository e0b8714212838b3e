"""``SalesforceServer``: the HTTPS fake of a Salesforce org.

Routes the REST, OAuth/SOAP login and Bulk 2.0 endpoints onto the pure modules,
checks bearer tokens, counts the daily API allocation and renders errors in
Salesforce's ``[{"message", "errorCode", "fields"}]`` shape. The login endpoints are
also served under ``/{anything}/services/...`` so simple-salesforce, which builds
``https://{domain}.salesforce.com/...``, reaches them with
``domain="127.0.0.1:<port>/login"`` (see sandbox/README-salesforce.md).
"""

import importlib
from urllib.parse import parse_qs, unquote

from ..core import Response, SandboxServer
from . import admin, bulk2, composite, queries, rest
from .auth import Auth, Credentials
from .errors import SalesforceError
from .ids import KEY_PREFIXES, IdFactory, make_id, to18
from .limits import ApiLimits
from .replies import error
from .schema import Schema
from .seed import seed_org
from .store import Store
from .tls import jwt_key_pair, server_context

API = "/services/data/v{version}"
ORG_ID = make_id("00D", 1)
USER_ID = make_id("005", 1)
INVALID_SESSION = [
    {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
]
ROUTES = [
    ("GET", "", rest.resources),
    ("GET", "/limits", rest.limits),
    ("GET", "/sobjects", rest.describe_global),
    ("GET", "/sobjects/{sobject}", rest.sobject_info),
    ("POST", "/sobjects/{sobject}", rest.create),
    ("GET", "/sobjects/{sobject}/describe", rest.describe),
    ("GET", "/sobjects/{sobject}/updated", rest.updated),
    ("GET", "/sobjects/{sobject}/deleted", rest.deleted),
    ("GET", "/sobjects/{sobject}/{id}", rest.get_record),
    ("PATCH", "/sobjects/{sobject}/{id}", rest.update_record),
    ("DELETE", "/sobjects/{sobject}/{id}", rest.delete_record),
    ("GET", "/sobjects/{sobject}/{field}/{value}", rest.get_by_external),
    ("PATCH", "/sobjects/{sobject}/{field}/{value}", rest.upsert_record),
    ("DELETE", "/sobjects/{sobject}/{field}/{value}", rest.delete_by_external),
    ("GET", "/query", queries.query),
    ("GET", "/queryAll", queries.query_all),
    ("GET", "/query/{locator}", queries.query_more),
    ("GET", "/queryAll/{locator}", queries.query_more),
    ("POST", "/composite/sobjects", composite.create),
    ("PATCH", "/composite/sobjects", composite.update),
    ("DELETE", "/composite/sobjects", composite.delete),
    ("GET", "/composite/sobjects/{sobject}", composite.retrieve),
    ("PATCH", "/composite/sobjects/{sobject}/{field}", composite.upsert),
    ("POST", "/jobs/query", bulk2.create_job),
    ("GET", "/jobs/query", bulk2.list_jobs),
    ("GET", "/jobs/query/{job}", bulk2.get_job),
    ("PATCH", "/jobs/query/{job}", bulk2.abort_job),
    ("DELETE", "/jobs/query/{job}", bulk2.delete_job),
    ("GET", "/jobs/query/{job}/results", bulk2.results),
]


class SalesforceServer(SandboxServer):
    """A Salesforce org over HTTPS; see the module docstring and the README."""

    service = "salesforce"

    def __init__(self, host="127.0.0.1", port=0, seed=0, ssl_context=None,
                 custom_fields=None, credentials=None, api_limit=100_000,
                 query_batch_size=2000):  # fmt: skip
        self.ca_path = None
        if ssl_context is None:
            ssl_context, self.ca_path = server_context()
        super().__init__(host, port, seed, ssl_context)
        self.org_id, self.user_id = ORG_ID, USER_ID
        self.query_batch_size = query_batch_size
        self.store = Store(Schema(custom_fields), USER_ID, IdFactory())
        self.auth = Auth(ORG_ID, USER_ID, credentials or Credentials())
        self.limits = ApiLimits(api_limit)
        self.cursors = queries.Cursors(self.store.ids)
        self.jobs = bulk2.Jobs()
        self.store.ensure_standard_pricebook()
        self.session_id = self.auth.issue()
        self._register_routes()
        self._register_sf_admin()

    # -- configuration helpers for clients -------------------------------------
    @property
    def login_domain(self):
        """The ``domain`` argument that points simple-salesforce's login here."""
        return f"{self.host}:{self.port}/login"

    @property
    def credentials(self):
        return self.auth.credentials

    def client_info(self):
        """Connection details for ``python -m sandbox serve --info-file``."""
        creds = self.credentials
        return {
            "salesforce": {
                "login_domain": self.login_domain,
                "ca_path": self.ca_path,
                "username": creds.username,
                "password": creds.password,
                "security_token": creds.security_token,
            }
        }

    @property
    def jwt_key_path(self):
        """Private key whose public half the fake's connected app trusts."""
        return jwt_key_pair()[0]

    def requests_session(self):
        """A ``requests.Session`` trusting the sandbox CA (requests imported lazily).

        ``trust_env = False`` because requests lets REQUESTS_CA_BUNDLE override
        ``session.verify``.
        """
        session = importlib.import_module("requests").Session()
        session.verify, session.trust_env = self.ca_path, False
        return session

    # -- routing -----------------------------------------------------------------
    def _register_routes(self):
        for method, suffix, handler in ROUTES:
            self._both(method, API + suffix, self._wrap(handler))
        self._both("GET", "/services/data", self._wrap(rest.versions))
        for prefix in ("", "/{login}"):
            self.route("POST", prefix + "/services/oauth2/token", self._token)
            self.route("POST", prefix + "/services/Soap/u/{version}", self._soap)

    def _both(self, method, pattern, handler):
        """simple-salesforce mixes trailing slashes; accept both spellings."""
        self.route(method, pattern, handler)
        self.route(method, pattern + "/", handler)

    def _wrap(self, handler):
        def run(request):
            # the core matches the raw path; ids and external values may be quoted
            request.params = {k: unquote(v) for k, v in request.params.items()}
            try:
                return handler(self, request)
            except SalesforceError as exc:
                return error(exc)

        return run

    def handle(self, request):
        """Bearer check and API accounting around every ``/services/data/vXX``."""
        if not request.path.startswith("/services/data/v"):
            return self.dispatch(request)
        if not self.auth.valid(request.headers.get("Authorization")):
            return Response(401, INVALID_SESSION)
        try:
            self.limits.consume()
        except SalesforceError as exc:
            response = error(exc)
        else:
            response = self.dispatch(request)
        response.headers["Sforce-Limit-Info"] = self.limits.header()
        return response

    def _token(self, request):
        form = {k: v[0] for k, v in _form_pairs(request).items()}
        status, body = self.auth.token(
            form, request.headers.get("Authorization"), self.url
        )
        return Response(status, body)

    def _soap(self, request):
        status, xml = self.auth.soap_login(
            request.body, self.url, request.params["version"]
        )
        return Response(status, xml, content_type="text/xml; charset=utf-8")

    # -- helpers used by handlers ------------------------------------------------
    def csv_response(self, text, headers):
        return Response(200, text, headers, content_type="text/csv; charset=UTF-8")

    def sobject_for_id(self, rid):
        full = to18(rid)
        names = {prefix: name for name, prefix in KEY_PREFIXES.items()}
        name = names.get((full or "")[:3])
        if full is None or name not in self.store.schema.types:
            raise SalesforceError("MALFORMED_ID", f"malformed id {rid}", fields=["Id"])
        return name

    # -- errors in Salesforce's shape ---------------------------------------------
    def error_429(self, retry_after):
        body = [{"message": "Request rate limit exceeded, retry later.",
                 "errorCode": "REQUEST_LIMIT_EXCEEDED"}]  # fmt: skip
        return Response(429, body, headers={"Retry-After": str(retry_after)})

    def error_5xx(self):
        body = [{"message": "Service temporarily unavailable.",
                 "errorCode": "SERVER_UNAVAILABLE"}]  # fmt: skip
        return Response(503, body)

    def error_404(self, request):
        body = [{"message": "The requested resource does not exist",
                 "errorCode": "NOT_FOUND"}]  # fmt: skip
        return Response(404, body)

    def error_500(self, exc):
        body = [{"message": f"An unexpected error occurred: {exc}",
                 "errorCode": "UNKNOWN_EXCEPTION"}]  # fmt: skip
        return Response(500, body)

    # -- state -------------------------------------------------------------------
    def reset(self):
        super().reset()
        self.store.clear()
        self.store.ensure_standard_pricebook()
        self.cursors.clear()
        self.jobs.clear()
        self.limits.reset()

    def seed(self, size, rng, **counts):
        """``size`` accounts with proportional related data, or explicit counts."""
        defaults = {
            "accounts": size,
            "contacts": 3 * size,
            "products": max(5, min(200, size // 6)),
            "opportunities": size * 4 // 3,
            "closed_won": size * 2 // 5,
        }
        defaults.update({k: int(v) for k, v in counts.items()})
        return seed_org(self.store, rng, **defaults)

    def add_custom_fields(self, sobject, fields):
        self.store.schema.add_custom_fields(sobject, fields)
        self.store.reindex()

    def _register_sf_admin(self):
        admin.register(self)


def _form_pairs(request):
    return parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
