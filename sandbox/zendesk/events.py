"""Webhooks: registry, Zendesk event payloads, signing and delivery.

A store change becomes one or more event-based webhook payloads (``type``, ``id``,
``time``, ``account_id``, ``zendesk_event_version``, ``subject``, ``detail``,
``event``), using Zendesk's granular types: ``organization.created``,
``organization.name_changed``, ``user.custom_field_changed``,
``ticket.status_changed``... ``detail`` carries ids as strings, as Zendesk does.
Each payload goes to every active webhook subscribed to its type (a
``conditional_ticket_events`` subscription receives every ticket event) through
the core dispatcher, so the drop/duplicate/shuffle/down faults apply. Headers are
built per attempt: the signature is base64(HMAC-SHA256(secret, timestamp + body))
over a fresh timestamp, like a real retry.
"""

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from datetime import datetime, timezone

EVENT_VERSION = "2022-11-06"
TICKET_CONDITIONAL = "conditional_ticket_events"
CHANGE_EVENTS = {
    "organization": {"name": "name_changed", "external_id": "external_id_changed",
                     "tags": "tags_changed", "group_id": "group_changed",
                     "organization_fields": "custom_field_changed"},
    "user": {"name": "name_changed", "email": "identity_changed",
             "external_id": "external_id_changed", "active": "active_changed",
             "organization_id": "organization_membership_changed",
             "role": "role_changed", "tags": "tags_changed",
             "user_fields": "custom_field_changed"},
    "ticket": {"status": "status_changed", "priority": "priority_changed",
               "subject": "subject_changed", "assignee_id": "agent_assignment_changed",
               "requester_id": "requester_changed", "tags": "tags_changed",
               "organization_id": "organization_changed", "type": "type_changed",
               "external_id": "external_id_changed",
               "description": "description_changed"},
}  # fmt: skip
ACTION_EVENTS = {
    ("organization", "deleted"): "deleted",
    ("user", "deleted"): "deleted",
    ("ticket", "deleted"): "soft_deleted",
    ("ticket", "merged"): "merged",
}


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(secret, timestamp, body):
    """Zendesk's documented routine: base64(HMAC-SHA256(secret, ts + body))."""
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def event_types(kind, action, row, previous):
    """``[(type suffix, event dict)]`` for one store change."""
    if action == "created":
        return [("created", {"current": _brief(kind, row)})]
    if (kind, action) in ACTION_EVENTS:
        return [(ACTION_EVENTS[(kind, action)], {"current": True, "previous": False})]
    out = []
    for field, suffix in CHANGE_EVENTS[kind].items():
        if previous is not None and previous.get(field) != row.get(field):
            out.append((suffix, {"current": row.get(field),
                                 "previous": previous.get(field)}))  # fmt: skip
    return out


def _brief(kind, row):
    keys = {"organization": ("name", "external_id"), "user": ("name", "email", "role"),
            "ticket": ("status", "priority", "subject")}[kind]  # fmt: skip
    return {key: row.get(key) for key in keys}


def detail(kind, row):
    """Zendesk sends ids (and most scalars) as strings inside ``detail``."""
    out = {}
    for key, value in row.items():
        if key.endswith("_fields") or key in ("via", "description"):
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        out[key] = value
    return out


class Webhooks:
    """The webhook registry and the bridge from store changes to deliveries."""

    def __init__(self, dispatcher, account_id):
        self.dispatcher = dispatcher
        self.account_id = account_id
        self.hooks = {}

    def reset(self):
        self.hooks = {}

    def create(self, payload, created_at):
        hook_id = "01" + secrets.token_hex(12).upper()
        hook = {
            "id": hook_id, "name": payload.get("name") or "webhook",
            "status": payload.get("status", "active"),
            "endpoint": payload["endpoint"],
            "http_method": payload.get("http_method", "POST"),
            "request_format": payload.get("request_format", "json"),
            "subscriptions": list(payload.get("subscriptions") or []),
            "authentication": payload.get("authentication"),
            "created_at": created_at, "updated_at": created_at,
        }  # fmt: skip
        self.hooks[hook_id] = {"hook": hook, "secret": secrets.token_urlsafe(32)}
        return hook

    def secret(self, hook_id, rotate=False):
        entry = self.hooks[hook_id]
        if rotate:
            entry["secret"] = secrets.token_urlsafe(32)
        return entry["secret"]

    def on_change(self, kind, action, row, previous):
        """Store listener: build the events and queue one delivery per target."""
        if not self.hooks:
            return
        for suffix, event in event_types(kind, action, row, previous):
            etype = f"zen:event-type:{kind}.{suffix}"
            targets = [h for h in self.hooks.values() if self._wants(h["hook"], etype)]
            if targets:
                payload = self._payload(etype, kind, row, event)
                for entry in targets:
                    self._send(entry, payload)

    def _wants(self, hook, etype):
        if hook["status"] != "active":
            return False
        subs = hook["subscriptions"]
        return etype in subs or (
            TICKET_CONDITIONAL in subs and etype.startswith("zen:event-type:ticket.")
        )

    def _payload(self, etype, kind, row, event):
        return {
            "type": etype, "account_id": self.account_id,
            "id": str(uuid.uuid4()), "time": now_iso(),
            "zendesk_event_version": EVENT_VERSION,
            "subject": f"zen:{kind}:{row['id']}",
            "detail": detail(kind, row), "event": event,
        }  # fmt: skip

    def _send(self, entry, payload):
        body = json.dumps(payload, separators=(",", ":")).encode()
        hook_id, invocation = entry["hook"]["id"], secrets.token_hex(8)

        def headers():
            timestamp = now_iso()
            return {
                "Content-Type": "application/json",
                "User-Agent": "Zendesk Webhook",
                "X-Zendesk-Account-Id": str(self.account_id),
                "X-Zendesk-Webhook-Id": hook_id,
                "X-Zendesk-Webhook-Invocation-Id": invocation,
                "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
                "X-Zendesk-Webhook-Signature": sign(entry["secret"], timestamp, body),
            }

        self.dispatcher.deliver(entry["hook"]["endpoint"], body, headers,
                                key=payload["id"])  # fmt: skip
