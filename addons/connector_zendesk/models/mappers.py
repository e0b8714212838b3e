# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure mappers of the Zendesk connector: values in, payload or vals out."""

import re
from datetime import datetime

from odoo.addons.connector_base.exceptions import InvalidPayload

TICKET_STATUSES = ("new", "open", "pending", "hold", "solved", "closed", "deleted")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
# "Name: has already been taken" (Zendesk; the sandbox names the value too)
NAME_TAKEN = re.compile(r"^Name: .*has already been taken", re.IGNORECASE)
# Standing key -> backend field holding the Zendesk organization_fields key.
ORG_FIELD_MAP = {
    "open_balance": "org_field_open_balance",
    "overdue_amount": "org_field_overdue_amount",
    "days_overdue": "org_field_days_overdue",
    "last_payment_date": "org_field_last_payment_date",
    "credit_hold": "org_field_credit_hold",
    "subscription_tier": "org_field_subscription_tier",
    "subscription_status": "org_field_subscription_status",
    "renewal_date": "org_field_renewal_date",
    "odoo_id": "org_field_odoo_id",
}


def parse_time(stamp):
    """Zendesk ISO-8601 (``2024-01-31T10:00:00Z``) -> naive UTC datetime."""
    if not stamp:
        return None
    return datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")


def zendesk_value(value):
    """Odoo value -> JSON value Zendesk accepts for a custom field."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    return value


def name_taken(error):
    """Is this Zendesk error a duplicate organization name?

    ``error`` is a bulk job's failed result (``details`` is a text) or a 422
    body (``details`` is ``{field: [{description, error}]}``).
    """
    details = (error or {}).get("details")
    if isinstance(details, dict):
        errors = details.get("name") or []
        return any(item.get("error") == "DuplicateValue" for item in errors)
    return bool(NAME_TAKEN.match(str(details or "")))


def name_suffixes(partner):
    """Suffixes that make a taken name unique, in the order they are tried:
    `` (ref)`` (else `` (VAT)``), then `` (#odoo id)``. ``partner`` is a dict
    (id, ref, vat)."""
    candidates = (partner.get("ref") or partner.get("vat"), f"#{partner['id']}")
    return list(dict.fromkeys(f" ({c})" for c in candidates if c))


def organization_payload(partner, standing, field_keys):
    """Organization payload; ``partner`` is a dict (id, name, xid).

    ``field_keys`` maps a standing key to the organization_fields key
    configured on the backend (keys mapped to nothing are not sent).
    """
    values = {**standing, "odoo_id": partner["id"]}
    custom = {
        key: zendesk_value(values.get(name)) for name, key in field_keys.items() if key
    }
    payload = {"name": partner["name"], "external_id": partner["xid"]}
    if custom:
        payload["organization_fields"] = custom
    return payload


def user_payload(contact, organization_id, field_keys):
    """User payload; ``contact`` is a dict (name, email, phone, ref, xid)."""
    payload = {
        "name": contact["name"],
        "email": contact["email"] or None,
        "phone": contact["phone"] or None,
        "external_id": contact["xid"],
        "organization_id": organization_id and int(organization_id),
    }
    custom = {key: contact.get(name) or None for name, key in field_keys.items() if key}
    if custom:
        payload["user_fields"] = custom
    return payload


def ticket_to_vals(data, partner_by_org, user_names, ticket_url):
    """Ticket JSON -> ``zendesk.ticket`` vals (lookups resolved by the caller)."""
    if not data.get("id"):
        raise InvalidPayload("A Zendesk ticket without id was received", payload=data)
    status = data.get("status") if data.get("status") in TICKET_STATUSES else "open"
    priority = data.get("priority")
    org_id = data.get("organization_id")
    return {
        "name": data.get("subject") or f"Ticket #{data['id']}",
        "ticket_number": int(data["id"]),
        "status": status,
        "priority": priority if priority in TICKET_PRIORITIES else False,
        "requester_name": user_names.get(data.get("requester_id")) or False,
        "assignee_name": user_names.get(data.get("assignee_id")) or False,
        "organization_ref": org_id and str(org_id) or False,
        "partner_id": partner_by_org.get(org_id) or False,
        "ticket_created_at": parse_time(data.get("created_at")),
        "ticket_updated_at": parse_time(data.get("updated_at")),
        "url": f"{ticket_url}/{data['id']}",
        "active": status != "deleted",
    }
