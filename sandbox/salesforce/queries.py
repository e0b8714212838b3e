"""``query`` / ``queryAll`` with server-side cursors and ``nextRecordsUrl`` paging.

A cursor keeps the matching record ids of one execution (a snapshot, like the real
query locator) and projects each page when it is fetched, so a 20k-row result costs
one filter pass plus 2,000-row projections per page.
"""

import re
import threading
from collections import OrderedDict

from .execute import aggregate_row, execute, project
from .replies import fail, ok, query_arg, version_of

MIN_BATCH, MAX_BATCH = 200, 2000
_BATCH = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)


class Cursors:
    """Open query locators, oldest evicted first (Salesforce caps them too)."""

    def __init__(self, ids, limit=500):
        self._ids, self._limit = ids, limit
        self._open = OrderedDict()
        self._lock = threading.Lock()

    def open(self, cursor):
        locator = self._ids.new("QueryLocator")
        with self._lock:
            self._open[locator] = cursor
            while len(self._open) > self._limit:
                self._open.popitem(last=False)
        return locator

    def get(self, locator):
        with self._lock:
            return self._open.get(locator)

    def clear(self):
        with self._lock:
            self._open.clear()


def batch_size(srv, req):
    match = _BATCH.search(req.headers.get("Sforce-Query-Options") or "")
    if not match:
        return srv.query_batch_size
    return max(MIN_BATCH, min(MAX_BATCH, int(match.group(1))))


def run_query(srv, req, include_deleted):
    text = query_arg(req, "q")
    if not text:
        fail("MALFORMED_QUERY", "A query string has to be specified")
    version = version_of(req)
    plan, rows = execute(srv.store, text, version, include_deleted)
    if plan.query.count_only:
        return ok({"totalSize": len(rows), "done": True, "records": []})
    if plan.aggregates:
        row = aggregate_row(srv.store, plan, rows)
        return ok({"totalSize": 1, "done": True, "records": [row]})
    cursor = {
        "plan": plan,
        "ids": [r["Id"] for r in rows],
        "version": version,
        "batch": batch_size(srv, req),
        "endpoint": req.params["endpoint"],
    }
    return ok(page(srv, cursor, None, 0))


def query_more(srv, req):
    locator, _, offset = req.params["locator"].partition("-")
    cursor = srv.cursors.get(locator)
    if cursor is None or not offset.isdigit():
        fail("INVALID_QUERY_LOCATOR", "invalid query locator")
    return ok(page(srv, cursor, locator, int(offset)))


def page(srv, cursor, locator, offset):
    ids, size = cursor["ids"], cursor["batch"]
    table = srv.store.tables[cursor["plan"].stype.name]
    chunk = [table.records[i] for i in ids[offset : offset + size]]
    body = {"totalSize": len(ids), "done": offset + size >= len(ids)}
    if not body["done"]:
        locator = locator or srv.cursors.open(cursor)
        base = f"/services/data/v{cursor['version']}/{cursor['endpoint']}"
        body["nextRecordsUrl"] = f"{base}/{locator}-{offset + size}"
    body["records"] = [
        project(srv.store, cursor["plan"], rec, cursor["version"]) for rec in chunk
    ]
    return body


def query(srv, req):
    req.params["endpoint"] = "query"
    return run_query(srv, req, include_deleted=False)


def query_all(srv, req):
    req.params["endpoint"] = "queryAll"
    return run_query(srv, req, include_deleted=True)
