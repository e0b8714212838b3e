"""Money movements: balance transactions, disputes, payouts and the balance.

The invariants a reconciliation relies on hold here by construction: every captured
charge has a ``charge`` transaction (amount, 2.9% + 30 fee, net), refunds are
negative ``refund`` transactions, a dispute withdraws amount + 1500 fee, and a payout
takes every available transaction not yet paid out, so the transactions listed with
``?payout=po_...`` sum (by ``net``) to zero with the payout's own transaction.
"""

from . import errors
from . import params as P
from .listing import lister

DAY = 86400
DISPUTE_FEE = 1500
EVIDENCE = (
    "uncategorized_text",
    "product_description",
    "customer_name",
    "customer_email_address",
    "receipt",
    "service_date",
    "shipping_tracking_number",
)


def stripe_fee(amount):
    return round(amount * 0.029) + 30


def add_txn(
    state, type_, amount, currency, source, fee=0, category=None, description=None
):
    now = state.now()
    available_on = now + state.settlement_days * DAY
    txn = state.base(
        "balance_transaction",
        "txn",
        amount=amount,
        available_on=available_on,
        balance_type="payments",
        currency=currency,
        description=description,
        exchange_rate=None,
        fee=fee,
        fee_details=[
            {
                "amount": fee,
                "application": None,
                "currency": currency,
                "description": "Stripe processing fees",
                "type": "stripe_fee",
            }
        ]
        if fee
        else [],
        net=amount - fee,
        reporting_category=category or type_,
        source=source,
        status="available" if available_on <= now else "pending",
        type=type_,
    )
    txn.pop("metadata")
    return txn


def _status(state, txn):
    if txn["status"] == "pending" and txn["available_on"] <= state.now():
        txn["status"] = "available"
    return txn["status"]


def charge_txn(state, charge, amount=None):
    amount = charge["amount"] if amount is None else amount
    txn = add_txn(
        state,
        "charge",
        amount,
        charge["currency"],
        charge["id"],
        stripe_fee(amount),
        description=charge.get("description"),
    )
    charge["balance_transaction"] = txn["id"]
    return txn


# -- disputes ------------------------------------------------------------------
def create_dispute(state, charge, reason="fraudulent", status="needs_response"):
    dispute = state.base(
        "dispute",
        "dp",
        amount=charge["amount"],
        balance_transactions=[],
        charge=charge["id"],
        currency=charge["currency"],
        evidence=dict.fromkeys(EVIDENCE),
        enhanced_eligibility_types=[],
        evidence_details={
            "due_by": state.now() + 7 * DAY,
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        },
        is_charge_refundable=False,
        payment_intent=charge.get("payment_intent"),
        reason=reason,
        status=status,
    )
    txn = add_txn(
        state,
        "adjustment",
        -charge["amount"],
        charge["currency"],
        dispute["id"],
        DISPUTE_FEE,
        "dispute",
        f"Chargeback withdrawal for {charge['id']}",
    )
    dispute["balance_transactions"].append(txn)
    state.update(charge, {"disputed": True})
    state.emit("charge.dispute.created", dispute)
    state.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def update_dispute(state, params, request):
    P.check(params, {"evidence", "metadata", "submit"})
    dispute = state.store.get("dispute", request.params["id"])
    if dispute["status"] in ("won", "lost"):
        raise errors.invalid("This dispute is already closed.")
    evidence = P.mapping(params, "evidence")
    changes = {"metadata": P.metadata(dispute["metadata"], params)}
    if evidence:
        changes["evidence"] = dict(dispute["evidence"], **evidence)
        changes["evidence_details"] = dict(
            dispute["evidence_details"], has_evidence=True
        )
    if evidence and P.boolean(params, "submit", True):
        changes["status"] = "under_review"
        changes["evidence_details"]["submission_count"] += 1
    state.update(dispute, changes, "charge.dispute.updated")
    text = (changes.get("evidence") or {}).get("uncategorized_text") or ""
    if changes.get("status") == "under_review" and "winning_evidence" in text:
        _close(state, dispute, "won")
    elif changes.get("status") == "under_review" and "losing_evidence" in text:
        _close(state, dispute, "lost")
    return dispute


def close_dispute(state, params, request):
    P.check(params, ())
    dispute = state.store.get("dispute", request.params["id"])
    if dispute["status"] not in ("won", "lost"):
        _close(state, dispute, "lost")
    return dispute


def _close(state, dispute, status):
    state.update(dispute, {"status": status})
    if status == "won":
        txn = add_txn(
            state,
            "adjustment",
            dispute["amount"],
            dispute["currency"],
            dispute["id"],
            0,
            "dispute_reversal",
            f"Chargeback reversal for {dispute['charge']}",
        )
        dispute["balance_transactions"].append(txn)
        state.emit("charge.dispute.funds_reinstated", dispute)
    state.emit("charge.dispute.closed", dispute)


