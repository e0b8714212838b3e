"""Refunds: negative balance transactions and the charge's refunded totals."""

from . import errors, ledger
from . import params as P


def create_refund(state, params, request=None):
    P.check(
        params,
        {
            "charge",
            "payment_intent",
            "amount",
            "reason",
            "metadata",
            "refund_application_fee",
            "reverse_transfer",
            "instructions_email",
        },
    )
    if params.get("charge"):
        charge = state.store.get("charge", params["charge"], "charge")
    elif params.get("payment_intent"):
        intent = state.store.get(
            "payment_intent", params["payment_intent"], "payment_intent"
        )
        if not intent["latest_charge"]:
            raise errors.invalid(
                "This PaymentIntent has no charge to refund.", "payment_intent"
            )
        charge = state.store.get("charge", intent["latest_charge"])
    else:
        raise errors.required("charge")
    return refund_charge(
        state,
        charge,
        P.integer(params, "amount", minimum=1),
        params.get("reason"),
        P.metadata({}, params),
    )


def refund_charge(state, charge, amount=None, reason=None, metadata=None):
    left = charge["amount_captured"] - charge["amount_refunded"]
    if left <= 0:
        raise errors.invalid(
            f"Charge {charge['id']} has already been refunded.",
            code="charge_already_refunded",
        )
    amount = left if amount is None else amount
    if amount > left:
        raise errors.invalid(
            f"Refund amount ({amount}) is greater than unrefunded amount on charge "
            f"({left})",
            "amount",
            "amount_too_large",
        )
    refund = state.base(
        "refund",
        "re",
        amount=amount,
        balance_transaction=None,
        charge=charge["id"],
        currency=charge["currency"],
        destination_details={"type": "card"},
        metadata=dict(metadata or {}),
        payment_intent=charge["payment_intent"],
        reason=reason,
        receipt_number=None,
        source_transfer_reversal=None,
        status="succeeded",
        transfer_reversal=None,
    )
    txn = ledger.add_txn(
        state,
        "refund",
        -amount,
        charge["currency"],
        refund["id"],
        0,
        "refund",
        "REFUND FOR CHARGE",
    )
    refund["balance_transaction"] = txn["id"]
    charge["refunds"]["data"].insert(0, refund)
    refunded = charge["amount_refunded"] + amount
    state.emit("refund.created", refund)
    state.update(
        charge,
        {
            "amount_refunded": refunded,
            "refunded": refunded >= charge["amount_captured"],
        },
        "charge.refunded",
    )
    return refund


def update_refund(state, params, request):
    P.check(params, {"metadata"})
    refund = state.store.get("refund", request.params["id"])
    changes = {"metadata": P.metadata(refund["metadata"], params)}
    return state.update(refund, changes, "refund.updated")


def register(api):
    api.crud(
        "refund",
        "/v1/refunds",
        create=create_refund,
        update=update_refund,
        filters={
            "charge": api.eq("charge"),
            "payment_intent": api.eq("payment_intent"),
        },
    )
