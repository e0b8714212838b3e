"""Customers (with tax ids), products, prices and tax rates."""

from . import errors
from . import params as P
from .store import list_object

CUSTOMER = {
    "name",
    "email",
    "description",
    "phone",
    "address",
    "shipping",
    "preferred_locales",
    "invoice_prefix",
    "tax_exempt",
    "balance",
    "metadata",
    "invoice_settings",
    "payment_method",
    "business_name",
}
PRODUCT = {
    "name",
    "description",
    "active",
    "metadata",
    "images",
    "tax_code",
    "unit_label",
    "url",
    "shippable",
    "statement_descriptor",
    "id",
}
PRICE = {
    "currency",
    "unit_amount",
    "unit_amount_decimal",
    "product",
    "recurring",
    "nickname",
    "active",
    "metadata",
    "lookup_key",
    "tax_behavior",
    "billing_scheme",
    "product_data",
}
TAX_RATE = {
    "display_name",
    "percentage",
    "inclusive",
    "country",
    "jurisdiction",
    "description",
    "active",
    "metadata",
    "tax_type",
    "state",
}


# -- customers -----------------------------------------------------------------
def create_customer(state, params, currency=None):
    P.check(params, CUSTOMER | {"tax_id_data"})
    customer = state.base(
        "customer",
        "cus",
        address=params.get("address"),
        balance=P.integer(params, "balance", 0),
        currency=currency,
        default_source=None,
        delinquent=False,
        description=params.get("description"),
        discount=None,
        email=params.get("email"),
        invoice_prefix=params.get("invoice_prefix") or state.new_id("x")[2:10].upper(),
        invoice_settings={
            "custom_fields": None,
            "default_payment_method": params.get("payment_method"),
            "footer": None,
            "rendering_options": None,
        },
        metadata=P.metadata({}, params),
        name=params.get("name"),
        business_name=params.get("business_name"),
        next_invoice_sequence=1,
        phone=params.get("phone"),
        preferred_locales=P.array(params, "preferred_locales"),
        shipping=params.get("shipping"),
        tax_exempt=P.choice(
            params, "tax_exempt", ("none", "exempt", "reverse"), "none"
        ),
        test_clock=None,
    )
    url = f"/v1/customers/{customer['id']}/tax_ids"
    customer["tax_ids"] = list_object([], url)
    state.emit("customer.created", customer)
    for item in P.array(params, "tax_id_data"):
        add_tax_id(state, customer, item)
    return customer


def add_tax_id(state, customer, item):
    if not isinstance(item, dict) or not item.get("type") or not item.get("value"):
        raise errors.invalid("tax_id_data needs type and value", "tax_id_data")
    tax_id = state.base(
        "tax_id",
        "txi",
        country=(item["type"][:2].upper() if "_" in item["type"] else None),
        customer=customer["id"],
        type=item["type"],
        value=item["value"],
        verification={
            "status": "verified",
            "verified_address": None,
            "verified_name": None,
        },
    )
    tax_id.pop("metadata")
    customer["tax_ids"]["data"].append(tax_id)
    state.emit("customer.tax_id.created", tax_id)
    return tax_id


def update_customer(state, params, request):
    P.check(params, CUSTOMER)
    customer = state.store.get("customer", request.params["id"])
    changes = {k: v for k, v in params.items() if k in CUSTOMER - {"metadata"}}
    if "balance" in changes:
        changes["balance"] = P.integer(params, "balance")
    changes["metadata"] = P.metadata(customer["metadata"], params)
    return state.update(customer, changes, "customer.updated")


def delete_object(kind, event_type):
    def delete(state, params, request):
        P.check(params, ())
        obj = state.store.get(kind, request.params["id"])
        state.store.delete(obj["id"])
        state.emit(event_type, obj)
        return {"id": obj["id"], "object": kind, "deleted": True}

    return delete


# -- products & prices ---------------------------------------------------------
def create_product(state, params, request=None):
    P.check(params, PRODUCT, required=("name",))
    now = state.now()
    product = state.base(
        "product",
        "prod",
        active=P.boolean(params, "active", True),
        default_price=None,
        description=params.get("description"),
        images=P.array(params, "images"),
        marketing_features=[],
        metadata=P.metadata({}, params),
        name=params["name"],
        package_dimensions=None,
        shippable=P.boolean(params, "shippable"),
        statement_descriptor=params.get("statement_descriptor"),
        tax_code=params.get("tax_code"),
        type="service",
        unit_label=params.get("unit_label"),
        updated=now,
        url=params.get("url"),
    )
    state.emit("product.created", product)
    return product


def update_product(state, params, request):
    P.check(params, PRODUCT - {"id"} | {"default_price"})
    product = state.store.get("product", request.params["id"])
    changes = {k: v for k, v in params.items() if k not in ("metadata", "expand")}
    if "active" in changes:
        changes["active"] = P.boolean(params, "active")
    changes["metadata"] = P.metadata(product["metadata"], params)
    changes["updated"] = state.now()
    return state.update(product, changes, "product.updated")


