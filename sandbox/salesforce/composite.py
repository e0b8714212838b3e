"""sObject Collections: create/update/delete/retrieve up to 200 records per call,
and upsert by external id, with ``allOrNone`` rollback.

Per-record failures use the collections shape (``statusCode``, not ``errorCode``);
with allOrNone every other record reports ALL_OR_NONE_OPERATION_ROLLED_BACK.
"""

from .errors import SalesforceError
from .replies import body_json, fail, ok, query_arg, version_of
from .rest import record_body

MAX_RECORDS = 200
_ROLLED_BACK = SalesforceError(
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was "
    "using AllOrNone header",
)


def _payload(req):
    body = body_json(req)
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list):
        fail("JSON_PARSER_ERROR", "The request body must contain a records array")
    if len(records) > MAX_RECORDS:
        fail("EXCEEDED_ID_LIMIT", f"record limit exceeded: {MAX_RECORDS}")
    return records, bool(body.get("allOrNone", False))


def _type_of(rec, default=None):
    attrs = rec.get("attributes") if isinstance(rec, dict) else None
    sobject = (attrs or {}).get("type") or default
    if not sobject:
        raise SalesforceError(
            "INVALID_TYPE", "Must specify a type in the attributes of each record"
        )
    return sobject


def _run(srv, items, all_or_none, action):
    """Apply ``action`` per item; roll everything back on failure if allOrNone."""
    results, failed = [], False
    try:
        with srv.store.atomic():
            for item in items:
                results.append(_one(srv, item, action))
                failed = failed or not results[-1]["success"]
            if failed and all_or_none:
                raise _RollBack
    except _RollBack:
        return [
            r if not r["success"] else _failure(_ROLLED_BACK, None) for r in results
        ]
    return results


class _RollBack(Exception):
    pass


def _one(srv, item, action):
    try:
        with srv.store.atomic():
            return action(item)
    except SalesforceError as exc:
        rid = item.get("Id") if isinstance(item, dict) else item
        return _failure(exc, rid if isinstance(rid, str) else None)


def _failure(exc, rid):
    return {"id": rid, "success": False, "errors": [exc.as_collection_error()]}


def _success(rid, **extra):
    return {"id": rid, "success": True, "errors": [], **extra}


def create(srv, req):
    records, all_or_none = _payload(req)
    for rec in records:
        if isinstance(rec, dict) and rec.get("Id"):
            fail("INVALID_FIELD", "cannot specify Id in an insert call", fields=["Id"])

    def action(rec):
        return _success(srv.store.insert(_type_of(rec), rec)["Id"])

    return ok(_run(srv, records, all_or_none, action))


def update(srv, req):
    records, all_or_none = _payload(req)

    def action(rec):
        if not rec.get("Id"):
            raise SalesforceError("MISSING_ARGUMENT", "Id not specified in an update")
        return _success(srv.store.update(_type_of(rec), rec["Id"], rec)["Id"])

    return ok(_run(srv, records, all_or_none, action))


def upsert(srv, req):
    records, all_or_none = _payload(req)
    sobject, field = req.params["sobject"], req.params["field"]
    srv.store.find_by_external(sobject, field, None)

    def action(rec):
        value = next((v for k, v in rec.items() if k.lower() == field.lower()), None)
        if value is None:
            raise SalesforceError(
                "MISSING_ARGUMENT", f"{field} not specified", fields=[field]
            )
        saved, created = srv.store.upsert(_type_of(rec, sobject), field, value, rec)
        return _success(saved["Id"], created=created)

    return ok(_run(srv, records, all_or_none, action))


def delete(srv, req):
    ids = [i for i in (query_arg(req, "ids") or "").split(",") if i]
    if len(ids) > MAX_RECORDS:
        fail("EXCEEDED_ID_LIMIT", f"record limit exceeded: {MAX_RECORDS}")
    all_or_none = query_arg(req, "allOrNone", "false").lower() == "true"

    def action(rid):
        sobject = srv.sobject_for_id(rid)
        return _success(srv.store.delete(sobject, rid)["Id"])

    return ok(_run(srv, ids, all_or_none, action))


def retrieve(srv, req):
    stype = srv.store.schema.get(req.params["sobject"])
    ids = [i for i in (query_arg(req, "ids") or "").split(",") if i]
    fields = [f for f in (query_arg(req, "fields") or "").split(",") if f]
    if not fields:
        fail("MALFORMED_QUERY", "fields parameter is required")
    out = []
    for rid in ids:
        try:
            rec = srv.store.get(stype.name, rid)
        except SalesforceError:
            out.append(None)
            continue
        out.append(record_body(rec, stype, version_of(req), fields))
    return ok(out)
