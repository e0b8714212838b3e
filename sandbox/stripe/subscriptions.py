"""Subscriptions and their items; each billing period produces a paid invoice.

Creating a subscription bills its first period at once (``subscription_create``),
like Stripe with ``payment_behavior=allow_incomplete``; a declined card leaves it
``incomplete`` with an open invoice. ``renew`` bills the next period
(``subscription_cycle``) and is what the seeder and the admin endpoint use to age
subscriptions, since the fake has no test clocks.
"""

import calendar
from datetime import datetime, timezone

from . import billing, errors, lines
from . import params as P
from .store import list_object

CREATE = {
    "customer",
    "items",
    "metadata",
    "collection_method",
    "days_until_due",
    "default_tax_rates",
    "trial_period_days",
    "cancel_at_period_end",
    "payment_behavior",
    "description",
    "currency",
    "default_payment_method",
    "proration_behavior",
    "off_session",
    "billing_cycle_anchor",
    "payment_settings",
    "automatic_tax",
    "cancel_at",
    "trial_end",
}
UPDATE = {
    "items",
    "metadata",
    "cancel_at_period_end",
    "description",
    "default_payment_method",
    "days_until_due",
    "collection_method",
    "default_tax_rates",
    "proration_behavior",
    "payment_behavior",
    "cancel_at",
    "cancellation_details",
    "off_session",
    "pause_collection",
    "trial_end",
    "billing_cycle_anchor",
}


def add_interval(timestamp, recurring):
    moment = datetime.fromtimestamp(timestamp, timezone.utc)
    count = recurring["interval_count"]
    unit = recurring["interval"]
    if unit in ("day", "week"):
        return timestamp + count * (7 if unit == "week" else 1) * 86400
    months = count * (12 if unit == "year" else 1)
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())


def create_subscription(state, params, request=None):
    P.check(params, CREATE, required=("customer",))
    customer = state.store.get("customer", params["customer"], "customer")
    specs = P.array(params, "items")
    if not specs:
        raise errors.required("items")
    prices = [(_price(state, spec), spec) for spec in specs]
    recurring = [price for price, _ in prices if price["recurring"]]
    if len(recurring) != len(prices):
        raise errors.invalid("All prices on a subscription must be recurring.", "items")
    currency = prices[0][0]["currency"]
    if any(price["currency"] != currency for price, _ in prices):
        raise errors.invalid("All prices must share one currency.", "items")
    if customer["currency"] is None:
        customer["currency"] = currency
    now = state.now()
    trial_days = P.integer(params, "trial_period_days", 0, 0)
    sub = state.base(
        "subscription",
        "sub",
        billing_cycle_anchor=now,
        cancel_at=None,
        cancel_at_period_end=P.boolean(params, "cancel_at_period_end", False),
        canceled_at=None,
        cancellation_details={"comment": None, "feedback": None, "reason": None},
        collection_method=P.choice(
            params,
            "collection_method",
            ("charge_automatically", "send_invoice"),
            "charge_automatically",
        ),
        currency=currency,
        customer=customer["id"],
        days_until_due=P.integer(params, "days_until_due", minimum=0),
        default_payment_method=params.get("default_payment_method"),
        default_tax_rates=P.array(params, "default_tax_rates"),
        description=params.get("description"),
        discounts=[],
        ended_at=None,
        invoice_settings={"account_tax_ids": None, "issuer": {"type": "self"}},
        latest_invoice=None,
        metadata=P.metadata({}, params),
        pause_collection=None,
        pending_update=None,
        schedule=None,
        start_date=now,
        status="incomplete",
        test_clock=None,
        trial_end=now + trial_days * 86400 if trial_days else None,
        trial_start=now if trial_days else None,
    )
    sub["items"] = list_object([], f"/v1/subscription_items?subscription={sub['id']}")
    sub["items"]["total_count"] = 0
    for price, spec in prices:
        _add_item(state, sub, price, spec, now)
    state.emit("customer.subscription.created", sub)
    _bill(state, sub, "subscription_create", trial=bool(trial_days))
    return sub


def _price(state, spec):
    if not isinstance(spec, dict) or not spec.get("price"):
        raise errors.required("items[0][price]")
    return state.store.get("price", spec["price"], "items[0][price]")


def _add_item(state, sub, price, spec, start):
    item = state.base(
        "subscription_item",
        "si",
        billing_thresholds=None,
        current_period_start=start,
        current_period_end=add_interval(start, price["recurring"]),
        discounts=[],
        metadata=P.metadata({}, spec),
        plan=None,
        price=price,
        quantity=P.integer(spec, "quantity", 1, 0),
        subscription=sub["id"],
        tax_rates=P.array(spec, "tax_rates"),
    )
    sub["items"]["data"].append(item)
    sub["items"]["total_count"] += 1
    return item