# -- payouts -------------------------------------------------------------------
def run_payouts(state, currency=None):
    """Pay out every available, not yet paid-out transaction, per currency."""
    pending = {}
    for txn in state.store.all("balance_transaction"):
        if txn["id"] in state.payout_of or txn["type"] == "payout":
            continue
        if _status(state, txn) == "available" and currency in (None, txn["currency"]):
            pending.setdefault(txn["currency"], []).append(txn)
    payouts = []
    for code, txns in sorted(pending.items()):
        amount = sum(txn["net"] for txn in txns)
        if amount <= 0:
            continue
        payout = _payout(state, amount, code, automatic=True)
        for txn in txns:
            state.payout_of[txn["id"]] = payout["id"]
        payouts.append(payout)
    return payouts


def _payout(state, amount, currency, automatic, params=None):
    params = params or {}
    payout = state.base(
        "payout",
        "po",
        amount=amount,
        application_fee=None,
        application_fee_amount=None,
        arrival_date=state.now() + DAY,
        automatic=automatic,
        balance_transaction=None,
        currency=currency,
        description=params.get("description") or "STRIPE PAYOUT",
        destination="ba_sandbox",
        failure_balance_transaction=None,
        failure_code=None,
        failure_message=None,
        metadata=P.metadata({}, params),
        method=params.get("method", "standard"),
        original_payout=None,
        reconciliation_status="completed" if automatic else "not_applicable",
        reversed_by=None,
        source_type="card",
        statement_descriptor=params.get("statement_descriptor"),
        status="pending",
        trace_id=None,
        type="bank_account",
    )
    txn = add_txn(
        state,
        "payout",
        -amount,
        currency,
        payout["id"],
        0,
        "payout",
        payout["description"],
    )
    txn["status"] = "available"
    payout["balance_transaction"] = txn["id"]
    state.payout_of[txn["id"]] = payout["id"]
    state.emit("payout.created", payout)
    state.update(payout, {"status": "paid"}, "payout.updated")
    state.emit("payout.paid", payout)
    return payout


def create_payout(state, params, request):
    P.check(
        params,
        {
            "amount",
            "currency",
            "description",
            "metadata",
            "method",
            "statement_descriptor",
            "destination",
            "source_type",
        },
        required=("amount", "currency"),
    )
    amount = P.integer(params, "amount", minimum=1)
    code = P.currency(params)
    available = balance(state)["available"]
    have = next((b["amount"] for b in available if b["currency"] == code), 0)
    if amount > have:
        raise errors.invalid(
            "You have insufficient funds in your Stripe account for this transfer.",
            "amount",
            "balance_insufficient",
        )
    return _payout(state, amount, code, automatic=False, params=params)


def update_payout(state, params, request):
    P.check(params, {"metadata"})
    payout = state.store.get("payout", request.params["id"])
    changes = {"metadata": P.metadata(payout["metadata"], params)}
    return state.update(payout, changes, "payout.updated")


def balance(state, params=None, request=None):
    P.check(params or {}, ())
    totals = {}
    for txn in state.store.all("balance_transaction"):
        key = (txn["currency"], _status(state, txn))
        totals[key] = totals.get(key, 0) + txn["net"]
    currencies = sorted({currency for currency, _ in totals})

    def bucket(status):
        return [
            {
                "amount": totals.get((c, status), 0),
                "currency": c,
                "source_types": {"card": totals.get((c, status), 0)},
            }
            for c in currencies
        ]

    return {
        "object": "balance",
        "available": bucket("available"),
        "livemode": False,
        "pending": bucket("pending"),
    }


def list_txns(state, params, request):
    payout = params.get("payout")
    filters = {
        "type": lambda v: lambda o: o["type"] == v,
        "currency": lambda v: lambda o: o["currency"] == v,
        "source": lambda v: lambda o: o["source"] == v,
        "payout": lambda v: lambda o: state.payout_of.get(o["id"]) == v,
    }
    if payout:
        state.store.get("payout", payout, "payout")
    list_ = lister("balance_transaction", "/v1/balance_transactions", filters)
    return list_(state, params, request)


def register(api):
    api.crud("balance_transaction", "/v1/balance_transactions")
    api.api("GET", "/v1/balance_transactions", list_txns)
    api.api("GET", "/v1/balance", balance)
    api.crud(
        "dispute",
        "/v1/disputes",
        update=update_dispute,
        filters={
            "charge": api.eq("charge"),
            "payment_intent": api.eq("payment_intent"),
        },
    )
    api.api("POST", "/v1/disputes/{id}/close", close_dispute)
    api.crud(
        "payout",
        "/v1/payouts",
        create=create_payout,
        filters={"status": api.eq("status")},
        update=update_payout,
    )
