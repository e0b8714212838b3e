# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure mappers: Salesforce records (REST JSON or Bulk 2.0 CSV rows) -> vals.

They never read or write the database. Whatever they need from Odoo (the
partner of an account, the product of a Product2, a country) is resolved by
the importer beforehand and handed over in ``refs`` dicts.
"""

from datetime import UTC, datetime
from urllib.parse import urlparse

from odoo.addons.connector_base.exceptions import InvalidPayload

TRUE = {True, "true", "True", "1"}


def text(value):
    """Salesforce text (None, "" from CSV) -> Odoo char value."""
    return value if value not in (None, "") else False


def number(value):
    return float(value) if value not in (None, "") else 0.0


def remote_updated_at(data):
    """``SystemModstamp`` (2025-01-31T10:00:00.000+0000) -> naive UTC datetime."""
    stamp = data.get("SystemModstamp")
    if not stamp:
        return False
    parsed = datetime.strptime(stamp.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
    return parsed.astimezone(UTC).replace(tzinfo=None)


def website_domain(url):
    """``https://www.Example.com/x`` -> ``example.com`` (matching key)."""
    if not url:
        return False
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    host = host.lower()
    return host[4:] if host.startswith("www.") else host or False


def account_to_partner(data, country_ids=None, parent_id=None, vat_field=None):
    if not data.get("Name"):
        raise InvalidPayload(f"Account {data.get('Id')} has no name", payload=data)
    country = (data.get("BillingCountry") or "").strip().lower()
    vals = {
        "name": data["Name"],
        "is_company": True,
        "phone": text(data.get("Phone")),
        "website": text(data.get("Website")),
        "street": text(data.get("BillingStreet")),
        "city": text(data.get("BillingCity")),
        "zip": text(data.get("BillingPostalCode")),
        "country_id": (country_ids or {}).get(country, False),
    }
    if parent_id is not None:
        vals["parent_id"] = parent_id
    if vat_field and data.get(vat_field):
        vals["vat"] = data[vat_field]
    return vals


def contact_to_partner(data, parent_id=False):
    name = " ".join(p for p in (data.get("FirstName"), data.get("LastName")) if p)
    if not name:
        raise InvalidPayload(f"Contact {data.get('Id')} has no name", payload=data)
    return {
        "name": name,
        "is_company": False,
        "type": "contact",
        "parent_id": parent_id,
        "email": text(data.get("Email")),
        "phone": text(data.get("Phone")),
        "function": text(data.get("Title")),
    }


def standard_price(data, standard_book_id=None):
    """Unit price of the standard pricebook entry (first active entry else)."""
    entries = (data.get("PricebookEntries") or {}).get("records") or []
    for entry in entries:
        if standard_book_id and entry.get("Pricebook2Id") == standard_book_id:
            return number(entry.get("UnitPrice"))
    active = [e for e in entries if e.get("IsActive") in TRUE] or entries
    return number(active[0].get("UnitPrice")) if active else 0.0


def product_to_vals(data, standard_book_id=None):
    if not data.get("Name"):
        raise InvalidPayload(f"Product {data.get('Id')} has no name", payload=data)
    return {
        "name": data["Name"],
        "default_code": text(data.get("ProductCode")),
        "description_sale": text(data.get("Description")),
        "sale_ok": data.get("IsActive") in TRUE,
        "type": "service",
        "list_price": standard_price(data, standard_book_id),
    }


def line_items(data):
    return (data.get("OpportunityLineItems") or {}).get("records") or []


def opportunity_to_order(data, partner_id, product_ids):
    """Opportunity + line items -> sale.order vals (quotation)."""
    if not partner_id:
        raise InvalidPayload(
            f"Opportunity {data.get('Name')} has no account: an order needs a "
            "customer.",
            payload=data,
        )
    lines = []
    for item in line_items(data):
        product_id = product_ids.get(item.get("Product2Id"))
        if not product_id:
            raise InvalidPayload(
                f"Opportunity {data.get('Name')}: product {item.get('Product2Id')} "
                "is unknown in Odoo.",
                payload=data,
            )
        line = {
            "product_id": product_id,
            "product_uom_qty": number(item.get("Quantity")),
            "price_unit": number(item.get("UnitPrice")),
        }
        if item.get("Description"):
            line["name"] = item["Description"]
        lines.append((0, 0, line))
    return {
        "partner_id": partner_id,
        "client_order_ref": data.get("Name") or False,
        "origin": f"Salesforce {data.get('Id')}",
        "order_line": lines,
    }


def invoice_status(rows, today):
    """Invoices of an order or a customer -> write-back values (pure).

    ``rows``: dicts with name, residual, payment_state, date_due and
    payment_dates (dates of the payments reconciled with the invoice).
    """
    if not rows:
        return {
            "invoice_number": False,
            "amount_due": 0.0,
            "payment_status": "none",
            "last_payment_date": False,
            "overdue": False,
        }
    states = {row["payment_state"] for row in rows}
    if states == {"paid"} or states <= {"paid", "reversed"}:
        status = "paid"
    elif states <= {"paid", "in_payment", "reversed"}:
        status = "in_payment"
    elif states == {"not_paid"}:
        status = "not_paid"
    else:
        status = "partial"
    dates = [d for row in rows for d in row["payment_dates"] if d]
    latest = sorted(rows, key=lambda r: r["name"])[-1]
    return {
        "invoice_number": latest["name"],
        "amount_due": round(sum(row["residual"] for row in rows), 2),
        "payment_status": status,
        "last_payment_date": max(dates) if dates else False,
        "overdue": any(
            row["residual"] > 0 and row["date_due"] and row["date_due"] < today
            for row in rows
        ),
    }


def status_payload(status, field_map, labels):
    """Write-back values -> Salesforce fields (unmapped ones left out)."""
    payload = {}
    for key, value in status.items():
        remote = field_map.get(key)
        if not remote:
            continue
        if key == "payment_status":
            value = labels.get(value, value)
        elif key == "last_payment_date":
            value = value.isoformat() if value else None
        elif key == "invoice_number":
            value = value or None
        payload[remote] = value
    return payload
