"""Handlers for organizations, users and tickets: CRUD, search, show_many, bulk.

Each handler is ``handler(srv, req) -> Response``; errors are raised as
``ZendeskError`` and rendered by the core. ``KIND`` maps the URL segment to the
store's kind so one set of handlers serves all three objects.
"""

from ..core import Response
from . import jobs
from .errors import bad_request, not_found
from .paging import paginate
from .store import iso

PLURAL = {"organization": "organizations", "user": "users", "ticket": "tickets"}


def body(req, key):
    """The object under ``key`` in the JSON body (400 when missing or malformed)."""
    try:
        data = req.json()
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None
    if not isinstance(data, dict) or key not in data:
        raise bad_request(f"Parameter {key} is required", "ParameterMissing")
    return data[key]


def render(srv, kind, row):
    return dict(row, url=f"{srv.url}/api/v2/{PLURAL[kind]}/{row['id']}.json")


def renderer(srv, kind):
    rows = srv.domain.store.table(kind).rows
    return lambda rid: render(srv, kind, rows[rid])


# -- single objects ----------------------------------------------------------------
def list_rows(srv, req, kind):
    ids = srv.domain.store.table(kind).live
    base = f"{srv.url}{req.path}"
    return Response(200, paginate(req, base, ids, renderer(srv, kind), PLURAL[kind]))


def show(srv, req, kind):
    """Deleted users stay readable (``active: false``), as on Zendesk."""
    row = srv.domain.get(kind, _id(req), deleted=kind == "user")
    return Response(200, {kind: render(srv, kind, row)})


def create(srv, req, kind):
    row = srv.domain.create(kind, body(req, kind))
    return Response(201, {kind: render(srv, kind, row)},
                    headers={"Location": render(srv, kind, row)["url"]})  # fmt: skip


def update(srv, req, kind):
    row = srv.domain.update(kind, _id(req), body(req, kind))
    return Response(200, {kind: render(srv, kind, row)})


def destroy(srv, req, kind):
    """Users answer 200 with the deactivated user; organizations and tickets 204."""
    row = srv.domain.delete(kind, _id(req))
    if kind == "user":
        return Response(200, {"user": render(srv, kind, row)})
    return Response(204, b"")


def create_or_update(srv, req, kind):
    row, created = srv.domain.create_or_update(kind, body(req, kind))
    return Response(201 if created else 200, {kind: render(srv, kind, row)})


# -- lookups -------------------------------------------------------------------------
def search(srv, req, kind):
    """``/search.json?external_id=`` (orgs, users), ``?name=`` / ``?query=``."""
    svc = srv.domain
    if req.arg("external_id") is not None:
        found = [svc.find(kind, "external_id", req.arg("external_id"))]
    elif kind == "organization" and req.arg("name") is not None:
        found = [svc.find(kind, "name", req.arg("name"))]
    elif kind == "user" and req.arg("query") is not None:
        found = _user_query(svc, req.arg("query"))
    else:
        raise bad_request("external_id, name or query is required")
    rows = [render(srv, kind, row) for row in found if row is not None]
    return Response(200, {PLURAL[kind]: rows, "next_page": None,
                          "previous_page": None, "count": len(rows)})  # fmt: skip


def _user_query(svc, query):
    query = query.strip()
    if query.startswith("email:"):
        return [svc.find("user", "email", query[6:])]
    if query.startswith("external_id:"):
        return [svc.find("user", "external_id", query[12:])]
    table = svc.store.table("user")
    needle = query.lower()
    return [table.rows[rid] for rid in table.live
            if needle in (table.rows[rid]["name"] or "").lower()
            or needle in (table.rows[rid]["email"] or "").lower()][:100]  # fmt: skip


def show_many(srv, req, kind):
    svc = srv.domain
    if req.arg("ids"):
        rows = [svc.store.get(kind, _int(rid)) for rid in _csv(req.arg("ids"))]
    elif req.arg("external_ids") and kind != "ticket":
        rows = [svc.find(kind, "external_id", ext)
                for ext in _csv(req.arg("external_ids"))]  # fmt: skip
    else:
        raise bad_request("ids or external_ids is required")
    rows = [render(srv, kind, row) for row in rows if row is not None][:100]
    return Response(200, {PLURAL[kind]: rows, "next_page": None,
                          "previous_page": None, "count": len(rows)})  # fmt: skip


# -- bulk ------------------------------------------------------------------------------
def create_many(srv, req, kind):
    rows = jobs.items(_json(req), PLURAL[kind])

    def op(index, item):
        row = srv.domain.create(kind, item)
        return {"index": index, "id": row["id"], "status": "Created",
                "success": True, "action": "create",
                "external_id": row.get("external_id")}  # fmt: skip

    return _job(srv, jobs.run(rows, op))


def update_many(srv, req, kind):
    data = _json(req)
    if req.arg("ids"):
        changes = body(req, kind)
        rows = [dict(changes, id=rid) for rid in _csv(req.arg("ids"))]
    else:
        rows = jobs.items(data, PLURAL[kind])

    def op(index, item):
        if item.get("id") is None:
            raise bad_request("id is required")
        row = srv.domain.update(kind, item["id"], item)
        return {"index": index, "id": row["id"], "status": "Updated",
                "success": True, "action": "update"}  # fmt: skip

    return _job(srv, jobs.run(rows, op))


def create_or_update_many(srv, req, kind):
    rows = jobs.items(_json(req), PLURAL[kind])

    def op(index, item):
        row, created = srv.domain.create_or_update(kind, item)
        return {"index": index, "id": row["id"], "success": True,
                "status": "Created" if created else "Updated",
                "action": "create" if created else "update",
                "external_id": row.get("external_id")}  # fmt: skip

    return _job(srv, jobs.run(rows, op))


def merge_tickets(srv, req):
    ids = (_json(req) or {}).get("ids") or []
    target = srv.domain.merge_tickets(_id(req), [_int(rid) for rid in ids])
    result = {"id": target["id"], "merged_ids": ids, "status": "Merged",
              "success": True}  # fmt: skip
    return _job(srv, [result])


def merge_users(srv, req):
    target_id = body(req, "user").get("id")
    target = srv.domain.merge_users(_id(req), target_id)
    return Response(200, {"user": render(srv, "user", target)})


def job_status(srv, req):
    status = srv.jobs.get(req.params["id"], srv.url)
    return Response(200, {"job_status": status})


def _job(srv, results):
    status = srv.jobs.add(results, srv.url, iso(srv.domain.store.clock.now()))
    return Response(200, {"job_status": status})


def custom_fields(srv, req, kind):
    declared = srv.domain.custom[kind].values()
    rows = [field.as_api(kind, i) for i, field in enumerate(declared)]
    return Response(200, {f"{kind}_fields": rows, "next_page": None,
                          "previous_page": None, "count": len(rows)})  # fmt: skip


# -- helpers -----------------------------------------------------------------------
def _json(req):
    try:
        return req.json()
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None


def _id(req):
    return _int(req.params["id"])


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise not_found() from None


def _csv(raw):
    return [part.strip() for part in raw.split(",") if part.strip()]
