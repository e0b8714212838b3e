# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A tiny Stripe-like customers API on the shared sandbox core."""

import hashlib
import hmac
import json
import threading
import time

from sandbox.core import Response, SandboxServer

API_KEY = "sk_test_CONNECTORTESTSECRET0042"
WEBHOOK_SECRET = "whsec_TESTWEBHOOKSECRET0042"


class FakeTestService(SandboxServer):
    service = "test"
    serialize = False  # let concurrent reads overlap (concurrency tests)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.customers = {}
        self.idempotency = {}
        self.calls = []
        self.read_delay = 0.0
        self.drop_after_create = False  # "created remotely, answer lost"
        self.state_lock = threading.Lock()
        self.route("GET", "/v1/account", self._account)
        self.route("GET", "/v1/customers", self._list)
        self.route("GET", "/v1/customers/{id}", self._read)
        self.route("POST", "/v1/customers", self._create)
        self.route("POST", "/v1/customers/{id}", self._update)

    def before_request(self, request):
        self.calls.append((request.method, request.path))
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return Response(401, {"error": "invalid api key"})
        return None

    def put(self, cid, name, updated, **extra):
        self.customers[cid] = {"id": cid, "name": name, "updated": updated, **extra}
        return self.customers[cid]

    def _account(self, request):
        return Response(200, {"id": "acct_1", "livemode": False})

    def _read(self, request):
        if self.read_delay:
            time.sleep(self.read_delay)
        customer = self.customers.get(request.params["id"])
        if not customer:
            return Response(404, {"error": "no such customer"})
        return Response(200, customer)

    def _list(self, request):
        since = int(request.arg("updated_since", 0))
        after = request.arg("starting_after")
        limit = int(request.arg("limit", 100))
        rows = sorted(
            (c for c in self.customers.values() if c["updated"] >= since),
            key=lambda c: c["id"],
        )
        if after:
            rows = [c for c in rows if c["id"] > after]
        page = rows[:limit]
        return Response(200, {"data": page, "has_more": len(rows) > limit})

    def _create(self, request):
        key = request.headers.get("Idempotency-Key")
        with self.state_lock:
            if key and key in self.idempotency:
                return Response(200, self.idempotency[key])
            cid = f"cus_{len(self.customers) + 1:04d}"
            customer = self.put(cid, updated=int(time.time()), **request.json())
            if key:
                self.idempotency[key] = customer
        if self.drop_after_create:
            return None  # the core drops the connection: the client sees no answer
        return Response(200, customer)

    def _update(self, request):
        customer = self.customers.get(request.params["id"])
        if not customer:
            return Response(404, {"error": "no such customer"})
        customer.update(request.json(), updated=int(time.time()))
        return Response(200, customer)


def sign(body, secret=WEBHOOK_SECRET, timestamp=None):
    """``X-Test-Signature`` header value for ``body`` (bytes)."""
    timestamp = str(int(timestamp if timestamp is not None else time.time()))
    digest = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def event_body(event_id, cid, created, event_type="customer.updated", **obj):
    return json.dumps(
        {
            "id": event_id,
            "type": event_type,
            "created": created,
            "data": {"object": {"id": cid, **obj}},
        }
    ).encode()
