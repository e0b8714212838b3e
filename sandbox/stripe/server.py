"""A stateful fake of the Stripe API for the official ``stripe`` client.

Point the client at it by base URL only::

    with StripeServer() as server:
        client = stripe.StripeClient("sk_test_sandbox",
                                     base_addresses={"api": server.url})
        client.customers.create(params={"email": "a@example.com"})

Default API keys: ``sk_test_sandbox`` (secret) and ``rk_test_sandbox`` (restricted);
pass ``api_keys=`` to choose others. Any other key gets Stripe's 401.

The server adds what makes Stripe integrations hard to test: Idempotency-Key replay
(byte for byte, with ``Idempotent-Replayed: true``), signed webhooks for every state
change, strict parameter checking, and the core's fault switches.
"""

import base64

from ..core import Response, SandboxError, SandboxServer
from ..forms import FormError
from . import (
    billing,
    catalog,
    credit_notes,
    endpoints,
    ledger,
    listing,
    payments,
    subscriptions,
)
from . import params as P
from . import seed as seed_module
from .errors import error_response
from .state import API_VERSION, StripeState

DEFAULT_API_KEYS = frozenset({"sk_test_sandbox", "rk_test_sandbox"})


class StripeServer(SandboxServer):
    service = "stripe"

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        seed=0,
        ssl_context=None,
        api_keys=DEFAULT_API_KEYS,
        settlement_days=0,
    ):
        super().__init__(host, port, seed, ssl_context)
        self.api_keys = set(api_keys)
        self.state = StripeState(self.rng, self.webhooks, settlement_days)
        self.idempotency = {}
        modules = (catalog, endpoints, payments, ledger, billing, subscriptions)
        for module in (*modules, credit_notes):
            module.register(self)
        self.admin_route("POST", "/_sandbox/stripe/payouts", self._admin_payouts)
        self.admin_route("POST", "/_sandbox/stripe/renew", self._admin_renew)

    # -- route helpers used by the resource modules ----------------------------
    def client_info(self):
        """Connection details for ``python -m sandbox serve --info-file``."""
        keys = sorted(k for k in self.api_keys if k.startswith("sk_"))
        return {"stripe": {"url": self.url, "api_key": keys[0] if keys else None}}

    def api(self, method, pattern, fn):
        """Route ``fn(state, params, request) -> dict`` with params and expand."""

        def handler(request):
            params = self._params(request)
            result = fn(self.state, params, request)
            body = self.state.store.render(result, P.expand_paths(params))
            return Response(200, body)

        self.route(method, pattern, handler)

    def crud(
        self,
        kind,
        path,
        create=None,
        update=None,
        delete=None,
        filters=None,
        retrieve=None,
    ):
        if create:
            self.api("POST", path, create)
        self.api("GET", path + "/{id}", retrieve or self._retrieve(kind))
        if update:
            self.api("POST", path + "/{id}", update)
        if delete:
            self.api("DELETE", path + "/{id}", delete)
        if filters is not None:
            self.api("GET", path, self.lister(kind, path, filters))

    @staticmethod
    def _retrieve(kind):
        def retrieve(state, params, request):
            P.check(params, ())
            return state.store.get(kind, request.params["id"])

        return retrieve

    lister = staticmethod(listing.lister)
    eq = staticmethod(listing.eq)
    eq_bool = staticmethod(listing.eq_bool)

    def _params(self, request):
        try:
            if request.method in ("GET", "DELETE") and not request.body:
                return request.query_params()
            params = request.form()
            if request.query:
                params = {**request.query_params(), **params}
            return params
        except (FormError, UnicodeDecodeError) as exc:
            raise SandboxError(
                error_response(400, "invalid_request_error", str(exc))
            ) from None

    # -- auth, idempotency, headers --------------------------------------------
    def before_request(self, request):
        key = self._api_key(request)
        if not key:
            return error_response(
                401,
                "invalid_request_error",
                "You did not provide an API key. You need to provide your API key "
                "in the Authorization header, using Bearer auth.",
            )
        if key not in self.api_keys:
            return error_response(
                401,
                "invalid_request_error",
                f"Invalid API Key provided: {key[:8]}****{key[-4:]}",
                "api_key_invalid" if key.startswith(("sk_", "rk_")) else None,
            )
        request.api_key = key
        return None

    @staticmethod
    def _api_key(request):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header[7:].strip()
        if header.startswith("Basic "):
            try:
                return base64.b64decode(header[6:]).decode().split(":")[0]
            except ValueError:
                return None
        return None

    def handle(self, request):
        request_id = self.state.new_id("req")[:18]
        denied = self.before_request(request)
        if denied is not None:
            return self._decorate(denied, request_id, request)
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return self._decorate(
                self._run(request, request_id, None), request_id, request
            )
        slot = (request.api_key, key)
        fingerprint = (request.path, request.body)
        saved = self.idempotency.get(slot)
        if saved is not None:
            return self._replay(saved, fingerprint, key)
        response = self._decorate(
            self._run(request, request_id, key), request_id, request
        )
        if response.status < 500:
            self.idempotency[slot] = (fingerprint, response)
        return response

    def _run(self, request, request_id, key):
        self.state.request = {"id": request_id, "idempotency_key": key}
        try:
            return self.dispatch(request)
        except SandboxError as exc:
            return exc.response
        finally:
            self.state.request = None

    @staticmethod
    def _replay(saved, fingerprint, key):
        if saved[0] != fingerprint:
            return error_response(
                400,
                "idempotency_error",
                "Keys for idempotent requests can only be used with the same "
                f"parameters they were first used with. Try using a key other than "
                f"'{key}' if you meant to execute a different request.",
            )
        original = saved[1]
        headers = dict(
            original.headers,
            **{
                "Idempotent-Replayed": "true",
                "Original-Request": original.headers.get("Request-Id", ""),
            },
        )
        return Response(original.status, original.body, headers, original.content_type)

    @staticmethod
    def _decorate(response, request_id, request):
        response.headers.setdefault("Request-Id", request_id)
        response.headers.setdefault(
            "Stripe-Version", request.headers.get("Stripe-Version") or API_VERSION
        )
        if request.method == "POST" and request.headers.get("Idempotency-Key"):
            response.headers.setdefault(
                "Idempotency-Key", request.headers["Idempotency-Key"]
            )
        return response

    # -- error shapes ----------------------------------------------------------
    def error_429(self, retry_after):
        return error_response(
            429,
            "invalid_request_error",
            "Request rate limit exceeded. Learn more about rate limits here "
            "https://stripe.com/docs/rate-limits.",
            "rate_limit",
            headers={"Retry-After": str(retry_after)},
        )

    def error_5xx(self):
        return error_response(
            500, "api_error", "An unknown error occurred (sandbox fault injection)."
        )

    def error_404(self, request):
        return error_response(
            404,
            "invalid_request_error",
            f"Unrecognized request URL ({request.method}: {request.path}). Please "
            "see https://stripe.com/docs or we can help at https://support.stripe.com/.",
        )

    def error_500(self, exc):
        return error_response(500, "api_error", f"Sandbox error: {exc}")

    # -- state -----------------------------------------------------------------
    def reset(self):
        super().reset()
        self.state.clear()
        self.idempotency.clear()

    def seed(self, size, rng, **options):
        return seed_module.generate(self.state, size, rng, **options)

    def _admin_payouts(self, request):
        data = request.json() or {}
        with self.lock:
            payouts = ledger.run_payouts(self.state, data.get("currency"))
        return Response(200, {"payouts": payouts})

    def _admin_renew(self, request):
        """Bill the next period of a subscription (no test clocks here)."""
        data = request.json() or {}
        with self.lock:
            sub = self.state.store.get("subscription", data.get("subscription"))
            try:
                invoice = subscriptions.renew(self.state, sub)
            except SandboxError as exc:
                return exc.response
        return Response(200, {"invoice": invoice["id"], "status": sub["status"]})
