"""Payment intents and charges, with Stripe's test payment methods.

Outcomes follow Stripe's documented test values so tests read like Stripe's docs:
``pm_card_chargeDeclined`` / ``tok_chargeDeclined`` decline (402 card_error), and
``pm_card_createDispute`` / ``tok_createDispute`` succeed, then get disputed.
"""

from . import errors, ledger, refunds
from . import params as P
from .store import list_object

DEFAULT_METHOD = "pm_card_visa"
PI_CREATE = {
    "amount",
    "currency",
    "customer",
    "description",
    "metadata",
    "payment_method",
    "payment_method_types",
    "confirm",
    "capture_method",
    "receipt_email",
    "statement_descriptor",
    "statement_descriptor_suffix",
    "setup_future_usage",
    "automatic_payment_methods",
    "off_session",
    "return_url",
    "payment_method_options",
    "shipping",
    "confirmation_method",
    "error_on_requires_action",
    "transfer_group",
    "payment_method_data",
}
PI_UPDATE = {
    "amount",
    "currency",
    "customer",
    "description",
    "metadata",
    "payment_method",
    "receipt_email",
    "setup_future_usage",
    "shipping",
    "statement_descriptor",
    "payment_method_types",
    "capture_method",
}
CHARGE_CREATE = {
    "amount",
    "currency",
    "customer",
    "source",
    "description",
    "metadata",
    "capture",
    "receipt_email",
    "statement_descriptor",
    "shipping",
    "transfer_group",
}


def declines(method):
    return "Declined" in (method or "") or "chargeDeclined" in (method or "")


def create_charge_object(
    state,
    amount,
    currency,
    customer,
    method,
    intent=None,
    description=None,
    metadata=None,
    capture=True,
):
    declined = declines(method)
    charge = state.base(
        "charge",
        "ch",
        amount=amount,
        amount_captured=0,
        amount_refunded=0,
        balance_transaction=None,
        billing_details={"address": None, "email": None, "name": None, "phone": None},
        calculated_statement_descriptor="SANDBOX",
        captured=False,
        currency=currency,
        customer=customer,
        description=description,
        disputed=False,
        failure_balance_transaction=None,
        failure_code="card_declined" if declined else None,
        failure_message="Your card was declined." if declined else None,
        metadata=dict(metadata or {}),
        outcome={
            "network_status": "declined_by_network"
            if declined
            else "approved_by_network",
            "reason": "generic_decline" if declined else None,
            "risk_level": "normal",
            "seller_message": "Payment complete."
            if not declined
            else "The bank did not return any further details.",
            "type": "issuer_declined" if declined else "authorized",
        },
        paid=not declined,
        payment_intent=intent,
        payment_method=method,
        payment_method_details={
            "card": {
                "brand": "visa",
                "country": "US",
                "exp_month": 12,
                "exp_year": 2034,
                "funding": "credit",
                "last4": "4242",
            },
            "type": "card",
        },
        receipt_url=None,
        refunded=False,
        status="failed" if declined else "succeeded",
    )
    charge["refunds"] = list_object([], f"/v1/charges/{charge['id']}/refunds")
    if declined:
        state.emit("charge.failed", charge)
        return charge
    if capture:
        _capture(state, charge, amount)
    state.emit("charge.succeeded", charge)
    if "createDispute" in (method or ""):
        ledger.create_dispute(state, charge)
    return charge


def _capture(state, charge, amount):
    charge["captured"] = True
    charge["amount_captured"] = amount
    ledger.charge_txn(state, charge, amount)


# -- payment intents -----------------------------------------------------------
def create_intent(state, params, request=None):
    P.check(params, PI_CREATE, required=("amount", "currency"))
    customer = params.get("customer")
    if customer:
        state.store.get("customer", customer, "customer")
    method = params.get("payment_method")
    intent = state.base(
        "payment_intent",
        "pi",
        amount=P.integer(params, "amount", minimum=1),
        amount_capturable=0,
        amount_received=0,
        capture_method=P.choice(
            params,
            "capture_method",
            ("automatic", "automatic_async", "manual"),
            "automatic_async",
        ),
        canceled_at=None,
        cancellation_reason=None,
        confirmation_method="automatic",
        currency=P.currency(params),
        customer=customer,
        description=params.get("description"),
        last_payment_error=None,
        latest_charge=None,
        metadata=P.metadata({}, params),
        next_action=None,
        payment_method=method,
        payment_method_types=P.array(params, "payment_method_types") or ["card"],
        receipt_email=params.get("receipt_email"),
        setup_future_usage=params.get("setup_future_usage"),
        status="requires_confirmation" if method else "requires_payment_method",
    )
    intent["client_secret"] = f"{intent['id']}_secret_{state.new_id('s')[2:]}"
    state.emit("payment_intent.created", intent)
    if P.boolean(params, "confirm", False):
        confirm(state, intent, method)
    return intent