def create_price(state, params, request=None):
    P.check(params, PRICE, required=("currency",))
    if params.get("product_data"):
        product = create_product(state, P.mapping(params, "product_data"))
    elif params.get("product"):
        product = state.store.get("product", params["product"], "product")
    else:
        raise errors.required("product")
    amount = P.integer(params, "unit_amount", minimum=0)
    if amount is None and params.get("unit_amount_decimal") is not None:
        amount = int(float(params["unit_amount_decimal"]))
    if amount is None:
        raise errors.required("unit_amount")
    recurring = _recurring(params)
    price = state.base(
        "price",
        "price",
        active=P.boolean(params, "active", True),
        billing_scheme="per_unit",
        currency=P.currency(params),
        custom_unit_amount=None,
        lookup_key=params.get("lookup_key"),
        metadata=P.metadata({}, params),
        nickname=params.get("nickname"),
        product=product["id"],
        recurring=recurring,
        tax_behavior=P.choice(
            params,
            "tax_behavior",
            ("exclusive", "inclusive", "unspecified"),
            "unspecified",
        ),
        tiers_mode=None,
        transform_quantity=None,
        type="recurring" if recurring else "one_time",
        unit_amount=amount,
        unit_amount_decimal=str(amount),
    )
    if product["default_price"] is None:
        product["default_price"] = price["id"]
    state.emit("price.created", price)
    return price


def _recurring(params):
    if not params.get("recurring"):
        return None
    recurring = P.mapping(params, "recurring")
    P.check(
        recurring,
        {"interval", "interval_count", "usage_type", "meter", "trial_period_days"},
        required=("interval",),
    )
    return {
        "interval": P.choice(recurring, "interval", ("day", "week", "month", "year")),
        "interval_count": P.integer(recurring, "interval_count", 1, 1),
        "meter": None,
        "trial_period_days": None,
        "usage_type": recurring.get("usage_type", "licensed"),
    }


def update_price(state, params, request):
    P.check(params, {"active", "metadata", "nickname", "lookup_key", "tax_behavior"})
    price = state.store.get("price", request.params["id"])
    changes = {k: v for k, v in params.items() if k not in ("metadata", "expand")}
    if "active" in changes:
        changes["active"] = P.boolean(params, "active")
    changes["metadata"] = P.metadata(price["metadata"], params)
    return state.update(price, changes, "price.updated")


# -- tax rates -----------------------------------------------------------------
def create_tax_rate(state, params, request=None):
    P.check(params, TAX_RATE, required=("display_name", "percentage", "inclusive"))
    try:
        percentage = float(params["percentage"])
    except ValueError:
        raise errors.invalid("Invalid decimal", "percentage") from None
    rate = state.base(
        "tax_rate",
        "txr",
        active=P.boolean(params, "active", True),
        country=params.get("country"),
        description=params.get("description"),
        display_name=params["display_name"],
        effective_percentage=percentage,
        inclusive=P.boolean(params, "inclusive"),
        jurisdiction=params.get("jurisdiction"),
        metadata=P.metadata({}, params),
        percentage=percentage,
        state=params.get("state"),
        tax_type=params.get("tax_type"),
    )
    state.emit("tax_rate.created", rate)
    return rate


def update_tax_rate(state, params, request):
    P.check(
        params,
        {
            "active",
            "description",
            "display_name",
            "jurisdiction",
            "metadata",
            "country",
            "state",
            "tax_type",
        },
    )
    rate = state.store.get("tax_rate", request.params["id"])
    changes = {k: v for k, v in params.items() if k not in ("metadata", "expand")}
    if "active" in changes:
        changes["active"] = P.boolean(params, "active")
    changes["metadata"] = P.metadata(rate["metadata"], params)
    return state.update(rate, changes, "tax_rate.updated")


# -- webhook endpoints ---------------------------------------------------------
def register(api):
    api.crud(
        "customer",
        "/v1/customers",
        create=lambda st, p, r: create_customer(st, p),
        update=update_customer,
        delete=delete_object("customer", "customer.deleted"),
        filters={"email": api.eq("email")},
    )
    api.crud(
        "product",
        "/v1/products",
        create=create_product,
        update=update_product,
        delete=delete_object("product", "product.deleted"),
        filters={"active": api.eq_bool("active")},
    )
    api.crud(
        "price",
        "/v1/prices",
        create=create_price,
        update=update_price,
        filters={
            "active": api.eq_bool("active"),
            "currency": api.eq("currency"),
            "product": api.eq("product"),
            "type": api.eq("type"),
        },
    )
    api.crud(
        "tax_rate",
        "/v1/tax_rates",
        create=create_tax_rate,
        update=update_tax_rate,
        filters={
            "active": api.eq_bool("active"),
            "inclusive": api.eq_bool("inclusive"),
        },
    )
