"""Credit notes on open (pre-payment) and paid (post-payment) invoices.

A pre-payment note lowers what the customer owes; a post-payment note must be
allocated to a refund, a customer-balance credit or an out-of-band amount, and the
three must add up to the note's total, as Stripe requires. Taxes are credited in
proportion to the invoice's, so credited totals reconcile with the invoice's.
"""

from . import errors, invoice_flow, lines, refunds
from . import params as P
from .store import list_object

CREATE = {
    "invoice",
    "lines",
    "amount",
    "reason",
    "memo",
    "metadata",
    "refund_amount",
    "credit_amount",
    "out_of_band_amount",
    "refunds",
    "effective_at",
    "email_type",
    "shipping_cost",
}
REASONS = ("duplicate", "fraudulent", "order_change", "product_unsatisfactory")


def _requested_total(state, invoice, params):
    total = 0
    for spec in P.array(params, "lines"):
        if spec.get("type") == "custom_line_item":
            total += P.integer(spec, "unit_amount", 0) * P.integer(spec, "quantity", 1)
            continue
        line = state.store.get(
            "line_item", spec.get("invoice_line_item"), "lines[0][invoice_line_item]"
        )
        quantity = P.integer(spec, "quantity", line["quantity"] or 1, 0)
        amount = P.integer(spec, "amount")
        if amount is None:
            amount = line["amount"] * quantity // max(line["quantity"] or 1, 1)
        total += amount + sum(
            t["amount"] for t in line["taxes"] if t["tax_behavior"] == "exclusive"
        )
    if params.get("amount") not in (None, ""):
        total = P.integer(params, "amount", minimum=1)
    if not total:
        raise errors.invalid("You must pass either `amount` or `lines`.", "amount")
    return total


def create_credit_note(state, params, request=None):
    P.check(params, CREATE, required=("invoice",))
    invoice = state.store.get("invoice", params["invoice"], "invoice")
    if invoice["status"] not in ("open", "paid"):
        raise errors.invalid(
            "Credit notes can only be issued on open or paid invoices.", "invoice"
        )
    total = _requested_total(state, invoice, params)
    pre = invoice["status"] == "open"
    room = (
        invoice["amount_remaining"]
        if pre
        else invoice["amount_paid"] - invoice["post_payment_credit_notes_amount"]
    )
    if total > room:
        raise errors.invalid(
            f"The credit note amount ({total}) exceeds the creditable amount ({room}).",
            "amount",
        )
    note = _note(state, invoice, total, params, pre)
    if pre:
        _apply_pre_payment(state, invoice, total)
    else:
        _allocate(state, invoice, note, params)
    state.emit("credit_note.created", note)
    return note


def _note(state, invoice, total, params, pre):
    share = total / invoice["total"] if invoice["total"] else 0
    taxes = [
        dict(
            t,
            amount=round(t["amount"] * share),
            taxable_amount=round(t["taxable_amount"] * share),
        )
        for t in invoice["total_taxes"]
    ]
    exclusive = sum(t["amount"] for t in taxes if t["tax_behavior"] == "exclusive")
    inclusive = sum(t["amount"] for t in taxes if t["tax_behavior"] == "inclusive")
    count = (
        sum(1 for n in state.store.all("credit_note") if n["invoice"] == invoice["id"])
        + 1
    )
    note = state.base(
        "credit_note",
        "cn",
        amount=total,
        amount_shipping=0,
        currency=invoice["currency"],
        customer=invoice["customer"],
        customer_balance_transaction=None,
        discount_amount=0,
        discount_amounts=[],
        effective_at=state.now(),
        invoice=invoice["id"],
        memo=params.get("memo"),
        metadata=P.metadata({}, params),
        number=f"{invoice['number']}-CN-{count:02d}",
        out_of_band_amount=None,
        pdf=None,
        post_payment_amount=0 if pre else total,
        pre_payment_amount=total if pre else 0,
        pretax_credit_amounts=[],
        reason=P.choice(params, "reason", REASONS),
        refunds=[],
        shipping_cost=None,
        status="issued",
        subtotal=total - exclusive,
        subtotal_excluding_tax=total - exclusive - inclusive,
        total=total,
        total_excluding_tax=total - exclusive - inclusive,
        total_taxes=taxes,
        type="pre_payment" if pre else "post_payment",
        voided_at=None,
    )
    line = {
        "id": state.new_id("cnli"),
        "object": "credit_note_line_item",
        "amount": total - exclusive,
        "description": params.get("memo") or "Credit",
        "discount_amount": 0,
        "discount_amounts": [],
        "invoice_line_item": None,
        "livemode": False,
        "metadata": {},
        "pretax_credit_amounts": [],
        "quantity": 1,
        "tax_rates": [],
        "taxes": taxes,
        "type": "custom_line_item",
        "unit_amount": total - exclusive,
        "unit_amount_decimal": str(total - exclusive),
    }
    state.children[note["id"]] = [line]
    note["lines"] = list_object([line], f"/v1/credit_notes/{note['id']}/lines")
    return note


