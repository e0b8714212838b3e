"""Bulk API 2.0 query jobs: create, poll (UploadComplete -> InProgress ->
JobComplete, one step per poll), fetch CSV results by locator, abort, delete.

The query is validated when the job is created (bad SOQL fails the POST, as on the
real API) and executed when the job completes, so records written while a job is
"running" are included, as they can be on the real service.
"""

import csv
import io
import threading

from .execute import compile_query, run
from .replies import body_json, fail, no_content, ok, query_arg, version_of

DELIMITERS = {"COMMA": ",", "TAB": "\t", "PIPE": "|", "SEMICOLON": ";",
              "CARET": "^", "BACKQUOTE": "`"}  # fmt: skip
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
STATES = ["UploadComplete", "InProgress", "JobComplete"]


class Jobs:
    def __init__(self):
        self.jobs = {}
        self.lock = threading.Lock()

    def clear(self):
        with self.lock:
            self.jobs.clear()


def create_job(srv, req):
    body = body_json(req)
    operation = body.get("operation")
    if operation not in ("query", "queryAll"):
        fail("INVALIDJOB", f"Invalid operation: {operation}")
    if body.get("columnDelimiter", "COMMA") not in DELIMITERS:
        fail("INVALIDJOB", "Invalid columnDelimiter")
    if body.get("lineEnding", "LF") not in LINE_ENDINGS:
        fail("INVALIDJOB", "Invalid lineEnding")
    plan = compile_query(srv.store.schema, srv.store, body.get("query") or "")
    if plan.query.count_only or plan.aggregates or _has_subquery(plan):
        fail("INVALIDJOB", "Aggregate queries and subqueries are not supported")
    now = srv.store.clock.now()
    job = {
        "id": srv.store.ids.new("BulkJob"), "operation": operation,
        "object": plan.stype.name, "createdById": srv.store.user_id,
        "createdDate": now, "systemModstamp": now, "state": STATES[0],
        "concurrencyMode": "Parallel", "contentType": "CSV",
        "apiVersion": float(version_of(req)),
        "lineEnding": body.get("lineEnding", "LF"),
        "columnDelimiter": body.get("columnDelimiter", "COMMA"),
    }  # fmt: skip
    with srv.jobs.lock:
        srv.jobs.jobs[job["id"]] = {"info": job, "plan": plan, "rows": None}
    return ok(dict(job))


def _has_subquery(plan):
    return any(isinstance(item, tuple) for item in plan.select)


def _job(srv, req):
    job = srv.jobs.jobs.get(req.params["job"])
    if job is None:
        fail("NOT_FOUND", "The requested resource does not exist", 404)
    return job


def get_job(srv, req):
    job = _job(srv, req)
    info = job["info"]
    if info["state"] in STATES[:-1]:
        info["state"] = STATES[STATES.index(info["state"]) + 1]
        info["systemModstamp"] = srv.store.clock.now()
    if info["state"] == "JobComplete" and job["rows"] is None:
        deleted = info["operation"] == "queryAll"
        job["rows"] = run(srv.store, job["plan"], include_deleted=deleted)
    stats = {"numberRecordsProcessed": len(job["rows"] or []), "retries": 0,
             "totalProcessingTime": 1 if job["rows"] is not None else 0}  # fmt: skip
    return ok({**info, **stats})


def list_jobs(srv, req):
    records = [dict(j["info"]) for j in srv.jobs.jobs.values()]
    return ok({"done": True, "records": records, "nextRecordsUrl": None})


def abort_job(srv, req):
    job = _job(srv, req)
    state = body_json(req).get("state")
    if state != "Aborted" or job["info"]["state"] == "JobComplete":
        fail("INVALIDJOB", f"Cannot change job state to {state}")
    job["info"]["state"] = "Aborted"
    return ok(dict(job["info"]))


def delete_job(srv, req):
    _job(srv, req)
    with srv.jobs.lock:
        srv.jobs.jobs.pop(req.params["job"], None)
    return no_content()


def results(srv, req):
    """One CSV page; ``Sforce-Locator`` names the next page or is "null"."""
    job = _job(srv, req)
    if job["info"]["state"] != "JobComplete" or job["rows"] is None:
        fail("INVALIDJOB", "Job is not complete; poll the job until JobComplete")
    max_records = int(query_arg(req, "maxRecords") or 50000)
    locator = query_arg(req, "locator") or "0"
    if not locator.isdigit() or max_records <= 0:
        fail("INVALIDLOCATOR", f"Invalid locator: {locator}")
    start = int(locator)
    rows = job["rows"][start : start + max_records]
    following = start + max_records
    next_locator = str(following) if following < len(job["rows"]) else "null"
    headers = {"Sforce-Locator": next_locator, "Sforce-NumberOfRecords": str(len(rows))}
    text = to_csv(srv, job, rows)
    return srv.csv_response(text, headers)


def to_csv(srv, job, rows):
    plan, info = job["plan"], job["info"]
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=DELIMITERS[info["columnDelimiter"]],
        lineterminator=LINE_ENDINGS[info["lineEnding"]],
        quoting=csv.QUOTE_ALL,
    )
    writer.writerow([path.label for path in plan.select])
    for rec in rows:
        writer.writerow([_cell(path.get(srv.store, rec)) for path in plan.select])
    return out.getvalue()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
