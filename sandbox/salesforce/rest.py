"""REST resources: versions, limits, describe, sObject rows, updated/deleted.

Each handler takes the server and the request and returns a core Response; errors
are raised as SalesforceError and rendered by the server's wrapper.
"""

import bisect
from datetime import timedelta

from .errors import SalesforceError
from .execute import attributes
from .ids import fmt_dt, parse_dt
from .replies import (
    API_VERSIONS,
    RELEASES,
    body_json,
    fail,
    no_content,
    ok,
    query_arg,
    version_of,
)  # fmt: skip

REPLICATION_DAYS = 30


def versions(srv, req):
    return ok([
        {"label": RELEASES[v], "url": f"/services/data/v{v}", "version": v}
        for v in API_VERSIONS
    ])  # fmt: skip


def resources(srv, req):
    base = f"/services/data/v{version_of(req)}"
    names = ["sobjects", "query", "queryAll", "limits", "composite", "jobs"]
    return ok({name: f"{base}/{name}" for name in names})


def limits(srv, req):
    return ok(srv.limits.as_dict())


def describe_global(srv, req):
    version = version_of(req)
    sobjects = [_object_info(s, version) for s in srv.store.schema.types.values()]
    return ok({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects})


def _object_info(stype, version):
    base = f"/services/data/v{version}/sobjects/{stype.name}"
    return {
        "name": stype.name, "label": stype.name, "keyPrefix": stype.key_prefix,
        "custom": False, "createable": True, "updateable": True, "deletable": True,
        "queryable": True, "replicateable": True, "retrieveable": True,
        "urls": {"sobject": base, "describe": f"{base}/describe",
                 "rowTemplate": f"{base}/{{ID}}"},
    }  # fmt: skip


def sobject_info(srv, req):
    stype = srv.store.schema.get(req.params["sobject"])
    return ok({"objectDescribe": _object_info(stype, version_of(req)),
               "recentItems": []})  # fmt: skip


def describe(srv, req):
    stype = srv.store.schema.get(req.params["sobject"])
    body = _object_info(stype, version_of(req))
    body["fields"] = [f.describe() for f in stype.fields.values()]
    body["childRelationships"] = [
        {"childSObject": child, "field": field, "relationshipName": name,
         "cascadeDelete": False}
        for name, (child, field) in stype.children.items()
    ]  # fmt: skip
    return ok(body)


def record_body(rec, stype, version, fields=None):
    out = {"attributes": attributes(stype.name, rec["Id"], version)}
    names = fields or list(stype.fields)
    for name in names:
        field = stype.field(name)
        if field is None:
            fail("INVALID_FIELD", f"No such column '{name}' on entity '{stype.name}'")
        out[field.name] = rec.get(field.name)
    return out


def _fields_param(req):
    raw = query_arg(req, "fields")
    return [f.strip() for f in raw.split(",") if f.strip()] if raw else None


def create(srv, req):
    rec = srv.store.insert(req.params["sobject"], body_json(req))
    return ok({"id": rec["Id"], "success": True, "errors": []}, 201)


def get_record(srv, req):
    stype = srv.store.schema.get(req.params["sobject"])
    rec = srv.store.get(stype.name, req.params["id"])
    return ok(record_body(rec, stype, version_of(req), _fields_param(req)))


def update_record(srv, req):
    srv.store.update(req.params["sobject"], req.params["id"], body_json(req))
    return no_content()


def delete_record(srv, req):
    srv.store.delete(req.params["sobject"], req.params["id"])
    return no_content()


def get_by_external(srv, req):
    stype = srv.store.schema.get(req.params["sobject"])
    _field, found = srv.store.find_by_external(
        stype.name, req.params["field"], req.params["value"]
    )
    if not found:
        fail("NOT_FOUND", "The requested resource does not exist", 404)
    if len(found) > 1:
        urls = [attributes(stype.name, r["Id"], version_of(req))["url"] for r in found]
        raise SalesforceError("MULTIPLE_CHOICES", urls, 300)
    return ok(record_body(found[0], stype, version_of(req), _fields_param(req)))


def upsert_record(srv, req):
    """201 + created:true on insert; 200 + created:false on update (API >= 46)."""
    sobject, field = req.params["sobject"], req.params["field"]
    body = body_json(req)
    if query_arg(req, "updateOnly") == "true":
        _f, found = srv.store.find_by_external(sobject, field, req.params["value"])
        if not found:
            fail("NOT_FOUND", "The requested resource does not exist", 404)
    rec, created = srv.store.upsert(sobject, field, req.params["value"], body)
    body = {"id": rec["Id"], "success": True, "errors": [], "created": created}
    return ok(body, 201 if created else 200)


def delete_by_external(srv, req):
    _f, found = srv.store.find_by_external(
        req.params["sobject"], req.params["field"], req.params["value"]
    )
    if not found:
        fail("NOT_FOUND", "The requested resource does not exist", 404)
    srv.store.delete(req.params["sobject"], found[0]["Id"])
    return no_content()


# -- replication: updated/ and deleted/ -------------------------------------
def _window(srv, req):
    """Parse start/end, ignore seconds as Salesforce does, clamp end to now."""
    try:
        start = _floor_minute(parse_dt(query_arg(req, "start", "")))
        end = _floor_minute(parse_dt(query_arg(req, "end", "")))
    except ValueError:
        fail("MALFORMED_QUERY", "start and end must be ISO 8601 date-times")
    now = parse_dt(srv.store.clock.now())
    if start < now - timedelta(days=REPLICATION_DAYS):
        fail("INVALID_REPLICATION_DATE", "startDate cannot be more than 30 days ago")
    if end <= start:
        fail(
            "INVALID_REPLICATION_DATE",
            "startDate must chronologically precede endDate by more than one minute",
        )
    return fmt_dt(start), fmt_dt(min(end, now))


def _floor_minute(dt):
    return dt.replace(second=0, microsecond=0)


def updated(srv, req):
    start, end = _window(srv, req)
    table = srv.store.table(req.params["sobject"])
    ids = []
    for rec in table.by_modstamp(start, inclusive=True):
        if rec["SystemModstamp"] > end:
            break
        if not rec["IsDeleted"]:
            ids.append(rec["Id"])
    return ok({"ids": ids, "latestDateCovered": end})


def deleted(srv, req):
    start, end = _window(srv, req)
    table = srv.store.table(req.params["sobject"])
    log = table.deleted_log
    first = bisect.bisect_left(log, (start, ""))
    rows = []
    for stamp, rid in log[first:]:
        if stamp > end:
            break
        rec = table.records.get(rid)
        if rec is not None and rec["IsDeleted"] and rec["SystemModstamp"] == stamp:
            rows.append({"id": rid, "deletedDate": stamp})
    earliest = fmt_dt(_floor_minute(parse_dt(log[0][0]))) if log else end
    return ok({"deletedRecords": rows, "earliestDateAvailable": earliest,
               "latestDateCovered": end})  # fmt: skip
