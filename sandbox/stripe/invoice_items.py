"""Invoice items: pending charges for a customer, or lines on a draft invoice."""

from . import errors, lines
from . import params as P

ITEM = {
    "customer",
    "amount",
    "currency",
    "price",
    "pricing",
    "quantity",
    "description",
    "invoice",
    "subscription",
    "metadata",
    "period",
    "tax_rates",
    "discountable",
    "unit_amount_decimal",
    "price_data",
}


def _price_of(state, params):
    price_id = params.get("price") or (P.mapping(params, "pricing")).get("price")
    return state.store.get("price", price_id, "price") if price_id else None


def create_item(state, params, request=None):
    P.check(params, ITEM, required=("customer",))
    customer = state.store.get("customer", params["customer"], "customer")
    price = _price_of(state, params)
    quantity = P.integer(params, "quantity", 1, 0)
    if price:
        amount, currency = price["unit_amount"] * quantity, price["currency"]
    else:
        amount = P.integer(params, "amount")
        if amount is None:
            raise errors.required("amount")
        currency = P.currency(params)
    invoice = None
    if params.get("invoice"):
        invoice = _draft(state, params["invoice"], "invoice")
        currency = invoice["currency"]
    return add_item(
        state,
        customer,
        amount,
        currency,
        quantity,
        price,
        invoice,
        params.get("description"),
        P.array(params, "tax_rates"),
        P.metadata({}, params),
    )


def add_item(
    state,
    customer,
    amount,
    currency,
    quantity=1,
    price=None,
    invoice=None,
    description=None,
    rate_ids=(),
    metadata=None,
    emit=True,
):
    item = state.base(
        "invoiceitem",
        "ii",
        amount=amount,
        currency=currency,
        customer=customer["id"],
        date=state.now(),
        description=description,
        discountable=True,
        discounts=[],
        invoice=None,
        metadata=metadata or {},
        net_amount=amount,
        parent=None,
        period={"start": state.now(), "end": state.now()},
        pricing={
            "price_details": {"price": price["id"], "product": price["product"]},
            "type": "price_details",
            "unit_amount_decimal": price["unit_amount_decimal"],
        }
        if price
        else None,
        proration=False,
        quantity=quantity,
        tax_rates=list(rate_ids),
        test_clock=None,
    )
    if emit:
        state.emit("invoiceitem.created", item)
    if invoice is not None:
        attach_item(state, invoice, item, price)
    return item


def attach_item(state, invoice, item, price=None):
    item["invoice"] = invoice["id"]
    rate_ids = item["tax_rates"] or invoice["default_tax_rates"]
    lines.make_line(
        state,
        invoice,
        item["amount"],
        item["quantity"],
        price,
        item["description"],
        rate_ids,
        lines.item_parent(item["id"]),
        item["period"],
        dict(item["metadata"]),
    )


def _draft(state, invoice_id, param="id"):
    invoice = state.store.get("invoice", invoice_id, param)
    if invoice["status"] != "draft":
        raise errors.invalid(
            f"You can only modify draft invoices. This invoice is {invoice['status']}.",
            param,
            "invoice_not_editable",
        )
    return invoice


def _item_price(state, item):
    pricing = item.get("pricing")
    return state.store.find(pricing["price_details"]["price"]) if pricing else None
