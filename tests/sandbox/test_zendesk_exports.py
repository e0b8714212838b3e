"""Incremental exports: cursor walks to end_of_stream and resumes, time-based walks
survive same-second bursts, deletions show up, and the 10/minute export limit."""

import calendar
import random
import time

import pytest
import requests

from sandbox.zendesk.server import ZendeskServer, basic_auth


@pytest.fixture(scope="module")
def server():
    with ZendeskServer(export_limit=1000) as srv:
        yield srv


@pytest.fixture
def api(server):
    with server.lock:
        server.reset()
    server.export_lag = 0
    session = requests.Session()
    session.headers["Authorization"] = basic_auth("admin@example.com", "sandbox-token")
    session.base = f"{server.url}/api/v2"
    yield session
    session.close()


def _walk(api, url, plural):
    """Follow ``after_url`` until ``end_of_stream``; returns (ids, pages, last)."""
    ids, pages = [], 0
    while True:
        body = api.get(url).json()
        ids += [row["id"] for row in body[plural]]
        pages += 1
        if body["end_of_stream"]:
            return ids, pages, body
        url = body["after_url"]


def test_ticket_cursor_export_walks_and_resumes(server, api):
    server.seed(0, random.Random(3), organizations=50, users=100, tickets=2500)
    first = f"{api.base}/incremental/tickets/cursor.json?start_time=0"
    ids, pages, last = _walk(api, first, "tickets")
    assert pages == 3 and len(ids) == len(set(ids)) == 2500
    assert last["after_cursor"] and last["tickets"][-1]["id"] == max(ids)
    statuses = {t["status"] for t in api.get(first).json()["tickets"]}
    assert statuses >= {"new", "open", "pending", "solved", "closed"}
    # nothing new: resuming returns an empty, final page
    resume = f"{api.base}/incremental/tickets/cursor.json"
    empty = api.get(resume, params={"cursor": last["after_cursor"]}).json()
    assert empty["tickets"] == [] and empty["end_of_stream"] is True
    changed_id, deleted_id = ids[10], ids[20]
    api.put(f"{api.base}/tickets/{changed_id}.json",
            json={"ticket": {"priority": "urgent", "status": "open"}})  # fmt: skip
    assert api.delete(f"{api.base}/tickets/{deleted_id}.json").status_code == 204
    after = api.get(resume, params={"cursor": empty["after_cursor"]}).json()
    rows = {t["id"]: t for t in after["tickets"]}
    assert list(rows) == [changed_id, deleted_id]
    assert rows[changed_id]["priority"] == "urgent"
    assert rows[deleted_id]["status"] == "deleted"
    assert api.get(f"{api.base}/tickets/{deleted_id}.json").status_code == 404


def test_start_time_skips_older_changes(server, api):
    server.seed(0, random.Random(4), organizations=5, users=20, tickets=200)
    tickets = api.get(f"{api.base}/tickets.json").json()["tickets"]
    middle = tickets[50]["updated_at"]
    epoch = calendar.timegm(time.strptime(middle, "%Y-%m-%dT%H:%M:%SZ"))
    body = api.get(f"{api.base}/incremental/tickets/cursor.json",
                   params={"start_time": epoch}).json()  # fmt: skip
    assert body["tickets"][0]["id"] == tickets[50]["id"]
    assert len(body["tickets"]) == 150
    future = api.get(f"{api.base}/incremental/tickets/cursor.json",
                     params={"start_time": int(time.time()) + 3600})  # fmt: skip
    assert future.status_code == 400


def test_user_cursor_export_shows_deleted_users(server, api):
    server.seed(0, random.Random(5), organizations=3, users=30, tickets=0)
    url = f"{api.base}/incremental/users/cursor.json?start_time=0&per_page=7"
    ids, pages, last = _walk(api, url, "users")
    assert len(ids) == 30 and pages == 5
    api.delete(f"{api.base}/users/{ids[3]}.json")
    after = api.get(last["after_url"]).json()
    assert [(u["id"], u["active"]) for u in after["users"]] == [(ids[3], False)]