def _bill(state, sub, reason, trial=False):
    """Invoice the current period of every item, finalize, and try to pay."""
    customer = state.store.get("customer", sub["customer"])
    items = sub["items"]["data"]
    period = {
        "start": min(i["current_period_start"] for i in items),
        "end": max(i["current_period_end"] for i in items),
    }
    parent = {
        "type": "subscription_details",
        "quote_details": None,
        "subscription_details": {
            "metadata": dict(sub["metadata"]),
            "subscription": sub["id"],
        },
    }
    invoice = billing.new_invoice(
        state,
        customer,
        sub["currency"],
        sub["collection_method"],
        reason,
        rate_ids=sub["default_tax_rates"],
        days_until_due=sub["days_until_due"],
        parent=parent,
        period=period,
        auto_advance=True,
    )
    for item in items:
        price = item["price"]
        amount = 0 if trial else price["unit_amount"] * item["quantity"]
        lines.make_line(
            state,
            invoice,
            amount,
            item["quantity"],
            price,
            f"{item['quantity']} × {price['nickname'] or price['product']}",
            item["tax_rates"] or sub["default_tax_rates"],
            lines.subscription_parent(sub["id"], item["id"]),
            {"start": item["current_period_start"], "end": item["current_period_end"]},
        )
    sub["latest_invoice"] = invoice["id"]
    billing.finalize(state, invoice)
    status = "trialing" if trial else "active"
    if (
        invoice["status"] == "open"
        and sub["collection_method"] == "charge_automatically"
    ):
        try:
            billing.pay(state, invoice, sub["default_payment_method"])
        except errors.SandboxError:
            status = "incomplete" if reason == "subscription_create" else "past_due"
    state.update(sub, {"status": status}, "customer.subscription.updated")
    return invoice


def renew(state, sub):
    """Bill the next period (the sandbox's stand-in for Stripe's test clocks)."""
    if sub["status"] == "canceled":
        raise errors.invalid("A canceled subscription cannot be renewed.")
    for item in sub["items"]["data"]:
        start = item["current_period_end"]
        item["current_period_start"] = start
        item["current_period_end"] = add_interval(start, item["price"]["recurring"])
    return _bill(state, sub, "subscription_cycle")


def update_subscription(state, params, request):
    P.check(params, UPDATE)
    sub = state.store.get("subscription", request.params["id"])
    if sub["status"] == "canceled":
        raise errors.invalid(
            "A canceled subscription can only update its "
            "cancellation_details and metadata."
        )
    previous = {"items": {"data": [dict(i) for i in sub["items"]["data"]]}}
    for spec in P.array(params, "items"):
        _change_item(state, sub, spec)
    changes = {
        k: v
        for k, v in params.items()
        if k
        in (
            "description",
            "default_payment_method",
            "collection_method",
            "cancellation_details",
            "pause_collection",
        )
    }
    if "cancel_at_period_end" in params:
        changes["cancel_at_period_end"] = P.boolean(params, "cancel_at_period_end")
    if "default_tax_rates" in params:
        changes["default_tax_rates"] = P.array(params, "default_tax_rates")
    changes["metadata"] = P.metadata(sub["metadata"], params)
    before = {k: sub.get(k) for k in changes if sub.get(k) != changes[k]}
    sub.update(changes)
    if params.get("items"):
        before.update(previous)
    if before:
        state.emit("customer.subscription.updated", sub, before)
    return sub


def _change_item(state, sub, spec):
    if not isinstance(spec, dict):
        raise errors.invalid("Invalid items", "items")
    items = sub["items"]["data"]
    if spec.get("id"):
        item = next((i for i in items if i["id"] == spec["id"]), None)
        if item is None:
            raise errors.missing("subscription_item", spec["id"], "items")
        if P.boolean(spec, "deleted", False):
            items.remove(item)
            sub["items"]["total_count"] -= 1
            return
        if spec.get("price"):
            item["price"] = state.store.get("price", spec["price"], "items")
        item["quantity"] = P.integer(spec, "quantity", item["quantity"], 0)
        item["metadata"] = P.metadata(item["metadata"], spec)
        return
    price = state.store.get("price", spec.get("price"), "items")
    _add_item(
        state,
        sub,
        price,
        spec,
        items[0]["current_period_start"] if items else state.now(),
    )


def cancel(state, params, request):
    P.check(params, {"invoice_now", "prorate", "cancellation_details"})
    sub = state.store.get("subscription", request.params["id"])
    if sub["status"] == "canceled":
        raise errors.invalid("This subscription is already canceled.")
    now = state.now()
    details = P.mapping(params, "cancellation_details")
    state.update(
        sub,
        {
            "status": "canceled",
            "canceled_at": now,
            "ended_at": now,
            "cancellation_details": dict(
                sub["cancellation_details"], reason="cancellation_requested", **details
            ),
        },
    )
    state.emit("customer.subscription.deleted", sub)
    return sub


def _price_in(value):
    return lambda sub: any(i["price"]["id"] == value for i in sub["items"]["data"])


def register(api):
    api.crud(
        "subscription",
        "/v1/subscriptions",
        create=create_subscription,
        update=update_subscription,
        delete=cancel,
    )
    # Stripe hides canceled subscriptions unless a status is asked for.
    api.api(
        "GET",
        "/v1/subscriptions",
        api.lister(
            "subscription",
            "/v1/subscriptions",
            {
                "customer": api.eq("customer"),
                "price": _price_in,
                "status": lambda v: None if v == "all" else api.eq("status")(v),
                "collection_method": api.eq("collection_method"),
            },
            default=lambda o: o["status"] != "canceled",
        ),
    )
