"""Bulk endpoints and their job statuses.

``create_many``, ``update_many``, ``create_or_update_many`` and ticket merges answer
with a queued ``job_status``; the connector must poll ``/job_statuses/{id}.json``,
which then reports ``completed`` with one result per item. The sandbox applies the
work at once (deterministic tests) but still makes the client poll once, since a
client that reads ``results`` from the first answer would break against Zendesk.
"""

import secrets

from .errors import ZendeskError, bad_request, not_found

MAX_BATCH = 100


class Jobs:
    def __init__(self):
        self.jobs = {}

    def reset(self):
        self.jobs = {}

    def add(self, results, base_url, finished_at):
        job_id = secrets.token_hex(16)
        self.jobs[job_id] = {"results": results, "polled": False,
                             "finished_at": finished_at}  # fmt: skip
        return self.render(job_id, base_url, queued=True)

    def get(self, job_id, base_url):
        if job_id not in self.jobs:
            raise not_found()
        return self.render(job_id, base_url, queued=False)

    def render(self, job_id, base_url, queued):
        job = self.jobs[job_id]
        total = len(job["results"])
        return {
            "id": job_id, "url": f"{base_url}/api/v2/job_statuses/{job_id}.json",
            "total": total, "progress": 0 if queued else total,
            "status": "queued" if queued else "completed",
            "message": None if queued else f"Completed at {job['finished_at']}",
            "results": None if queued else job["results"],
        }  # fmt: skip


def items(payload, plural):
    """The list under ``plural``; more than 100 items is a 400, as on Zendesk."""
    rows = (payload or {}).get(plural)
    if not isinstance(rows, list):
        raise bad_request(f"{plural} must be an array")
    if len(rows) > MAX_BATCH:
        raise bad_request(f"Too many {plural}: the limit is {MAX_BATCH}",
                          "TooManyValues")  # fmt: skip
    return rows


def run(rows, operation):
    """Apply ``operation(index, item) -> result`` to each item; failures recorded."""
    results = []
    for index, item in enumerate(rows):
        try:
            results.append(operation(index, item))
        except ZendeskError as exc:
            results.append({"index": index, "status": "Failed", "success": False,
                            "error": exc.body["error"],
                            "details": _flatten(exc.body)})  # fmt: skip
    return results


def _flatten(body):
    details = body.get("details")
    if not details:
        return body.get("description")
    return "; ".join(d["description"] for errs in details.values() for d in errs)
