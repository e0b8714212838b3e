"""Domain operations shared by the HTTP handlers, the batch jobs and the seeder.

Each operation validates like Zendesk does (required and unique attributes, custom
fields, references, closed tickets) and then writes through the store, so a batch
job's per-item result and a single request's 422 come from the same code.
"""

from . import fields
from .errors import detail, invalid, not_found
from .store import Store


class Service:
    """Validation + writes for organizations, users and tickets."""

    def __init__(self, organization_fields=None, user_fields=None):
        self.store = Store()
        self.custom = {
            "organization": fields.declare(organization_fields),
            "user": fields.declare(user_fields),
        }

    # -- reads -------------------------------------------------------------------
    def get(self, kind, rid, deleted=False):
        row = self.store.get(kind, _int_id(rid), deleted=deleted)
        if row is None:
            raise not_found()
        return row

    def find(self, kind, field, value):
        rid = self.store.table(kind).find(field, value)
        return self.store.get(kind, rid) if rid is not None else None

    # -- writes ------------------------------------------------------------------
    def create(self, kind, payload):
        values = self._clean(kind, payload, creating=True)
        row = {**fields.DEFAULTS[kind], **values}
        if kind in fields.CUSTOM_KEY:
            key = fields.CUSTOM_KEY[kind]
            row[key] = {name: None for name in self.custom[kind]}
            row[key].update(values.get(key) or {})
        return self.store.insert(kind, self._defaults(kind, row))

    def update(self, kind, rid, payload):
        row = self.get(kind, rid)
        if kind == "ticket" and row["status"] == "closed":
            raise invalid(detail("status", "Status: closed prevents ticket update",
                                 "ClosedTicket"))  # fmt: skip
        values = self._clean(kind, payload, creating=False, current=row)
        if kind in fields.CUSTOM_KEY and fields.CUSTOM_KEY[kind] in values:
            key = fields.CUSTOM_KEY[kind]
            values[key] = {**row[key], **values[key]}
        return self.store.update(kind, row["id"], values)[0]

    def create_or_update(self, kind, payload):
        """``(row, created?)``: match by id or external_id (and email for users)."""
        match = self._match(kind, payload or {})
        if match is None:
            return self.create(kind, payload), True
        return self.update(kind, match["id"], payload), False

    def delete(self, kind, rid):
        row = self.get(kind, rid)
        values = {}
        if kind == "user":
            values = {"active": False}
        elif kind == "ticket":
            values = {"status": "deleted"}
        elif kind == "organization":
            values = {"deleted_at": None}
        row = self.store.delete(kind, row["id"], values)
        if kind == "organization":
            self._detach_users(row["id"])
        return row

    def merge_tickets(self, target_id, source_ids):
        """Close the sources into the target, as ``POST /tickets/{id}/merge`` does."""
        target = self.get("ticket", target_id)
        sources = [self.get("ticket", rid) for rid in source_ids]
        for source in sources:
            if source["id"] == target["id"] or source["status"] == "closed":
                raise invalid(detail("ids", f"Ticket {source['id']} can't be merged"))
        for source in sources:
            tags = source["tags"] + ["closed_by_merge"]
            self.store.update(
                "ticket",
                source["id"],
                {"status": "closed", "tags": tags},
                action="merged",
            )
        return target

    def merge_users(self, source_id, target_id):
        """Move the source's tickets to the target, then delete the source."""
        source = self.get("user", source_id)
        target = self.get("user", target_id)
        if source["id"] == target["id"]:
            raise invalid(detail("id", "A user can't be merged into itself"))
        tickets = self.store.table("ticket")
        for rid in list(tickets.live):
            ticket = tickets.rows[rid]
            if ticket["requester_id"] == source["id"] and ticket["status"] != "closed":
                self.store.update("ticket", rid, {"requester_id": target["id"]})
        self.store.delete("user", source["id"], {"active": False})
        return target

    # -- helpers -----------------------------------------------------------------
    def _match(self, kind, payload):
        if payload.get("id") is not None:
            return self.get(kind, payload["id"])
        row = self.find(kind, "external_id", payload.get("external_id"))
        if row is None and kind == "user":
            row = self.find(kind, "email", payload.get("email"))
        return row

    def _clean(self, kind, payload, creating, current=None):
        values = fields.writable(kind, payload)
        if kind == "ticket" and isinstance(payload.get("comment"), dict):
            values.setdefault("description", payload["comment"].get("body"))
        fields.check_choices(kind, values)
        if kind in fields.CUSTOM_KEY and fields.CUSTOM_KEY[kind] in values:
            fields.check_custom(kind, self.custom[kind],
                                values[fields.CUSTOM_KEY[kind]])  # fmt: skip
        self._check_required(kind, values, creating)
        self._check_unique(kind, values, current)
        self._check_references(values)
        return values

    def _check_required(self, kind, values, creating):
        required = {"organization": "name", "user": "name", "ticket": "description"}
        name = required[kind]
        if (creating or name in values) and not values.get(name):
            if kind == "ticket" and not creating:
                return
            label = "Description" if kind == "ticket" else "Name"
            raise invalid(detail(name, f"{label}: cannot be blank", "BlankValue"))

    def _check_unique(self, kind, values, current):
        table = self.store.table(kind)
        for field in table.unique:
            owner = table.find(field, values.get(field))
            if owner is not None and (current is None or owner != current["id"]):
                label = field.replace("_", " ").capitalize()
                message = f"{label}: {values[field]} has already been taken"
                raise invalid(detail(field, message, "DuplicateValue"))

    def _check_references(self, values):
        refs = {"organization_id": "organization", "requester_id": "user",
                "assignee_id": "user", "submitter_id": "user"}  # fmt: skip
        for field, kind in refs.items():
            rid = values.get(field)
            if rid is not None and self.store.get(kind, _int_id(rid)) is None:
                raise invalid(detail(field, f"{field}: {rid} is invalid"))

    def _defaults(self, kind, row):
        if kind == "ticket":
            if row.get("assignee_id") and row["status"] == "new":
                row["status"] = "open"
            if row.get("organization_id") is None and row.get("requester_id"):
                requester = self.store.get("user", row["requester_id"])
                row["organization_id"] = requester["organization_id"]
            row["subject"] = row["subject"] or (row["description"] or "")[:50]
            row["submitter_id"] = row["submitter_id"] or row["requester_id"]
        return row

    def _detach_users(self, org_id):
        users = self.store.table("user")
        for rid in list(users.live):
            if users.rows[rid]["organization_id"] == org_id:
                self.store.update("user", rid, {"organization_id": None})


def _int_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise not_found() from None
