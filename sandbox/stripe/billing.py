"""Invoice items, invoices (draft -> open -> paid/void/uncollectible) and their
payments (``invoice_payment`` objects, the 2025+ link from invoice to payment)."""

from . import errors, lines
from . import params as P
from .invoice_flow import finalize, pay
from .invoice_items import (
    _draft,
    _item_price,
    _price_of,
    add_item,
    attach_item,
    create_item,
)

INVOICE = {
    "customer",
    "auto_advance",
    "collection_method",
    "days_until_due",
    "due_date",
    "description",
    "metadata",
    "currency",
    "default_tax_rates",
    "pending_invoice_items_behavior",
    "footer",
    "custom_fields",
    "automatic_tax",
    "account_tax_ids",
    "number",
    "statement_descriptor",
}
DRAFT_UPDATE = INVOICE - {"customer", "currency", "pending_invoice_items_behavior"}


# -- invoices ------------------------------------------------------------------
def create_invoice(state, params, request=None):
    P.check(params, INVOICE, required=("customer",))
    customer = state.store.get("customer", params["customer"], "customer")
    method = P.choice(
        params,
        "collection_method",
        ("charge_automatically", "send_invoice"),
        "charge_automatically",
    )
    days = P.integer(params, "days_until_due", minimum=0)
    if method == "send_invoice" and days is None and not params.get("due_date"):
        raise errors.invalid(
            "Invoices with `send_invoice` need days_until_due or due_date.",
            "days_until_due",
        )
    invoice = new_invoice(
        state,
        customer,
        P.currency(params, required=False) or customer["currency"] or "usd",
        method,
        "manual",
        params.get("description"),
        P.array(params, "default_tax_rates"),
        P.metadata({}, params),
        P.boolean(params, "auto_advance", False),
        days,
    )
    if params.get("pending_invoice_items_behavior") == "include":
        for item in state.store.all("invoiceitem"):
            if item["customer"] == customer["id"] and item["invoice"] is None:
                attach_item(state, invoice, item, _item_price(state, item))
    return invoice


