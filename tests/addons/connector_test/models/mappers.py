# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure mappers of the test service: JSON in, vals out, no side effects."""

from datetime import UTC, datetime

from odoo.addons.connector_base.exceptions import InvalidPayload


def epoch(stamp):
    """Epoch seconds -> naive UTC datetime (Odoo's convention)."""
    if stamp is None:
        return None
    return datetime.fromtimestamp(int(stamp), UTC).replace(tzinfo=None)


def remote_updated_at(data):
    return epoch(data.get("updated"))


def customer_to_partner(data):
    if not data.get("name"):
        raise InvalidPayload(f"Customer {data.get('id')} has no name", payload=data)
    return {
        "name": data["name"],
        "email": data.get("email") or False,
        "phone": data.get("phone") or False,
        "comment": data.get("description") or False,
    }


def partner_to_customer(partner):
    return {
        "name": partner.name,
        "email": partner.email or None,
        "phone": partner.phone or None,
    }
