"""The Stripe fake's state: the store, the clock, and the event bus.

Every state change goes through ``emit``: it records an ``event`` object (listed by
``/v1/events``) and queues one signed delivery per matching webhook endpoint. The
seeder turns ``emit_events`` off and moves the clock itself, so 100k objects build
in seconds and carry realistic, strictly increasing ``created`` stamps.
"""

import hashlib
import hmac
import json
import time

from .store import Store

API_VERSION = "2026-10-28.endive"
SETTLEMENT_DAYS = 0  # funds available at once, so payouts can run in tests


class StripeState:
    def __init__(self, rng, dispatcher, settlement_days=SETTLEMENT_DAYS):
        self.rng = rng
        self.dispatcher = dispatcher
        self.settlement_days = settlement_days
        self.store = Store(rng)
        self.emit_events = True
        self.fixed_now = None  # the seeder's clock
        self.request = None  # {"id", "idempotency_key"} of the API call in flight
        self.counters = {}
        self.secrets = {}  # webhook endpoint id -> whsec_ (only shown on create)
        self.payout_of = {}  # balance transaction id -> payout id
        self.children = {}  # invoice/credit note id -> all its lines, in order

    def clear(self):
        self.store.clear()
        self.counters = {}
        self.secrets = {}
        self.payout_of = {}
        self.children = {}

    def now(self):
        return int(self.fixed_now if self.fixed_now is not None else time.time())

    def new_id(self, prefix):
        return self.store.new_id(prefix)

    def next_number(self, key):
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def base(self, kind, prefix, **fields):
        """Fields every object has, plus ``fields``; stored under ``kind``."""
        obj = {
            "id": self.new_id(prefix),
            "object": kind,
            "created": self.now(),
            "livemode": False,
        }
        obj.update(fields)
        obj.setdefault("metadata", {})
        return self.store.add(kind, obj)

    def update(self, obj, changes, event_type=None):
        """Apply ``changes``; emit ``event_type`` with ``previous_attributes``."""
        previous = {
            key: obj.get(key) for key, value in changes.items() if obj.get(key) != value
        }
        obj.update(changes)
        if event_type and previous:
            self.emit(event_type, obj, previous)
        return obj

    # -- events ----------------------------------------------------------------
    def emit(self, type_, obj, previous=None):
        if not self.emit_events:
            return None
        data = {"object": snapshot(obj)}
        if previous:
            data["previous_attributes"] = snapshot(previous)
        endpoints = [
            endpoint
            for endpoint in self.store.all("webhook_endpoint")
            if _subscribed(endpoint, type_)
        ]
        event = self.base(
            "event",
            "evt",
            api_version=API_VERSION,
            data=data,
            type=type_,
            pending_webhooks=len(endpoints),
            request=self.request or {"id": None, "idempotency_key": None},
        )
        event.pop("metadata")
        if endpoints:
            body = json.dumps(event, indent=2).encode()
            for endpoint in endpoints:
                self._deliver(endpoint, body, event["id"])
        return event

    def _deliver(self, endpoint, body, key):
        secret = self.secrets[endpoint["id"]]

        def headers():  # signed per attempt, like Stripe's retries
            timestamp = int(time.time())
            return {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "Stripe-Signature": sign(secret, body, timestamp),
            }

        self.dispatcher.deliver(endpoint["url"], body, headers, key=key)


def sign(secret, body, timestamp):
    payload = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _subscribed(endpoint, type_):
    if endpoint.get("status") != "enabled":
        return False
    events = endpoint.get("enabled_events") or []
    return "*" in events or type_ in events


def snapshot(value):
    """A deep copy of plain JSON data (faster than ``copy.deepcopy``)."""
    if isinstance(value, dict):
        return {k: snapshot(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snapshot(v) for v in value]
    return value
