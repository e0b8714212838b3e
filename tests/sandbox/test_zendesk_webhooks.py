"""Webhooks: Zendesk's signature routine on deliveries captured by conftest's
``receiver``, event shapes, and the delivery faults (drop, duplicate, shuffle,
receiver down) seen by that receiver."""

import base64
import hashlib
import hmac
import time

import pytest
import requests

from sandbox.zendesk.server import ZendeskServer, basic_auth


def verify(secret, headers, body):
    """Zendesk's documented check: base64(HMAC-SHA256(secret, timestamp + body))."""
    timestamp = headers["X-Zendesk-Webhook-Signature-Timestamp"]
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256)
    expected = base64.b64encode(digest.digest()).decode()
    return hmac.compare_digest(expected, headers["X-Zendesk-Webhook-Signature"])


@pytest.fixture(scope="module")
def server():
    with ZendeskServer() as srv:
        srv.webhooks.backoff = 0.05
        yield srv


@pytest.fixture
def api(server):
    with server.lock:
        server.reset()
    server.faults.reset()
    session = requests.Session()
    session.headers["Authorization"] = basic_auth("admin@example.com", "sandbox-token")
    session.base = f"{server.url}/api/v2"
    yield session
    server.faults.reset()
    session.close()


def _hook(api, receiver, subscriptions):
    resp = api.post(f"{api.base}/webhooks", json={"webhook": {
        "name": "odoo", "endpoint": receiver.url, "http_method": "POST",
        "request_format": "json", "status": "active",
        "subscriptions": subscriptions}})  # fmt: skip
    assert resp.status_code == 201, resp.text
    hook = resp.json()["webhook"]
    secret = api.get(f"{api.base}/webhooks/{hook['id']}/signing_secret").json()
    assert secret["signing_secret"]["algorithm"] == "SHA256"
    return hook, secret["signing_secret"]["secret"]


def _orgs(api, count, prefix="O"):
    for i in range(count):
        api.post(f"{api.base}/organizations.json", json={"organization": {
            "name": f"{prefix}{i}", "external_id": f"{prefix}{i}"}})  # fmt: skip


ORG_CREATED = ["zen:event-type:organization.created"]


def test_deliveries_are_signed_and_shaped_like_zendesk(server, api, receiver):
    hook, secret = _hook(api, receiver, ORG_CREATED + [
        "zen:event-type:organization.name_changed",
        "zen:event-type:organization.custom_field_changed"])  # fmt: skip
    org = api.post(f"{api.base}/organizations.json", json={"organization": {
        "name": "Acme", "external_id": "P-1"}}).json()["organization"]  # fmt: skip
    api.put(org["url"], json={"organization": {"name": "Acme Ltd",
            "organization_fields": {"tier": "premium"}}})  # fmt: skip
    api.put(org["url"], json={"organization": {"notes": "not subscribed"}})
    assert server.webhooks.flush(5)
    assert len(receiver.received) == 3
    for headers, body in receiver.received:
        assert verify(secret, headers, body)
        assert not verify("wrong-secret", headers, body)
        assert headers["X-Zendesk-Webhook-Id"] == hook["id"]
        assert headers["X-Zendesk-Webhook-Invocation-Id"]
    created, renamed, custom = receiver.bodies()
    assert created["type"] == "zen:event-type:organization.created"
    assert created["subject"] == f"zen:organization:{org['id']}"
    assert created["account_id"] == 12514403 and created["time"].endswith("Z")
    assert created["detail"]["id"] == str(org["id"])
    assert created["detail"]["external_id"] == "P-1"
    assert renamed["event"] == {"current": "Acme Ltd", "previous": "Acme"}
    assert custom["event"]["current"]["tier"] == "premium"
    assert len({e["id"] for e in receiver.bodies()}) == 3


def test_signing_secret_rotation_and_webhook_validation(api, receiver):
    hook, secret = _hook(api, receiver, ORG_CREATED)
    url = f"{api.base}/webhooks/{hook['id']}/signing_secret"
    rotated = api.post(url).json()["signing_secret"]["secret"]
    assert rotated != secret and api.get(url).json()["signing_secret"]["secret"] == (
        rotated
    )
    bad = api.post(f"{api.base}/webhooks", json={"webhook": {"name": "x"}})
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "InvalidInput"
    assert api.delete(f"{api.base}/webhooks/{hook['id']}").status_code == 204
    assert api.get(url).status_code == 404


def test_ticket_events_through_conditional_subscription(server, api, receiver):
    _hook(api, receiver, ["conditional_ticket_events"])
    ticket = api.post(f"{api.base}/tickets.json", json={"ticket": {
        "description": "help"}}).json()["ticket"]  # fmt: skip
    api.put(ticket["url"], json={"ticket": {"status": "solved"}})
    api.delete(ticket["url"])
    assert server.webhooks.flush(5)
    types = [e["type"].rsplit(":", 1)[1] for e in receiver.bodies()]
    assert types == ["ticket.created", "ticket.status_changed", "ticket.soft_deleted"]


def test_drop_fault_delivers_nothing(server, api, receiver):
    _hook(api, receiver, ORG_CREATED)
    server.faults.update(webhook_drop_rate=1.0)
    _orgs(api, 3)
    assert server.webhooks.flush(5)
    assert receiver.received == []
    assert server.webhooks.stats()["dropped"] == 3


def test_duplicate_fault_delivers_each_event_twice(server, api, receiver):
    _hook(api, receiver, ORG_CREATED)
    requests.post(f"{server.url}/_sandbox/faults",
                  json={"webhook_duplicate_rate": 1.0}, timeout=5)  # fmt: skip
    _orgs(api, 3)
    assert server.webhooks.flush(5)
    ids = [e["id"] for e in receiver.bodies()]
    assert len(ids) == 6 and all(ids.count(i) == 2 for i in ids)


def test_shuffle_fault_reorders_deliveries(server, api, receiver):
    _hook(api, receiver, ORG_CREATED)
    server.faults.update(webhook_shuffle=True)
    _orgs(api, 12)
    assert server.webhooks.flush(5)
    names = [e["detail"]["name"] for e in receiver.bodies()]
    assert sorted(names) == sorted(f"O{i}" for i in range(12))
    assert names != [f"O{i}" for i in range(12)]


def test_receiver_down_then_retried(server, api, receiver):
    _hook(api, receiver, ORG_CREATED)
    server.faults.update(webhook_down_until=time.time() + 0.3)
    _orgs(api, 2)
    time.sleep(0.1)
    assert receiver.received == []
    assert server.webhooks.flush(10)
    assert len(receiver.received) == 2
    assert server.webhooks.stats()["failed_attempts"] >= 2
