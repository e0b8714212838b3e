"""In-memory org data: one table per sObject, with the indexes the API needs.

Records are plain dicts in API form (datetimes as fixed-width UTC strings). Each table
keeps an append-only ``(SystemModstamp, Id)`` list: the clock is strictly increasing,
so appending keeps it sorted and ``WHERE SystemModstamp > X ORDER BY SystemModstamp``
is a bisect plus a short walk. Superseded entries are skipped (their stamp no longer
matches the record) and compacted away once they outnumber the live ones.
"""

import bisect
import threading
from contextlib import contextmanager

from . import domain
from .errors import SalesforceError, not_found
from .ids import Clock, IdFactory, to18
from .validate import check_required, check_unique, clean_values


class Table:
    def __init__(self, stype):
        self.stype = stype
        self.records = {}
        self.stamps = []
        self.ext = {}
        self.children = {}
        self.deleted_log = []
        self._fields_seen, self._cache = -1, None

    def ext_key(self, field, value):
        if value is None:
            return None
        text = str(value)
        return text if field.case_sensitive else text.lower()

    def index(self, rec):
        for field in self._ext_fields():
            key = self.ext_key(field, rec.get(field.name))
            if key is not None:
                self.ext.setdefault(field.name, {}).setdefault(key, set()).add(
                    rec["Id"]
                )
        for field in self._child_fields():
            if rec.get(field.name):
                bucket = self.children.setdefault(field.name, {})
                bucket.setdefault(rec[field.name], set()).add(rec["Id"])

    def unindex(self, rec):
        for field in self._ext_fields():
            key = self.ext_key(field, rec.get(field.name))
            self.ext.get(field.name, {}).get(key, set()).discard(rec["Id"])
        for field in self._child_fields():
            self.children.get(field.name, {}).get(rec.get(field.name), set()).discard(
                rec["Id"]
            )

    def _ext_fields(self):
        return self._indexed()[0]

    def _child_fields(self):
        return self._indexed()[1]

    def _indexed(self):
        """Indexed fields, cached until the schema gains a field."""
        if self._fields_seen != len(self.stype.fields):
            fields = self.stype.fields.values()
            self._cache = (
                [f for f in fields if f.external_id or f.unique],
                [f for f in fields if f.type == "reference"],
            )
            self._fields_seen = len(self.stype.fields)
        return self._cache

    def stamp(self, rec):
        self.stamps.append((rec["SystemModstamp"], rec["Id"]))
        if len(self.stamps) > 2 * len(self.records) + 1000:
            self.compact()

    def compact(self):
        self.stamps = sorted(
            (r["SystemModstamp"], r["Id"]) for r in self.records.values()
        )

    def by_modstamp(self, after=None, inclusive=False):
        """Live records in SystemModstamp order, starting after ``after``."""
        start = 0
        if after is not None:
            probe = (after, "" if inclusive else "\uffff")
            start = bisect.bisect_left(self.stamps, probe)
        for stamp, rid in self.stamps[start:]:
            rec = self.records.get(rid)
            if rec is not None and rec["SystemModstamp"] == stamp:
                yield rec

    def find_ext(self, field, value):
        key = self.ext_key(field, value)
        return sorted(self.ext.get(field.name, {}).get(key, ()))

    def child_ids(self, field_name, parent_id):
        return self.children.get(field_name, {}).get(parent_id, set())