def test_time_based_organization_export_survives_same_second_burst(server, api):
    for batch in range(15):  # 1,500 organizations written within a second or two
        orgs = [{"name": f"O{batch}-{i}", "external_id": f"E{batch}-{i}"}
                for i in range(100)]  # fmt: skip
        api.post(f"{api.base}/organizations/create_many.json",
                 json={"organizations": orgs})  # fmt: skip
    url = f"{api.base}/incremental/organizations.json?start_time=0"
    seen, pages = set(), 0
    while True:
        body = api.get(url).json()
        pages += 1
        seen |= {o["external_id"] for o in body["organizations"]}
        assert body["count"] == len(body["organizations"])
        if body["end_of_stream"] or pages > 10:
            break
        url = body["next_page"]
    assert len(seen) == 1500 and pages <= 4
    victim = api.get(
        f"{api.base}/organizations/search.json", params={"external_id": "E0-0"}
    ).json()["organizations"][0]
    api.delete(victim["url"])
    again = api.get(url).json()["organizations"]
    deleted = [o for o in again if o["id"] == victim["id"]]
    assert deleted and deleted[0]["deleted_at"] == deleted[0]["updated_at"]


def test_export_lag_holds_back_recent_changes(server, api):
    api.post(f"{api.base}/tickets.json", json={"ticket": {"description": "fresh"}})
    server.export_lag = 60
    body = api.get(f"{api.base}/incremental/tickets/cursor.json",
                   params={"start_time": 0}).json()  # fmt: skip
    assert body["tickets"] == [] and body["end_of_stream"] is True
    server.export_lag = 0
    later = api.get(body["after_url"]).json()
    assert [t["description"] for t in later["tickets"]] == ["fresh"]


def test_export_rate_limit_is_per_endpoint():
    with ZendeskServer(export_limit=2) as srv:
        headers = {"Authorization": basic_auth("admin@example.com", "sandbox-token")}
        tickets = f"{srv.url}/api/v2/incremental/tickets/cursor.json?start_time=0"
        codes = [
            requests.get(tickets, headers=headers, timeout=5).status_code
            for _ in range(3)
        ]
        assert codes == [200, 200, 429]
        limited = requests.get(tickets, headers=headers, timeout=5)
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.json()["error"] == "APIRateLimitExceeded"
        users = f"{srv.url}/api/v2/incremental/users/cursor.json?start_time=0"
        assert requests.get(users, headers=headers, timeout=5).status_code == 200


def test_seed_builds_a_large_dataset_quickly():
    srv = ZendeskServer()
    started = time.monotonic()
    counts = srv.seed(20000, random.Random(1))
    assert counts == {"organizations": 20000, "users": 40000, "tickets": 40000}
    assert time.monotonic() - started < 15
    store = srv.domain.store
    tickets = store.table("ticket").rows.values()
    orgs = store.table("organization")
    sample = list(tickets)[:500]
    assert all(orgs.rows[t["organization_id"]]["external_id"].startswith("org-")
               for t in sample)  # fmt: skip
    assert store.table("ticket").log == sorted(store.table("ticket").log)


def test_admin_seed_attaches_tickets_to_given_organizations(server, api):
    refs = ["res.partner,7", "res.partner,8", "res.partner,9"]
    resp = requests.post(
        f"{server.url}/_sandbox/seed",
        timeout=30,
        json={
            "size": 0,
            "organization_external_ids": refs,
            "users": 30,
            "tickets": 2000,
        },
    )
    assert resp.json()["counts"] == {"organizations": 3, "users": 30,
                                     "tickets": 2000}  # fmt: skip
    orgs = api.get(f"{api.base}/organizations.json").json()["organizations"]
    by_id = {o["id"]: o["external_id"] for o in orgs}
    assert sorted(by_id.values()) == refs
    body = api.get(f"{api.base}/incremental/tickets/cursor.json",
                   params={"start_time": 0}).json()  # fmt: skip
    tickets = body["tickets"]
    assert len(tickets) == 1000 and body["end_of_stream"] is False
    assert {by_id[t["organization_id"]] for t in tickets} == set(refs)
    assert {t["status"] for t in tickets} == {"new", "open", "pending", "hold",
                                              "solved", "closed"}  # fmt: skip