def new_invoice(
    state,
    customer,
    currency,
    method="charge_automatically",
    reason="manual",
    description=None,
    rate_ids=(),
    metadata=None,
    auto_advance=False,
    days_until_due=None,
    parent=None,
    period=None,
):
    now = state.now()
    invoice = state.base(
        "invoice",
        "in",
        account_country="US",
        account_name="Sandbox Inc.",
        account_tax_ids=None,
        amount_due=0,
        amount_overpaid=0,
        amount_paid=0,
        amount_paid_off_stripe=0,
        amount_remaining=0,
        amount_shipping=0,
        attempt_count=0,
        attempted=False,
        auto_advance=auto_advance,
        automatic_tax={"enabled": False, "status": None},
        billing_reason=reason,
        collection_method=method,
        currency=currency,
        customer=customer["id"],
        customer_address=customer["address"],
        customer_email=customer["email"],
        customer_name=customer["name"],
        customer_phone=customer["phone"],
        customer_tax_exempt=customer["tax_exempt"],
        customer_tax_ids=[
            {"type": t["type"], "value": t["value"]}
            for t in customer["tax_ids"]["data"]
        ],
        days_until_due=days_until_due,
        default_payment_method=None,
        default_tax_rates=list(rate_ids),
        description=description,
        discounts=[],
        due_date=None,
        effective_at=None,
        ending_balance=None,
        footer=None,
        hosted_invoice_url=None,
        invoice_pdf=None,
        issuer={"type": "self"},
        last_finalization_error=None,
        metadata=metadata or {},
        number=None,
        parent=parent,
        payments=None,
        period_end=(period or {}).get("end", now),
        period_start=(period or {}).get("start", now),
        post_payment_credit_notes_amount=0,
        pre_payment_credit_notes_amount=0,
        receipt_number=None,
        starting_balance=0,
        statement_descriptor=None,
        status="draft",
        status_transitions={
            "finalized_at": None,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        subtotal=0,
        subtotal_excluding_tax=0,
        test_clock=None,
        total=0,
        total_discount_amounts=[],
        total_excluding_tax=0,
        total_taxes=[],
        webhooks_delivered_at=None,
    )
    lines.recompute(state, invoice)
    invoice["payments"] = {
        "object": "list",
        "data": [],
        "has_more": False,
        "total_count": 0,
        "url": f"/v1/invoice_payments?invoice={invoice['id']}",
    }
    state.emit("invoice.created", invoice)
    return invoice


def _action(fn, allowed=()):
    def handler(state, params, request):
        P.check(params, allowed)
        return fn(state, state.store.get("invoice", request.params["id"]), params)

    return handler


def _transition(status, stamp, event, from_states=("open",)):
    def apply(state, invoice, params):
        if invoice["status"] not in from_states:
            raise errors.invalid(
                f"You can only do this on invoices in status "
                f"{' or '.join(from_states)}.",
                code="invoice_not_open",
            )
        state.update(
            invoice,
            {
                "status": status,
                "status_transitions": dict(
                    invoice["status_transitions"], **{stamp: state.now()}
                ),
            },
            "invoice.updated",
        )
        state.emit(event, invoice)
        return invoice

    return apply


def update_invoice(state, params, request):
    invoice = state.store.get("invoice", request.params["id"])
    P.check(
        params,
        DRAFT_UPDATE
        if invoice["status"] == "draft"
        else {"metadata", "description", "footer", "auto_advance"},
    )
    changes = {k: v for k, v in params.items() if k not in ("metadata", "expand")}
    for name in ("auto_advance",):
        if name in changes:
            changes[name] = P.boolean(params, name)
    if "days_until_due" in changes:
        changes["days_until_due"] = P.integer(params, "days_until_due", minimum=0)
    changes["metadata"] = P.metadata(invoice["metadata"], params)
    return state.update(invoice, changes, "invoice.updated")


def add_lines(state, params, request):
    P.check(params, {"lines", "metadata", "invoice_metadata"}, required=("lines",))
    invoice = _draft(state, request.params["id"])
    customer = state.store.get("customer", invoice["customer"])
    for spec in P.array(params, "lines"):
        price = _price_of(state, spec)
        quantity = P.integer(spec, "quantity", 1, 0)
        amount = price["unit_amount"] * quantity if price else P.integer(spec, "amount")
        if amount is None:
            raise errors.required("lines[][amount]")
        add_item(
            state,
            customer,
            amount,
            invoice["currency"],
            quantity,
            price,
            invoice,
            spec.get("description"),
            P.array(spec, "tax_rates"),
            P.metadata({}, spec),
        )
    return invoice


def delete_draft(state, params, request):
    P.check(params, ())
    invoice = _draft(state, request.params["id"])
    state.store.delete(invoice["id"])
    state.emit("invoice.deleted", invoice)
    return {"id": invoice["id"], "object": "invoice", "deleted": True}


def list_lines(state, params, request):
    P.check(params, P.LIST_PARAMS)
    invoice = state.store.get("invoice", request.params["id"])
    url = f"/v1/invoices/{invoice['id']}/lines"
    return lines.page_children(state, invoice["id"], params, url)


def register(api):
    def parent_is(value):
        return lambda obj: (
            ((obj.get("parent") or {}).get("subscription_details") or {}).get(
                "subscription"
            )
            == value
        )

    api.crud(
        "invoiceitem",
        "/v1/invoiceitems",
        create=create_item,
        filters={
            "customer": api.eq("customer"),
            "invoice": api.eq("invoice"),
            "pending": lambda v: lambda o: (o["invoice"] is None) == (v == "true"),
        },
    )
    api.crud(
        "invoice",
        "/v1/invoices",
        create=create_invoice,
        update=update_invoice,
        delete=delete_draft,
        filters={
            "customer": api.eq("customer"),
            "status": api.eq("status"),
            "collection_method": api.eq("collection_method"),
            "subscription": parent_is,
        },
    )
    api.crud(
        "invoice_payment",
        "/v1/invoice_payments",
        filters={"invoice": api.eq("invoice"), "status": api.eq("status")},
    )
    api.api("GET", "/v1/invoices/{id}/lines", list_lines)
    api.api("POST", "/v1/invoices/{id}/add_lines", add_lines)
    actions = {
        "finalize": (_action(lambda st, inv, p: finalize(st, inv), {"auto_advance"})),
        "pay": _action(
            lambda st, inv, p: pay(
                st,
                inv,
                p.get("payment_method"),
                P.boolean(p, "paid_out_of_band", False),
            ),
            {
                "paid_out_of_band",
                "payment_method",
                "source",
                "forgive",
                "off_session",
                "mandate",
            },
        ),
        "void": _action(_transition("void", "voided_at", "invoice.voided")),
        "mark_uncollectible": _action(
            _transition(
                "uncollectible",
                "marked_uncollectible_at",
                "invoice.marked_uncollectible",
            )
        ),
    }
    for name, handler in actions.items():
        api.api("POST", f"/v1/invoices/{{id}}/{name}", handler)
