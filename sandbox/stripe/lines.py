"""Invoice lines, tax arithmetic and totals (API 2025+ shapes: ``pricing``,
``parent``, ``taxes``, ``total_taxes``).

Tax amounts are computed per line and per rate, then summed, so an invoice's
``total`` always equals ``subtotal`` plus exclusive taxes and each ``total_taxes``
entry equals the sum of the matching line taxes: what a tax reconciliation checks.
"""

from . import errors
from .store import list_object, page_limit

EMBEDDED_LINES = 10  # Stripe embeds the first 10 lines; the rest via /lines


def line_taxes(state, amount, rate_ids):
    taxes = []
    for rate_id in rate_ids:
        rate = state.store.get("tax_rate", rate_id, "tax_rates")
        percent = rate["percentage"]
        if rate["inclusive"]:
            tax = amount - round(amount / (1 + percent / 100))
            taxable = amount - tax
        else:
            tax = round(amount * percent / 100)
            taxable = amount
        taxes.append(
            {
                "amount": tax,
                "tax_behavior": "inclusive" if rate["inclusive"] else "exclusive",
                "tax_rate_details": {"tax_rate": rate_id},
                "taxability_reason": "standard_rated",
                "taxable_amount": taxable,
                "type": "tax_rate_details",
            }
        )
    return taxes


def make_line(
    state,
    invoice,
    amount,
    quantity,
    price=None,
    description=None,
    rate_ids=(),
    parent=None,
    period=None,
    metadata=None,
):
    now = state.now()
    product = price["product"] if price else None
    line = {
        "id": state.new_id("il"),
        "object": "line_item",
        "amount": amount,
        "currency": invoice["currency"],
        "description": description,
        "discount_amounts": [],
        "discountable": True,
        "discounts": [],
        "invoice": invoice["id"],
        "livemode": False,
        "metadata": metadata or {},
        "parent": parent,
        "period": period or {"start": now, "end": now},
        "pretax_credit_amounts": [],
        "pricing": {
            "price_details": {"price": price["id"], "product": product},
            "type": "price_details",
            "unit_amount_decimal": price["unit_amount_decimal"],
        }
        if price
        else None,
        "quantity": quantity,
        "subtotal": amount,
        "taxes": line_taxes(state, amount, rate_ids),
    }
    state.children.setdefault(invoice["id"], []).append(line)
    state.store.add("line_item", line)
    recompute(state, invoice)
    return line


def item_parent(item_id, subscription=None):
    return {
        "type": "invoice_item_details",
        "subscription_item_details": None,
        "invoice_item_details": {
            "invoice_item": item_id,
            "proration": False,
            "proration_details": {"credited_items": None},
            "subscription": subscription,
        },
    }


def subscription_parent(subscription_id, item_id):
    return {
        "type": "subscription_item_details",
        "invoice_item_details": None,
        "subscription_item_details": {
            "invoice_item": None,
            "proration": False,
            "proration_details": {"credited_items": None},
            "subscription": subscription_id,
            "subscription_item": item_id,
        },
    }


def recompute(state, invoice):
    """Totals from the lines; called after every line change."""
    lines = state.children.get(invoice["id"], [])
    subtotal = sum(line["amount"] for line in lines)
    by_rate = {}
    for line in lines:
        for tax in line["taxes"]:
            key = (tax["tax_rate_details"]["tax_rate"], tax["tax_behavior"])
            total = by_rate.setdefault(key, dict(tax, amount=0, taxable_amount=0))
            total["amount"] += tax["amount"]
            total["taxable_amount"] += tax["taxable_amount"]
    taxes = list(by_rate.values())
    exclusive = sum(t["amount"] for t in taxes if t["tax_behavior"] == "exclusive")
    inclusive = sum(t["amount"] for t in taxes if t["tax_behavior"] == "inclusive")
    total = subtotal + exclusive
    invoice.update(
        subtotal=subtotal,
        subtotal_excluding_tax=subtotal - inclusive,
        total=total,
        total_excluding_tax=total - exclusive - inclusive,
        total_taxes=taxes,
        amount_due=max(total - invoice["starting_balance"], 0),
        amount_remaining=max(total - invoice["starting_balance"], 0)
        - invoice["amount_paid"],
    )
    embed(state, invoice, "lines", f"/v1/invoices/{invoice['id']}/lines")


def embed(state, parent, field, url):
    lines = state.children.get(parent["id"], [])
    embedded = list_object(lines[:EMBEDDED_LINES], url, len(lines) > EMBEDDED_LINES)
    embedded["total_count"] = len(lines)
    parent[field] = embedded


def page_children(state, parent_id, params, url):
    """Cursor pagination over a parent's lines, in their own (insertion) order."""
    lines = state.children.get(parent_id, [])
    limit = page_limit(params)
    start = 0
    if params.get("starting_after"):
        start = _index(lines, params["starting_after"], "starting_after") + 1
    end = len(lines)
    if params.get("ending_before"):
        end = _index(lines, params["ending_before"], "ending_before")
        start = max(end - limit, 0)
    page = lines[start : min(start + limit, end)]
    has_more = (start > 0) if params.get("ending_before") else start + limit < end
    return list_object(page, url, has_more)


def _index(lines, id_, param):
    for index, line in enumerate(lines):
        if line["id"] == id_:
            return index
    raise errors.missing("line_item", id_, param)
