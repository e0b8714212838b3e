"""Events and signed webhooks, and every fault switch as the client sees it."""

import time

import pytest
import stripe


def _endpoint(client, receiver, events=("*",)):
    endpoint = client.webhook_endpoints.create(
        params={"url": receiver.url, "enabled_events": list(events)}
    )
    assert endpoint.secret.startswith("whsec_") and endpoint.id.startswith("we_")
    return endpoint


def test_signed_deliveries_verify_with_construct_event(stripe_server, client, receiver):
    endpoint = _endpoint(client, receiver, ["customer.created", "customer.updated"])
    customer = client.customers.create(params={"email": "w@example.com"})
    client.customers.update(customer.id, params={"name": "Webhook"})
    client.products.create(params={"name": "not subscribed"})
    assert stripe_server.webhooks.flush(5)
    assert len(receiver.received) == 2
    events = []
    for headers, body in receiver.received:
        events.append(
            stripe.Webhook.construct_event(
                body, headers["Stripe-Signature"], endpoint.secret
            )
        )
    assert [e.type for e in events] == ["customer.created", "customer.updated"]
    assert events[1].data.object.name == "Webhook"
    assert events[1].data.previous_attributes.to_dict() == {"name": None}
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(
            receiver.received[0][1],
            receiver.received[0][0]["Stripe-Signature"],
            "whsec_wrong",
        )
    listed = client.events.retrieve(events[0].id)
    assert listed.data.object.id == customer.id
    assert "secret" not in client.webhook_endpoints.retrieve(endpoint.id)


def test_failed_deliveries_are_retried(stripe_server, client, receiver):
    _endpoint(client, receiver)
    receiver.status = 503
    client.customers.create(params={"name": "retry me"})
    time.sleep(0.2)
    receiver.status = 200
    assert stripe_server.webhooks.flush(5)
    stats = stripe_server.stats()["webhooks"]
    assert stats["failed_attempts"] >= 1 and stats["delivered"] == 1
    assert receiver.bodies()[-1]["type"] == "customer.created"


def test_webhook_drop_and_duplicate_are_counted(stripe_server, client, receiver):
    _endpoint(client, receiver, ["customer.created"])
    stripe_server.faults.update(webhook_drop_rate=1.0)
    client.customers.create(params={"name": "lost"})
    stripe_server.faults.update(webhook_drop_rate=0.0, webhook_duplicate_rate=1.0)
    client.customers.create(params={"name": "twice"})
    assert stripe_server.webhooks.flush(5)
    names = [b["data"]["object"]["name"] for b in receiver.bodies()]
    assert names == ["twice", "twice"]
    stats = stripe_server.stats()["webhooks"]
    assert stats["dropped"] == 1 and stats["duplicated"] == 1
    assert stats["delivered"] == 2 and stats["sent"] == 2


def test_webhook_shuffle_reorders(stripe_server, client, receiver):
    _endpoint(client, receiver, ["customer.created"])
    stripe_server.faults.update(webhook_shuffle=True)
    for index in range(12):
        client.customers.create(params={"name": str(index)})
    assert stripe_server.webhooks.flush(5)
    names = [b["data"]["object"]["name"] for b in receiver.bodies()]
    assert sorted(names, key=int) == [str(i) for i in range(12)]
    assert names != [str(i) for i in range(12)]


def test_webhook_endpoint_down_then_recovers(stripe_server, client, receiver):
    _endpoint(client, receiver, ["customer.created"])
    stripe_server.faults.update(webhook_down_until=time.time() + 0.4)
    client.customers.create(params={"name": "late"})
    time.sleep(0.2)
    assert receiver.received == []
    assert stripe_server.webhooks.flush(5)
    assert [b["data"]["object"]["name"] for b in receiver.bodies()] == ["late"]
    assert stripe_server.stats()["webhooks"]["failed_attempts"] >= 1


def test_429_raises_rate_limit_error_with_retry_after(stripe_server, client):
    stripe_server.faults.update(rate_429=1.0, retry_after=3)
    with pytest.raises(stripe.RateLimitError) as error:
        client.customers.list()
    assert error.value.http_status == 429
    assert error.value.headers["Retry-After"] == "3"
    assert error.value.json_body["error"]["code"] == "rate_limit"


def test_5xx_raises_api_error(stripe_server, client):
    stripe_server.faults.update(rate_5xx=1.0)
    with pytest.raises(stripe.APIError) as error:
        client.customers.create(params={"name": "x"})
    assert error.value.http_status == 500
    stripe_server.faults.reset()
    assert client.customers.list().data == []  # the faulted POST changed nothing


def test_latency_is_measurable(stripe_server, client):
    stripe_server.faults.update(latency_ms=200)
    started = time.monotonic()
    client.customers.list()
    assert time.monotonic() - started >= 0.2


def test_timeout_surfaces_as_connection_error(stripe_server):
    stripe_server.faults.update(rate_timeout=1.0, timeout_seconds=2)
    slow = stripe.StripeClient(
        "sk_test_sandbox",
        base_addresses={"api": stripe_server.url},
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=0.3),
    ).v1
    started = time.monotonic()
    with pytest.raises(stripe.APIConnectionError):
        slow.customers.list()
    assert time.monotonic() - started < 1.5


def test_client_retries_through_intermittent_faults(stripe_server):
    stripe_server.faults.update(rate_5xx=0.3)
    retrying = stripe.StripeClient(
        "sk_test_sandbox",
        base_addresses={"api": stripe_server.url},
        max_network_retries=8,
    ).v1
    made = [retrying.customers.create(params={"name": str(i)}) for i in range(3)]
    stripe_server.faults.reset()
    assert len(retrying.customers.list().data) == 3  # idempotency key: no dupes
    assert stripe_server.stats()["faults"]["5xx"] >= 1
    assert len({c.id for c in made}) == 3
