"""Which attributes each object accepts, and custom field validation.

Unknown top-level attributes are ignored, as Zendesk does, but an unknown key under
``organization_fields`` / ``user_fields`` is a 422: that is the mistake a connector
makes when its field mapping drifts from the account's configuration, and the sandbox
should surface it rather than hide it.
"""

import re

from .errors import detail, invalid

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
PRIORITIES = (None, "low", "normal", "high", "urgent")
TICKET_TYPES = (None, "problem", "incident", "question", "task")
ROLES = ("end-user", "agent", "admin")
FIELD_TYPES = ("text", "textarea", "integer", "decimal", "checkbox", "date",
               "dropdown", "regexp")  # fmt: skip

WRITABLE = {
    "organization": ("name", "external_id", "details", "notes", "domain_names",
                     "group_id", "shared_tickets", "shared_comments", "tags",
                     "organization_fields"),
    "user": ("name", "email", "role", "active", "verified", "external_id",
             "organization_id", "phone", "tags", "user_fields", "time_zone",
             "locale", "notes", "details"),
    "ticket": ("subject", "description", "status", "priority", "type",
               "requester_id", "submitter_id", "assignee_id", "organization_id",
               "group_id", "external_id", "tags", "due_at"),
}  # fmt: skip

DEFAULTS = {
    "organization": {"name": None, "external_id": None, "details": None,
                     "notes": None, "domain_names": [], "group_id": None,
                     "shared_tickets": False, "shared_comments": False, "tags": [],
                     "deleted_at": None},
    "user": {"name": None, "email": None, "role": "end-user", "active": True,
             "verified": False, "external_id": None, "organization_id": None,
             "phone": None, "tags": [], "time_zone": "UTC", "locale": "en-US",
             "notes": None, "details": None},
    "ticket": {"subject": None, "description": None, "status": "new",
               "priority": None, "type": None, "requester_id": None,
               "submitter_id": None, "assignee_id": None, "organization_id": None,
               "group_id": None, "external_id": None, "tags": [], "due_at": None,
               "via": {"channel": "api", "source": {}}},
}  # fmt: skip

CUSTOM_KEY = {"organization": "organization_fields", "user": "user_fields"}

DEFAULT_ORGANIZATION_FIELDS = {
    "account_number": "text",
    "region": "text",
    "odoo_id": "integer",
    "tier": {"type": "dropdown", "options": ["basic", "premium", "enterprise"]},
}
DEFAULT_USER_FIELDS = {"customer_number": "text", "vip": "checkbox"}
# The organization fields an administrator creates for the Odoo connector
# (connector_zendesk's CONFIGURE.md); ``python -m sandbox serve`` declares them.
CONNECTOR_ORGANIZATION_FIELDS = {
    "open_balance": "decimal",
    "overdue_amount": "decimal",
    "days_overdue": "integer",
    "last_payment_date": "date",
    "credit_hold": "checkbox",
    "subscription_tier": "text",
    "subscription_status": "text",
    "renewal_date": "date",
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CustomField:
    """One declared custom field (``organization_fields`` / ``user_fields`` key)."""

    def __init__(self, key, spec, position):
        spec = {"type": spec} if isinstance(spec, str) else dict(spec)
        if spec["type"] not in FIELD_TYPES:
            raise ValueError(f"unknown custom field type {spec['type']!r}")
        self.key = key
        self.type = spec["type"]
        self.options = list(spec.get("options") or [])
        self.position = position

    def check(self, value):
        """The error message for a bad value, or None."""
        if value is None or value == "":
            return None
        if self.type == "integer" and not _is_int(value):
            return "must be an integer"
        if self.type == "decimal" and not _is_number(value):
            return "must be a number"
        if self.type == "checkbox" and not isinstance(value, bool):
            return "must be true or false"
        if self.type == "date" and not _DATE.match(str(value)):
            return "must be a date (YYYY-MM-DD)"
        if self.type == "dropdown" and value not in self.options:
            return f"must be one of {', '.join(self.options)}"
        return None

    def as_api(self, kind, index):
        """The ``/api/v2/{kind}_fields.json`` row."""
        row = {"id": index + 1, "key": self.key, "type": self.type,
               "title": self.key.replace("_", " ").title(), "active": True,
               "position": self.position}  # fmt: skip
        if self.options:
            row["custom_field_options"] = [
                {"id": i + 1, "name": opt, "value": opt}
                for i, opt in enumerate(self.options)
            ]
        return row


def declare(specs):
    """``{key: type | {"type":..., "options": [...]}}`` -> ordered CustomFields."""
    return {
        key: CustomField(key, spec, pos)
        for pos, (key, spec) in enumerate((specs or {}).items())
    }


def writable(kind, payload):
    """Keep the attributes the API writes; everything else is silently ignored."""
    if not isinstance(payload, dict):
        raise invalid(detail("base", "must be a JSON object"))
    out = {key: payload[key] for key in WRITABLE[kind] if key in payload}
    if "tags" in out:
        out["tags"] = _tags(out["tags"])
    if "domain_names" in out:
        out["domain_names"] = list(out["domain_names"] or [])
    return out


def check_custom(kind, declared, values):
    """Validate a custom field dict; unknown keys and bad values are a 422."""
    key = CUSTOM_KEY[kind]
    if not isinstance(values, dict):
        raise invalid(detail(key, f"{key} must be an object"))
    problems = []
    for name, value in values.items():
        field = declared.get(name)
        if field is None:
            problems.append({"description": f"{key}: unknown field '{name}'",
                             "error": "InvalidValue"})  # fmt: skip
            continue
        message = field.check(value)
        if message:
            problems.append({"description": f"{key}.{name}: {message}",
                             "error": "InvalidValue"})  # fmt: skip
    if problems:
        raise invalid({key: problems})


def check_choices(kind, values):
    """Enumerations and formats of the standard attributes."""
    checks = {
        "status": STATUSES, "priority": PRIORITIES, "type": TICKET_TYPES,
        "role": ROLES,
    }  # fmt: skip
    for name, allowed in checks.items():
        if name in values and values[name] not in allowed:
            raise invalid(detail(name, f"{name.title()}: is invalid"))
    email = values.get("email")
    if email is not None and not _EMAIL.match(str(email)):
        raise invalid(detail("email", f"Email: {email} is not properly formatted"))


def _tags(tags):
    if isinstance(tags, str):
        tags = tags.split()
    seen = []
    for tag in tags or []:
        tag = str(tag).strip().lower().replace(" ", "_")
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def _is_int(value):
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or bool(re.fullmatch(r"-?\d+", str(value)))


def _is_number(value):
    if isinstance(value, bool):
        return False
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