def _apply_pre_payment(state, invoice, total):
    state.update(
        invoice,
        {
            "pre_payment_credit_notes_amount": invoice[
                "pre_payment_credit_notes_amount"
            ]
            + total,
            "amount_remaining": invoice["amount_remaining"] - total,
        },
        "invoice.updated",
    )
    if invoice["amount_remaining"] == 0:
        invoice_flow.mark_paid(state, invoice, 0)


def _allocate(state, invoice, note, params):
    refund = P.integer(params, "refund_amount", 0, 0)
    credit = P.integer(params, "credit_amount", 0, 0)
    out_of_band = P.integer(params, "out_of_band_amount", 0, 0)
    if not (refund or credit or out_of_band):
        credit = note["total"]
    if refund + credit + out_of_band != note["total"]:
        raise errors.invalid(
            "refund_amount + credit_amount + out_of_band_amount "
            "must equal the credit note total.",
            "refund_amount",
        )
    if refund:
        charge = _invoice_charge(state, invoice)
        made = refunds.refund_charge(state, charge, refund, "requested_by_customer")
        note["refunds"] = [
            {
                "amount_refunded": refund,
                "payment_record_refund": None,
                "refund": made["id"],
                "type": "refund",
            }
        ]
    if credit:
        customer = state.store.get("customer", invoice["customer"])
        customer["balance"] -= credit
        note["customer_balance_transaction"] = state.new_id("cbtxn")
    note["out_of_band_amount"] = out_of_band or None
    state.update(
        invoice,
        {
            "post_payment_credit_notes_amount": invoice[
                "post_payment_credit_notes_amount"
            ]
            + note["total"]
        },
        "invoice.updated",
    )


def _invoice_charge(state, invoice):
    for record in invoice["payments"]["data"]:
        intent = state.store.find(record["payment"].get("payment_intent") or "")
        if record["status"] == "paid" and intent and intent["latest_charge"]:
            return state.store.get("charge", intent["latest_charge"])
    raise errors.invalid(
        "This invoice was not paid through Stripe; use "
        "out_of_band_amount or credit_amount.",
        "refund_amount",
    )


def void_note(state, params, request):
    P.check(params, ())
    note = state.store.get("credit_note", request.params["id"])
    if note["status"] == "void":
        raise errors.invalid("This credit note is already voided.")
    invoice = state.store.get("invoice", note["invoice"])
    if note["type"] == "pre_payment" and invoice["status"] == "open":
        invoice["pre_payment_credit_notes_amount"] -= note["total"]
        invoice["amount_remaining"] += note["total"]
    state.update(note, {"status": "void", "voided_at": state.now()})
    state.emit("credit_note.voided", note)
    return note


def update_note(state, params, request):
    P.check(params, {"memo", "metadata"})
    note = state.store.get("credit_note", request.params["id"])
    changes = {"metadata": P.metadata(note["metadata"], params)}
    if "memo" in params:
        changes["memo"] = params["memo"]
    return state.update(note, changes, "credit_note.updated")


def list_note_lines(state, params, request):
    P.check(params, P.LIST_PARAMS)
    note = state.store.get("credit_note", request.params["id"])
    url = f"/v1/credit_notes/{note['id']}/lines"
    return lines.page_children(state, note["id"], params, url)


def register(api):
    api.crud(
        "credit_note",
        "/v1/credit_notes",
        create=create_credit_note,
        update=update_note,
        filters={"customer": api.eq("customer"), "invoice": api.eq("invoice")},
    )
    api.api("POST", "/v1/credit_notes/{id}/void", void_note)
    api.api("GET", "/v1/credit_notes/{id}/lines", list_note_lines)