class Store:
    """All tables plus write rules, undo log and a lock held per API call."""

    def __init__(self, schema, user_id, ids=None, clock=None):
        self.schema = schema
        self.user_id = user_id
        self.ids = ids or IdFactory()
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self.tables = {name: Table(stype) for name, stype in schema.types.items()}
        self._undo = None

    def table(self, sobject):
        return self.tables[self.schema.get(sobject).name]

    def clear(self):
        for name, stype in self.schema.types.items():
            self.tables[name] = Table(stype)
        self.ids.reset()

    def reindex(self):
        """Rebuild indexes after schema changes or a bulk load."""
        for table in self.tables.values():
            table.ext, table.children = {}, {}
            for rec in table.records.values():
                table.index(rec)
            table.compact()

    def standard_pricebook_id(self):
        table = self.tables["Pricebook2"]
        for rec in table.records.values():
            if rec["IsStandard"] and not rec["IsDeleted"]:
                return rec["Id"]
        return None

    def ensure_standard_pricebook(self):
        """Every org has exactly one standard price book; create it if missing."""
        if self.standard_pricebook_id() is None:
            rec = self.insert(
                "Pricebook2", {"Name": "Standard Price Book", "IsActive": True}
            )
            self.touch("Pricebook2", rec, IsStandard=True)

    # -- reads -------------------------------------------------------------
    def get(self, sobject, rid, include_deleted=False):
        table = self.table(sobject)
        full = to18(rid)
        rec = table.records.get(full) if full else None
        if rec is None:
            raise not_found()
        if rec["IsDeleted"] and not include_deleted:
            raise SalesforceError("ENTITY_IS_DELETED", "entity is deleted", 404)
        return rec

    def lookup(self, sobject, rid):
        """The live record ``rid`` or None (used by relationship traversal)."""
        rec = self.tables[sobject].records.get(rid) if rid else None
        return rec if rec is not None and not rec["IsDeleted"] else None

    def find_by_external(self, sobject, field_name, value):
        stype = self.schema.get(sobject)
        field = stype.field(field_name)
        if field is None or not (field.external_id or field.name == "Id"):
            raise not_found(
                f"Provided external ID field does not exist or is not accessible: "
                f"{field_name}"
            )
        table = self.tables[stype.name]
        if field.name == "Id":
            rec = self.lookup(stype.name, to18(value))
            return field, [rec] if rec else []
        found = [table.records[i] for i in table.find_ext(field, value)]
        return field, [r for r in found if not r["IsDeleted"]]

    # -- writes ------------------------------------------------------------
    def insert(self, sobject, values):
        stype = self.schema.get(sobject)
        clean = clean_values(self, stype, values, creating=True)
        rec = {name: f.default for name, f in stype.fields.items()}
        rec.update(clean)
        rec["Id"] = self.ids.new(stype.name)
        now = self.clock.now()
        rec.update(
            CreatedDate=now,
            LastModifiedDate=now,
            SystemModstamp=now,
            CreatedById=self.user_id,
            LastModifiedById=self.user_id,
            IsDeleted=False,
        )
        domain.before_write(self, stype.name, rec, None)
        check_required(stype, rec)
        check_unique(self, stype, rec)
        self._put(stype.name, rec, None)
        domain.after_write(self, stype.name, rec, None)
        return rec

    def update(self, sobject, rid, values):
        stype = self.schema.get(sobject)
        old = self.get(stype.name, rid)
        clean = clean_values(self, stype, values, creating=False)
        rec = {**old, **clean}
        now = self.clock.now()
        rec.update(
            LastModifiedDate=now, SystemModstamp=now, LastModifiedById=self.user_id
        )
        domain.before_write(self, stype.name, rec, old)
        check_required(stype, rec)
        check_unique(self, stype, rec)
        self._put(stype.name, rec, old)
        domain.after_write(self, stype.name, rec, old)
        return rec

    def touch(self, sobject, rec, **changes):
        """System-side update (rollups, reparenting) that skips validation."""
        new = {**rec, **changes, "SystemModstamp": self.clock.now()}
        self._put(sobject, new, rec)
        return new

    def delete(self, sobject, rid, master_id=None):
        stype = self.schema.get(sobject)
        old = self.get(stype.name, rid)
        domain.before_delete(self, stype.name, old)
        now = self.clock.now()
        rec = {**old, "IsDeleted": True, "SystemModstamp": now, "LastModifiedDate": now}
        if master_id:
            rec["MasterRecordId"] = master_id
        self._put(stype.name, rec, old)
        self.tables[stype.name].deleted_log.append((now, rec["Id"]))
        domain.after_delete(self, stype.name, rec)
        return rec

    def upsert(self, sobject, field_name, value, values):
        """Return ``(record, created)``; 300 MULTIPLE_CHOICES on ambiguity."""
        field, found = self.find_by_external(sobject, field_name, value)
        if len(found) > 1:
            raise SalesforceError(
                "MULTIPLE_CHOICES",
                [f"/sobjects/{sobject}/{r['Id']}" for r in found],
                300,
            )
        body = {k: v for k, v in values.items() if k.lower() != field.name.lower()}
        if found:
            return self.update(sobject, found[0]["Id"], body), False
        if field.name != "Id":
            body[field.name] = value
        return self.insert(sobject, body), True

    def merge(self, sobject, master_id, loser_ids):
        """Delete losers with MasterRecordId set and re-parent their children."""
        master = self.get(sobject, master_id)
        for loser_id in loser_ids:
            loser = self.get(sobject, loser_id)
            domain.reparent(self, sobject, loser["Id"], master["Id"])
            self.delete(sobject, loser["Id"], master_id=master["Id"])
        return master

    def _put(self, sobject, rec, old):
        table = self.tables[sobject]
        if self._undo is not None:
            self._undo.append((sobject, rec["Id"], old))
        if old is not None:
            table.unindex(old)
        table.records[rec["Id"]] = rec
        table.index(rec)
        table.stamp(rec)

    def load(self, sobject, records):
        """Bulk load prepared records (seeding): no validation, one index pass."""
        table = self.tables[sobject]
        for rec in records:
            table.records[rec["Id"]] = rec
            table.index(rec)
        table.compact()

    @contextmanager
    def atomic(self):
        """Undo every write in the block if it raises (allOrNone semantics)."""
        outer, self._undo = self._undo, []
        try:
            yield
        except BaseException:
            self._rollback(self._undo)
            self._undo = []
            raise
        finally:
            undo, self._undo = self._undo, outer
            if outer is not None:
                outer.extend(undo)

    def _rollback(self, undo):
        touched = set()
        for sobject, rid, old in reversed(undo):
            table = self.tables[sobject]
            touched.add(sobject)
            current = table.records.pop(rid, None)
            if current is not None:
                table.unindex(current)
            if old is not None:
                table.records[rid] = old
                table.index(old)
        for sobject in touched:
            self.tables[sobject].compact()