def confirm(state, intent, method=None):
    if intent["status"] not in ("requires_payment_method", "requires_confirmation"):
        raise errors.invalid(
            "This PaymentIntent's status is "
            f"{intent['status']}, it cannot be confirmed.",
            code="payment_intent_unexpected_state",
        )
    method = method or intent["payment_method"] or DEFAULT_METHOD
    manual = intent["capture_method"] == "manual"
    charge = create_charge_object(
        state,
        intent["amount"],
        intent["currency"],
        intent["customer"],
        method,
        intent["id"],
        intent["description"],
        capture=not manual,
    )
    if charge["status"] == "failed":
        state.update(
            intent,
            {
                "status": "requires_payment_method",
                "latest_charge": charge["id"],
                "payment_method": method,
                "last_payment_error": {
                    "charge": charge["id"],
                    "code": "card_declined",
                    "decline_code": "generic_decline",
                    "type": "card_error",
                    "message": "Your card was declined.",
                },
            },
        )
        state.emit("payment_intent.payment_failed", intent)
        raise errors.card_declined(charge["id"], intent["id"])
    changes = {
        "latest_charge": charge["id"],
        "payment_method": method,
        "last_payment_error": None,
    }
    if manual:
        changes.update(status="requires_capture", amount_capturable=intent["amount"])
        state.update(intent, changes)
        state.emit("payment_intent.amount_capturable_updated", intent)
    else:
        changes.update(status="succeeded", amount_received=intent["amount"])
        state.update(intent, changes)
        state.emit("payment_intent.succeeded", intent)
    return intent


def confirm_intent(state, params, request):
    P.check(
        params,
        {
            "payment_method",
            "return_url",
            "off_session",
            "mandate_data",
            "payment_method_options",
            "receipt_email",
            "setup_future_usage",
            "error_on_requires_action",
            "capture_method",
        },
    )
    intent = state.store.get("payment_intent", request.params["id"])
    return confirm(state, intent, params.get("payment_method"))


def capture_intent(state, params, request):
    P.check(params, {"amount_to_capture", "metadata", "statement_descriptor"})
    intent = state.store.get("payment_intent", request.params["id"])
    if intent["status"] != "requires_capture":
        raise errors.invalid(
            "This PaymentIntent could not be captured because it "
            f"has a status of {intent['status']}.",
            code="payment_intent_unexpected_state",
        )
    amount = P.integer(
        params, "amount_to_capture", intent["amount"], 1, intent["amount"]
    )
    charge = state.store.get("charge", intent["latest_charge"])
    _capture(state, charge, amount)
    state.emit("charge.captured", charge)
    state.update(
        intent,
        {"status": "succeeded", "amount_received": amount, "amount_capturable": 0},
    )
    state.emit("payment_intent.succeeded", intent)
    return intent


def cancel_intent(state, params, request):
    P.check(params, {"cancellation_reason"})
    intent = state.store.get("payment_intent", request.params["id"])
    if intent["status"] in ("succeeded", "canceled"):
        raise errors.invalid(
            "You cannot cancel this PaymentIntent because it has "
            f"a status of {intent['status']}.",
            code="payment_intent_unexpected_state",
        )
    state.update(
        intent,
        {
            "status": "canceled",
            "canceled_at": state.now(),
            "cancellation_reason": params.get("cancellation_reason"),
        },
    )
    state.emit("payment_intent.canceled", intent)
    return intent


def update_intent(state, params, request):
    P.check(params, PI_UPDATE)
    intent = state.store.get("payment_intent", request.params["id"])
    changes = {k: v for k, v in params.items() if k not in ("metadata", "expand")}
    if "amount" in changes:
        changes["amount"] = P.integer(params, "amount", minimum=1)
    changes["metadata"] = P.metadata(intent["metadata"], params)
    return state.update(intent, changes, "payment_intent.updated")


# -- charges ---------------------------------------------------------
def create_charge(state, params, request=None):
    P.check(params, CHARGE_CREATE, required=("amount", "currency"))
    source = params.get("source") or "tok_visa"
    charge = create_charge_object(
        state,
        P.integer(params, "amount", minimum=1),
        P.currency(params),
        params.get("customer"),
        source,
        None,
        params.get("description"),
        P.metadata({}, params),
        P.boolean(params, "capture", True),
    )
    if charge["status"] == "failed":
        raise errors.card_declined(charge["id"])
    return charge


def update_charge(state, params, request):
    P.check(
        params,
        {"description", "metadata", "receipt_email", "shipping", "fraud_details"},
    )
    charge = state.store.get("charge", request.params["id"])
    changes = {k: v for k, v in params.items() if k not in ("metadata", "expand")}
    changes["metadata"] = P.metadata(charge["metadata"], params)
    return state.update(charge, changes, "charge.updated")


def register(api):
    api.crud(
        "payment_intent",
        "/v1/payment_intents",
        create=create_intent,
        update=update_intent,
        filters={"customer": api.eq("customer")},
    )
    for action, fn in (
        ("confirm", confirm_intent),
        ("capture", capture_intent),
        ("cancel", cancel_intent),
    ):
        api.api("POST", f"/v1/payment_intents/{{id}}/{action}", fn)
    api.crud(
        "charge",
        "/v1/charges",
        create=create_charge,
        update=update_charge,
        filters={
            "customer": api.eq("customer"),
            "payment_intent": api.eq("payment_intent"),
        },
    )
    refunds.register(api)
