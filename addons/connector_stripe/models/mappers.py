# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure mappers: Stripe JSON in, Odoo vals out, no side effects.

Odoo ids the mappers need (partner, currency, taxes, products) are resolved
by the importer beforehand and passed in as plain dicts or callables, so the
functions stay testable on JSON fixtures.
"""

from datetime import UTC, datetime

from odoo.addons.connector_base.exceptions import InvalidPayload

from ..exceptions import TaxMappingMissing

# Stripe amounts are in the smallest unit; these currencies have none.
ZERO_DECIMAL = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()
)


def epoch(stamp):
    """Epoch seconds -> naive UTC datetime (Odoo's convention)."""
    if stamp is None:
        return None
    return datetime.fromtimestamp(int(stamp), UTC).replace(tzinfo=None)


def epoch_date(stamp):
    value = epoch(stamp)
    return value.date() if value else None


def to_amount(minor, currency):
    """Stripe minor units -> decimal amount of ``currency``."""
    if (currency or "").lower() in ZERO_DECIMAL:
        return float(minor or 0)
    return (minor or 0) / 100.0


def updated_at(data):
    """Stripe objects carry no updated stamp: use the newest transition."""
    stamps = [data.get("created")]
    for key in ("status_transitions", "evidence_details"):
        stamps += [v for v in (data.get(key) or {}).values() if isinstance(v, int)]
    stamps += [data.get("voided_at"), data.get("canceled_at"), data.get("ended_at")]
    stamps = [s for s in stamps if isinstance(s, int)]
    return epoch(max(stamps)) if stamps else None


# ----------------------------------------------------------------------
# Customers
# ----------------------------------------------------------------------
def customer_vat(data):
    tax_ids = (data.get("tax_ids") or {}).get("data") or []
    return tax_ids[0]["value"] if tax_ids else False


def customer_to_partner(data):
    name = data.get("name") or data.get("email")
    if not name:
        raise InvalidPayload(
            f"Stripe customer {data.get('id')} has neither a name nor an email.",
            payload=data,
        )
    return {
        "name": name,
        "email": data.get("email") or False,
        "phone": data.get("phone") or False,
        "vat": customer_vat(data),
        "comment": data.get("description") or False,
    }


# res.partner fields sent to the Stripe customer (partner_to_customer)
CUSTOMER_EXPORT_FIELDS = {"name", "email", "phone"}


def partner_to_customer(partner):
    payload = {
        "name": partner.name,
        "email": partner.email or "",
        "phone": partner.phone or "",
    }
    return {key: value for key, value in payload.items() if value}


# ----------------------------------------------------------------------
# Products and prices
# ----------------------------------------------------------------------
def product_to_product(data):
    return {
        "name": data.get("name") or data["id"],
        "description_sale": data.get("description") or False,
        "type": "service",
        "sale_ok": True,
        "active": data.get("active", True),
    }


def price_to_vals(data):
    recurring = data.get("recurring") or {}
    return {
        "currency_code": (data.get("currency") or "").upper(),
        "unit_amount": to_amount(data.get("unit_amount"), data.get("currency")),
        "interval": recurring.get("interval") or "one_time",
        "nickname": data.get("nickname") or False,
    }


# ----------------------------------------------------------------------
# Invoices and credit notes
# ----------------------------------------------------------------------
def _line_taxes(line, tax_for_rate):
    """account.tax ids of one Stripe line; raise when a rate is not mapped."""
    ids = []
    for tax in line.get("taxes") or []:
        rate = (tax.get("tax_rate_details") or {}).get("tax_rate")
        tax_id = tax_for_rate(rate)
        if not tax_id:
            raise TaxMappingMissing(
                f"Stripe tax rate {rate} is not mapped to an Odoo tax. Add it to "
                "the tax mapping of the Stripe backend, then retry.",
                payload={"tax_rate": rate},
            )
        ids.append(tax_id)
    return ids


def _line_product(line):
    pricing = (line.get("pricing") or {}).get("price_details") or {}
    return pricing.get("product")


def invoice_line_vals(line, currency, tax_for_rate, product_for):
    """One Stripe invoice line -> account.move.line vals.

    ``line.amount`` is quantity x unit before discounts; discounts become
    the line's discount percentage so Odoo's subtotal equals Stripe's.
    """
    quantity = line.get("quantity") or 1
    gross = to_amount(line.get("amount"), currency)
    discount = sum(d.get("amount", 0) for d in line.get("discount_amounts") or [])
    discount_pct = 100.0 * discount / line["amount"] if line.get("amount") else 0.0
    vals = {
        "name": line.get("description") or "Stripe line",
        "quantity": quantity,
        "price_unit": gross / quantity,
        "discount": discount_pct,
        "tax_ids": [(6, 0, _line_taxes(line, tax_for_rate))],
    }
    product_id = product_for(_line_product(line))
    if product_id:
        vals["product_id"] = product_id
    return vals


def invoice_to_move(data, partner_id, currency_id, tax_for_rate, product_for):
    """A finalized Stripe invoice -> out_invoice vals."""
    currency = data.get("currency")
    lines = (data.get("lines") or {}).get("data") or []
    if data.get("lines", {}).get("has_more"):
        raise InvalidPayload(
            f"Invoice {data['id']} has more lines than one page.", payload=data
        )
    date = epoch_date(data.get("effective_at") or data.get("created"))
    return {
        "move_type": "out_invoice",
        "partner_id": partner_id,
        "currency_id": currency_id,
        "invoice_date": date,
        "date": date,
        "invoice_date_due": epoch_date(data.get("due_date")) or date,
        "ref": data.get("number") or data["id"],
        "payment_reference": data.get("number") or data["id"],
        "invoice_line_ids": [
            (0, 0, invoice_line_vals(line, currency, tax_for_rate, product_for))
            for line in lines
        ],
    }


def credit_note_to_move(data, partner_id, currency_id, tax_for_rate, invoice_id):
    currency = data.get("currency")
    date = epoch_date(data.get("effective_at") or data.get("created"))
    lines = []
    for line in (data.get("lines") or {}).get("data") or []:
        quantity = line.get("quantity") or 1
        lines.append(
            (
                0,
                0,
                {
                    "name": line.get("description") or "Credit",
                    "quantity": quantity,
                    "price_unit": to_amount(line.get("amount"), currency) / quantity,
                    "tax_ids": [(6, 0, _line_taxes(line, tax_for_rate))],
                },
            )
        )
    return {
        "move_type": "out_refund",
        "partner_id": partner_id,
        "currency_id": currency_id,
        "invoice_date": date,
        "date": date,
        "ref": data.get("number") or data["id"],
        "reversed_entry_id": invoice_id or False,
        "invoice_line_ids": lines,
    }


def invoice_payment_intents(data):
    """Payment intent ids that paid this invoice."""
    result = []
    for record in (data.get("payments") or {}).get("data") or []:
        payment = record.get("payment") or {}
        if payment.get("payment_intent") and record.get("status") == "paid":
            result.append(payment["payment_intent"])
    return result


# ----------------------------------------------------------------------
# Money movements
# ----------------------------------------------------------------------
def charge_to_payment(data, partner_id, currency_id, journal_id):
    return {
        "payment_type": "inbound",
        "partner_type": "customer",
        "partner_id": partner_id,
        "amount": to_amount(data.get("amount"), data.get("currency")),
        "currency_id": currency_id,
        "journal_id": journal_id,
        "date": epoch_date(data.get("created")),
        "memo": f"Stripe {data['id']} {data.get('description') or ''}".strip(),
    }


def refund_to_payment(data, partner_id, currency_id, journal_id):
    return {
        "payment_type": "outbound",
        "partner_type": "customer",
        "partner_id": partner_id,
        "amount": to_amount(data.get("amount"), data.get("currency")),
        "currency_id": currency_id,
        "journal_id": journal_id,
        "date": epoch_date(data.get("created")),
        "memo": f"Stripe refund {data['id']} of {data.get('charge')}",
    }


def dispute_fee(data):
    """Dispute fee (minor units) from the dispute's withdrawal transactions."""
    return sum(
        txn.get("fee", 0)
        for txn in data.get("balance_transactions") or []
        if isinstance(txn, dict) and txn.get("amount", 0) < 0
    )


# ----------------------------------------------------------------------
# Subscriptions
# ----------------------------------------------------------------------
MONTHS_PER = {"day": 12 / 365.0, "week": 12 / 52.0, "month": 1.0, "year": 12.0}


def subscription_mrr(data):
    """Monthly recurring revenue of a subscription, in currency units."""
    if data.get("status") not in ("active", "trialing", "past_due"):
        return 0.0
    total = 0.0
    for item in (data.get("items") or {}).get("data") or []:
        price = item.get("price") or {}
        recurring = price.get("recurring") or {}
        months = MONTHS_PER.get(recurring.get("interval"), 1.0) * (
            recurring.get("interval_count") or 1
        )
        amount = to_amount(price.get("unit_amount"), price.get("currency"))
        total += amount * (item.get("quantity") or 1) / months
    return round(total, 2)


def subscription_to_vals(data, partner_id, product_id, currency_id):
    items = (data.get("items") or {}).get("data") or []
    first = items[0] if items else {}
    price = first.get("price") or {}
    return {
        "partner_id": partner_id,
        "product_id": product_id or False,
        "currency_id": currency_id,
        "status": data.get("status"),
        "plan": price.get("nickname") or price.get("id") or False,
        "quantity": sum(item.get("quantity") or 1 for item in items),
        "current_period_start": epoch(first.get("current_period_start")),
        "current_period_end": epoch(first.get("current_period_end")),
        "cancel_at_period_end": bool(data.get("cancel_at_period_end")),
        "mrr": subscription_mrr(data),
    }
