"""The invoice state machine: finalize (number, due date), pay (through a payment
intent, recorded as an ``invoice_payment``), and the paid transition's events."""

from . import errors, payments

DAY = 86400


def finalize(state, invoice):
    if invoice["status"] != "draft":
        raise errors.invalid(
            "This invoice is already finalized.", code="invoice_not_editable"
        )
    customer = state.store.get("customer", invoice["customer"])
    number = f"{customer['invoice_prefix']}-{customer['next_invoice_sequence']:04d}"
    customer["next_invoice_sequence"] += 1
    now = state.now()
    due = (
        now + invoice["days_until_due"] * DAY
        if invoice["collection_method"] == "send_invoice"
        and invoice["days_until_due"] is not None
        else None
    )
    state.update(
        invoice,
        {
            "number": number,
            "status": "open",
            "effective_at": now,
            "due_date": due,
            "status_transitions": dict(invoice["status_transitions"], finalized_at=now),
            "ending_balance": 0,
        },
        "invoice.updated",
    )
    state.emit("invoice.finalized", invoice)
    if invoice["amount_remaining"] <= 0:
        mark_paid(state, invoice, 0)
    return invoice


def pay(state, invoice, method=None, out_of_band=False):
    if invoice["status"] == "draft":
        finalize(state, invoice)
    if invoice["status"] == "paid":
        raise errors.invalid("Invoice is already paid", code="invoice_already_paid")
    if invoice["status"] not in ("open", "uncollectible"):
        raise errors.invalid(
            f"You cannot pay an invoice with status {invoice['status']}.",
            code="invoice_not_open",
        )
    amount = invoice["amount_remaining"]
    if out_of_band:
        invoice["amount_paid_off_stripe"] += amount
        return mark_paid(state, invoice, amount)
    customer = state.store.get("customer", invoice["customer"])
    method = (
        method
        or invoice["default_payment_method"]
        or customer["invoice_settings"]["default_payment_method"]
        or payments.DEFAULT_METHOD
    )
    intent = payments.create_intent(
        state,
        {
            "amount": amount,
            "currency": invoice["currency"],
            "customer": customer["id"],
            "description": f"Invoice {invoice['number']}",
        },
    )
    record = _invoice_payment(state, invoice, intent)
    invoice["attempt_count"] += 1
    invoice["attempted"] = True
    try:
        payments.confirm(state, intent, method)
    except errors.SandboxError:
        state.update(record, {"status": "open"})
        state.emit("invoice.payment_failed", invoice)
        raise
    state.update(
        record,
        {
            "status": "paid",
            "amount_paid": amount,
            "status_transitions": {"canceled_at": None, "paid_at": state.now()},
        },
    )
    state.emit("invoice_payment.paid", record)
    return mark_paid(state, invoice, amount)


def _invoice_payment(state, invoice, intent):
    record = state.base(
        "invoice_payment",
        "inpay",
        amount_paid=None,
        amount_requested=intent["amount"],
        currency=intent["currency"],
        invoice=invoice["id"],
        is_default=not invoice["payments"]["data"],
        payment={"type": "payment_intent", "payment_intent": intent["id"]},
        status="open",
        status_transitions={"canceled_at": None, "paid_at": None},
    )
    record.pop("metadata")
    invoice["payments"]["data"].append(record)
    invoice["payments"]["total_count"] += 1
    return record


def mark_paid(state, invoice, amount):
    now = state.now()
    state.update(
        invoice,
        {
            "amount_paid": invoice["amount_paid"] + amount,
            "amount_remaining": 0,
            "status": "paid",
            "status_transitions": dict(invoice["status_transitions"], paid_at=now),
        },
        "invoice.updated",
    )
    state.emit("invoice.paid", invoice)
    state.emit("invoice.payment_succeeded", invoice)
    _activate_subscription(state, invoice)
    return invoice


def _activate_subscription(state, invoice):
    """As Stripe does: paying the latest invoice of an incomplete or past-due
    subscription makes it active again."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    sub = state.store.find(details.get("subscription"))
    if (
        sub
        and sub["latest_invoice"] == invoice["id"]
        and sub["status"] in ("incomplete", "past_due", "unpaid")
    ):
        state.update(sub, {"status": "active"}, "customer.subscription.updated")
