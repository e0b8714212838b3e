"""Stripe fake through the official client: pagination, expand, filters, errors,
idempotency."""

import random
import uuid

import pytest
import requests
import stripe

HTTP = requests.Session()  # keep-alive, like a connector


def test_auto_paging_walks_2500_customers(stripe_server, client):
    counts = stripe_server.seed(
        0,
        random.Random(1),
        customers=2500,
        products=0,
        subscriptions=0,
        invoices=0,
        payments=0,
        refunds=0,
        disputes=0,
        credit_notes=0,
        payouts=0,
    )
    assert counts["customer"] == 2500
    page = client.customers.list(params={"limit": 100})
    assert len(page.data) == 100 and page.has_more and page.url == "/v1/customers"
    ids = [c.id for c in page.auto_paging_iter()]
    assert len(ids) == len(set(ids)) == 2500
    created = [c.created for c in client.customers.list(params={"limit": 100}).data]
    assert created == sorted(created, reverse=True)  # newest first


def test_ending_before_pages_backwards(stripe_server, client):
    made = [client.customers.create(params={"name": f"c{i}"}) for i in range(5)]
    page = client.customers.list(params={"limit": 2, "ending_before": made[1].id})
    assert [c.name for c in page.data] == ["c3", "c2"] and page.has_more
    page = client.customers.list(params={"limit": 2, "starting_after": made[1].id})
    assert [c.name for c in page.data] == ["c0"] and not page.has_more


def test_crud_metadata_and_delete(client):
    customer = client.customers.create(
        params={
            "email": "ada@example.com",
            "metadata": {"odoo_id": "7"},
            "tax_id_data": [{"type": "eu_vat", "value": "DE123456789"}],
        }
    )
    assert customer.id.startswith("cus_") and customer.livemode is False
    assert customer.tax_ids.data[0].value == "DE123456789"
    updated = client.customers.update(
        customer.id, params={"name": "Ada", "metadata": {"odoo_id": "", "tier": "gold"}}
    )
    assert updated.name == "Ada" and updated.metadata.to_dict() == {"tier": "gold"}
    deleted = client.customers.delete(customer.id)
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as error:
        client.customers.retrieve(customer.id)
    assert error.value.http_status == 404 and error.value.code == "resource_missing"


def test_unknown_parameter_is_400(client):
    with pytest.raises(stripe.InvalidRequestError) as error:
        client.customers.create(params={"emial": "typo@example.com"})
    assert error.value.http_status == 400
    assert error.value.code == "parameter_unknown" and error.value.param == "emial"


def test_missing_and_bad_keys_are_401(stripe_server):
    bad = stripe.StripeClient(
        "sk_test_wrong",
        base_addresses={"api": stripe_server.url},
        max_network_retries=0,
    ).v1
    with pytest.raises(stripe.AuthenticationError):
        bad.customers.list()
    assert HTTP.get(f"{stripe_server.url}/v1/customers").status_code == 401
    restricted = stripe.StripeClient(
        "rk_test_sandbox",
        base_addresses={"api": stripe_server.url},
        max_network_retries=0,
    ).v1
    assert restricted.customers.list().data == []


def test_expand_on_object_and_list(client):
    customer = client.customers.create(params={"email": "x@example.com"})
    intent = client.payment_intents.create(
        params={
            "amount": 2000,
            "currency": "usd",
            "customer": customer.id,
            "confirm": True,
            "payment_method": "pm_card_visa",
        }
    )
    charge = client.charges.retrieve(
        intent.latest_charge, params={"expand": ["balance_transaction", "customer"]}
    )
    assert charge.customer.email == "x@example.com"
    assert charge.balance_transaction.fee == 88  # 2.9% + 30
    listed = client.charges.list(params={"expand": ["data.customer"]})
    assert listed.data[0].customer.id == customer.id
    with pytest.raises(stripe.InvalidRequestError):
        client.charges.retrieve(charge.id, params={"expand": ["nope"]})


def test_created_filters(stripe_server, client):
    stripe_server.seed(
        0,
        random.Random(2),
        customers=30,
        products=0,
        subscriptions=0,
        invoices=0,
        payments=0,
        refunds=0,
        disputes=0,
        credit_notes=0,
        payouts=0,
    )
    everything = list(client.customers.list(params={"limit": 100}).auto_paging_iter())
    pivot = sorted(c.created for c in everything)[10]
    recent = client.customers.list(params={"created": {"gte": pivot}, "limit": 100})
    assert len(recent.data) == sum(1 for c in everything if c.created >= pivot)
    assert all(c.created >= pivot for c in recent.data)
    older = client.customers.list(params={"created": {"lt": pivot}, "limit": 100})
    assert len(older.data) + len(recent.data) == 30


def test_list_filters(client):
    one = client.customers.create(params={"email": "one@example.com"})
    client.customers.create(params={"email": "two@example.com"})
    for amount in (1000, 2000):
        client.payment_intents.create(
            params={
                "amount": amount,
                "currency": "eur",
                "customer": one.id,
                "confirm": True,
            }
        )
    found = client.customers.list(params={"email": "one@example.com"})
    assert [c.id for c in found.data] == [one.id]
    charges = client.charges.list(params={"customer": one.id})
    assert sorted(c.amount for c in charges.data) == [1000, 2000]
    events = client.events.list(params={"type": "charge.*", "limit": 100})
    assert {e.type for e in events.data} == {"charge.succeeded"}
    with pytest.raises(stripe.InvalidRequestError):
        client.customers.list(params={"limit": 101})


def test_idempotent_replay_is_byte_for_byte(stripe_server):
    key = str(uuid.uuid4())
    url = f"{stripe_server.url}/v1/customers"
    headers = {"Authorization": "Bearer sk_test_sandbox", "Idempotency-Key": key}
    first = HTTP.post(url, data={"email": "i@example.com"}, headers=headers)
    again = HTTP.post(url, data={"email": "i@example.com"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    other = HTTP.post(url, data={"email": "other@example.com"}, headers=headers)
    assert other.status_code == 400
    assert other.json()["error"]["type"] == "idempotency_error"
    assert len(HTTP.get(url, headers=headers).json()["data"]) == 1


def test_idempotency_through_the_client(client):
    options = {"idempotency_key": "order-42"}
    first = client.customers.create(params={"name": "A"}, options=options)
    second = client.customers.create(params={"name": "A"}, options=options)
    assert first.id == second.id
    assert second.last_response.headers["Idempotent-Replayed"] == "true"
    with pytest.raises(stripe.IdempotencyError):
        client.customers.create(params={"name": "B"}, options=options)
