"""Billing and money through the official client: invoices, taxes, credit notes,
refunds, disputes, payouts, and the seeded dataset's exact counts."""

import random

import pytest
import requests
import stripe


@pytest.fixture
def catalog(client):
    customer = client.customers.create(params={"email": "b@example.com"})
    product = client.products.create(params={"name": "Pro"})
    monthly = client.prices.create(
        params={
            "product": product.id,
            "currency": "eur",
            "unit_amount": 1000,
            "recurring": {"interval": "month"},
        }
    )
    once = client.prices.create(
        params={"product": product.id, "currency": "eur", "unit_amount": 2500}
    )
    vat = client.tax_rates.create(
        params={"display_name": "VAT", "percentage": 20, "inclusive": False}
    )
    return customer, monthly, once, vat


def test_subscription_bills_and_pays_first_period(client, catalog):
    customer, monthly, _once, vat = catalog
    sub = client.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": monthly.id, "quantity": 2}],
            "default_tax_rates": [vat.id],
            "expand": ["latest_invoice"],
        }
    )
    invoice = sub.latest_invoice
    assert sub.status == "active" and sub["items"].data[0].quantity == 2
    assert (invoice.subtotal, invoice.total, invoice.amount_paid) == (2000, 2400, 2400)
    assert invoice.total_taxes[0].amount == 400 and invoice.status == "paid"
    assert invoice.billing_reason == "subscription_create"
    assert invoice.parent.subscription_details.subscription == sub.id
    assert (
        client.invoices.list(params={"subscription": sub.id}).data[0].id == invoice.id
    )
    canceled = client.subscriptions.cancel(sub.id)
    assert canceled.status == "canceled"
    assert client.subscriptions.list().data == []
    assert len(client.subscriptions.list(params={"status": "all"}).data) == 1


def test_manual_invoice_lifecycle(client, catalog):
    customer, _monthly, once, vat = catalog
    invoice = client.invoices.create(
        params={"customer": customer.id, "default_tax_rates": [vat.id]}
    )
    client.invoice_items.create(
        params={
            "customer": customer.id,
            "invoice": invoice.id,
            "pricing": {"price": once.id},
            "quantity": 2,
        }
    )
    client.invoices.add_lines(
        invoice.id, params={"lines": [{"amount": 500, "description": "Setup"}]}
    )
    lines = client.invoices.line_items.list(invoice.id)
    assert [line.amount for line in lines.data] == [5000, 500]
    invoice = client.invoices.finalize_invoice(invoice.id)
    assert invoice.status == "open" and invoice.number.endswith("-0001")
    assert invoice.amount_due == 6600
    paid = client.invoices.pay(invoice.id)
    assert paid.status == "paid" and paid.amount_remaining == 0
    with pytest.raises(stripe.InvalidRequestError):
        client.invoices.void_invoice(invoice.id)
    other = client.invoices.create(params={"customer": customer.id})
    client.invoice_items.create(
        params={
            "customer": customer.id,
            "invoice": other.id,
            "amount": 700,
            "currency": "eur",
        }
    )
    client.invoices.finalize_invoice(other.id)
    assert client.invoices.void_invoice(other.id).status == "void"
    statuses = {
        i.status for i in client.invoices.list(params={"customer": customer.id}).data
    }
    assert statuses == {"paid", "void"}


def test_declined_invoice_payment_is_402(client, catalog):
    customer, _monthly, once, _vat = catalog
    invoice = client.invoices.create(params={"customer": customer.id})
    client.invoice_items.create(
        params={
            "customer": customer.id,
            "invoice": invoice.id,
            "pricing": {"price": once.id},
        }
    )
    with pytest.raises(stripe.CardError) as error:
        client.invoices.pay(
            invoice.id, params={"payment_method": "pm_card_chargeDeclined"}
        )
    assert error.value.http_status == 402 and error.value.code == "card_declined"
    assert client.invoices.retrieve(invoice.id).status == "open"
    uncollectible = client.invoices.mark_uncollectible(invoice.id)
    assert uncollectible.status == "uncollectible"


