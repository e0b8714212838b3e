"""In-memory tables for organizations, users and tickets, plus their change log.

Records are plain dicts in API form (minus ``url``, which depends on the server's
port and is added when rendered). Every write stamps the record with a store-wide
sequence number and appends ``(seq, epoch, id)`` to its table's log. The clock
never goes backwards, so the log is sorted by both seq and time: a cursor export is
a bisect on seq, a time-based export a bisect on epoch. Superseded log entries are
skipped when read and compacted away once they outnumber the live ones.
"""

import bisect
import time
from datetime import datetime, timezone

ID_BASE = {"organization": 360_000_000_000, "user": 370_000_000_000, "ticket": 0}
UNIQUE = {
    "organization": ("external_id", "name"),
    "user": ("external_id", "email"),
    "ticket": (),
}


def iso(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    """Whole-second UTC clock that never goes backwards (seeding may push it)."""

    def __init__(self):
        self.last = 0

    def now(self):
        self.last = max(int(time.time()), self.last)
        return self.last

    def reset(self):
        self.last = 0


class Table:
    """One object type: rows, sorted live ids, unique indexes and the change log."""

    def __init__(self, kind):
        self.kind = kind
        self.rows = {}
        self.live = []
        self.deleted = set()
        self.unique = {field: {} for field in UNIQUE[kind]}
        self.log = []
        self.log_seqs = []
        self.seq_of = {}
        self.next_id = ID_BASE[kind] + 1

    def new_id(self):
        rid = self.next_id
        self.next_id += 1
        return rid

    def find(self, field, value):
        """Id of the live row whose unique ``field`` equals ``value`` (or None)."""
        if value is None:
            return None
        return self.unique[field].get(_norm(value))

    def index(self, row):
        for field, index in self.unique.items():
            if row.get(field) is not None:
                index[_norm(row[field])] = row["id"]

    def unindex(self, row):
        for field, index in self.unique.items():
            key = _norm(row.get(field)) if row.get(field) is not None else None
            if key is not None and index.get(key) == row["id"]:
                del index[key]

    def stamp(self, row, seq, epoch):
        self.seq_of[row["id"]] = seq
        self.log.append((seq, epoch, row["id"]))
        self.log_seqs.append(seq)
        if len(self.log) > 1000 and len(self.log) > 2 * len(self.seq_of):
            self._compact()

    def _compact(self):
        self.log = [entry for entry in self.log if self.seq_of[entry[2]] == entry[0]]
        self.log_seqs = [entry[0] for entry in self.log]

    def changes(self, after_seq=None, since=None):
        """Current log entries ``(seq, epoch, id)`` after a seq or from an epoch."""
        if after_seq is not None:
            start = bisect.bisect_right(self.log_seqs, after_seq)
        else:
            start = bisect.bisect_left(self.log, (since or 0,), key=_epoch_key)
        for entry in self.log[start:]:
            if self.seq_of.get(entry[2]) == entry[0]:
                yield entry

    def live_ids(self):
        return self.live


def _epoch_key(entry):
    return (entry[1],)


def _norm(value):
    return str(value).strip().lower()


class Store:
    """The three tables and the clock; listeners hear about every change."""

    KINDS = ("organization", "user", "ticket")

    def __init__(self):
        self.clock = Clock()
        self.listeners = []
        self.reset()

    def reset(self):
        self.tables = {kind: Table(kind) for kind in self.KINDS}
        self.seq = 0
        self.clock.reset()

    def table(self, kind):
        return self.tables[kind]

    def get(self, kind, rid, deleted=False):
        table = self.tables[kind]
        row = table.rows.get(rid)
        if row is None or (rid in table.deleted and not deleted):
            return None
        return row

    def insert(self, kind, values, epoch=None, notify=True):
        """Add a row built from defaults + ``values``; returns it."""
        table = self.tables[kind]
        epoch = self.clock.now() if epoch is None else epoch
        row = {"id": table.new_id(), **values}
        row["created_at"] = row["updated_at"] = iso(epoch)
        table.rows[row["id"]] = row
        table.live.append(row["id"])  # ids only grow, so appending keeps order
        table.index(row)
        self._stamp(table, row, epoch)
        if notify:
            self._notify(kind, "created", row, None)
        return row

    def update(self, kind, rid, values, action="updated"):
        """Apply ``values``; returns ``(row, previous copy)``."""
        table = self.tables[kind]
        row = table.rows[rid]
        previous = _copy(row)
        table.unindex(row)
        row.update(values)
        table.index(row)
        epoch = self.clock.now()
        row["updated_at"] = iso(epoch)
        self._stamp(table, row, epoch)
        self._notify(kind, action, row, previous)
        return row, previous

    def delete(self, kind, rid, values=None):
        """Soft delete: gone from lists and lookups, still in the change log."""
        table = self.tables[kind]
        row = table.rows[rid]
        previous = _copy(row)
        table.unindex(row)
        table.deleted.add(rid)
        index = bisect.bisect_left(table.live, rid)
        if index < len(table.live) and table.live[index] == rid:
            del table.live[index]
        epoch = self.clock.now()
        row.update(values or {})
        row["updated_at"] = iso(epoch)
        if "deleted_at" in row:
            row["deleted_at"] = row["updated_at"]
        self._stamp(table, row, epoch)
        self._notify(kind, "deleted", row, previous)
        return row

    def _stamp(self, table, row, epoch):
        self.seq += 1
        table.stamp(row, self.seq, epoch)

    def _notify(self, kind, action, row, previous):
        for listener in self.listeners:
            listener(kind, action, row, previous)


def _copy(row):
    return {key: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict)
                  else v) for key, v in row.items()}  # fmt: skip