def test_credit_note_refund_and_balance_transactions(client, catalog):
    customer, monthly, _once, vat = catalog
    sub = client.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"price": monthly.id}],
            "default_tax_rates": [vat.id],
        }
    )
    note = client.credit_notes.create(
        params={
            "invoice": sub.latest_invoice,
            "amount": 600,
            "refund_amount": 600,
            "reason": "order_change",
        }
    )
    assert note.type == "post_payment" and note.total == 600
    assert note.total_taxes[0].amount == 100 and note.subtotal == 500
    refund = client.refunds.retrieve(
        note.refunds[0].refund, params={"expand": ["balance_transaction"]}
    )
    assert refund.amount == 600 and refund.balance_transaction.amount == -600
    charge = client.charges.retrieve(refund.charge)
    assert charge.amount_refunded == 600 and not charge.refunded
    assert client.credit_notes.void_credit_note(note.id).status == "void"


def test_dispute_withdraws_amount_plus_fee(client):
    intent = client.payment_intents.create(
        params={
            "amount": 10000,
            "currency": "usd",
            "confirm": True,
            "payment_method": "pm_card_createDispute",
        }
    )
    dispute = client.disputes.list(params={"payment_intent": intent.id}).data[0]
    withdrawal = dispute.balance_transactions[0]
    assert (withdrawal.amount, withdrawal.fee, withdrawal.net) == (-10000, 1500, -11500)
    won = client.disputes.update(
        dispute.id, params={"evidence": {"uncategorized_text": "winning_evidence"}}
    )
    assert won.status == "won" and len(won.balance_transactions) == 2


def test_payout_groups_available_transactions(stripe_server, client):
    for amount in (1000, 5000):
        client.payment_intents.create(
            params={"amount": amount, "currency": "gbp", "confirm": True}
        )
    charge = client.charges.list(params={"limit": 1}).data[0]
    client.refunds.create(params={"charge": charge.id, "amount": 500})
    requests.post(f"{stripe_server.url}/_sandbox/stripe/payouts", json={}, timeout=5)
    payout = client.payouts.list().data[0]
    txns = client.balance_transactions.list(params={"payout": payout.id}).data
    assert sorted(t.type for t in txns) == ["charge", "charge", "payout", "refund"]
    fees = (30 + 29) + (30 + 145)
    assert payout.amount == 6000 - fees - 500 and payout.status == "paid"
    assert sum(t.net for t in txns) == 0
    balance = client.balance.retrieve()
    assert [b.amount for b in balance.available] == [0]


def test_seed_exact_counts_and_consistency(stripe_server, client):
    counts = stripe_server.seed(
        10,
        random.Random(5),
        customers=60,
        subscriptions=20,
        invoices=80,
        payments=30,
        refunds=6,
        disputes=3,
        credit_notes=4,
        payouts=5,
    )
    expected = {
        "customer": 60,
        "subscription": 20,
        "invoice": 80,
        "refund": 6,
        "dispute": 3,
        "credit_note": 4,
        "payout": 5,
    }
    assert {k: counts[k] for k in expected} == expected
    assert client.events.list().data == []  # seeding emits no events by default
    invoices = list(client.invoices.list(params={"limit": 100}).auto_paging_iter())
    for invoice in invoices:
        exclusive = sum(
            t.amount for t in invoice.total_taxes if t.tax_behavior == "exclusive"
        )
        assert invoice.total == invoice.subtotal + exclusive
    currencies = {c.currency for c in client.customers.list(params={"limit": 100}).data}
    assert currencies == {"usd", "eur", "gbp"}
    for payout in client.payouts.list(params={"limit": 100}).data:
        txns = client.balance_transactions.list(
            params={"payout": payout.id, "limit": 100}
        ).auto_paging_iter()
        assert sum(t.net for t in txns) == 0
