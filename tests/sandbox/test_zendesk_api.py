"""Zendesk sandbox objects through ``requests``: auth, CRUD, validation, lookups,
create-or-update idempotency, bulk jobs, pagination and merges."""

import base64

import pytest
import requests

from sandbox.zendesk.server import ZendeskServer, basic_auth

EMAIL, TOKEN = "agent@example.com", "token123"


@pytest.fixture(scope="module")
def server():
    with ZendeskServer(api_tokens={(EMAIL, TOKEN)}, oauth_tokens={"oauth-1"}) as srv:
        yield srv


@pytest.fixture
def api(server):
    requests.post(f"{server.url}/_sandbox/reset", timeout=5).raise_for_status()
    session = requests.Session()
    session.headers["Authorization"] = basic_auth(EMAIL, TOKEN)
    session.base = f"{server.url}/api/v2"
    yield session
    session.close()


def _org(api, **values):
    values.setdefault("name", f"Org {values.get('external_id', 'x')}")
    resp = api.post(f"{api.base}/organizations.json", json={"organization": values})
    assert resp.status_code == 201, resp.text
    return resp.json()["organization"]


def _poll(api, job):
    assert job["status"] == "queued" and job["results"] is None
    done = api.get(job["url"]).json()["job_status"]
    assert done["status"] == "completed"
    assert done["progress"] == done["total"]
    return done["results"]


# -- auth --------------------------------------------------------------------------
def test_api_token_and_oauth_are_accepted(server, api):
    assert api.get(f"{api.base}/organizations.json").status_code == 200
    bearer = {"Authorization": "Bearer oauth-1"}
    assert (
        requests.get(f"{api.base}/users.json", headers=bearer, timeout=5).status_code
        == 200
    )


@pytest.mark.parametrize(
    "header",
    [
        basic_auth(EMAIL, "wrong"),
        "Basic " + base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode(),
        "Bearer nope",
        "Basic !!!",
        None,
    ],
)
def test_bad_credentials_get_401(api, header):
    headers = {"Authorization": header} if header else {}
    resp = requests.get(f"{api.base}/tickets.json", headers=headers, timeout=5)
    assert resp.status_code == 401
    assert resp.json() == {"error": "Couldn't authenticate you"}


# -- CRUD and validation --------------------------------------------------------------
def test_organization_crud(api):
    org = _org(api, external_id="P-1", name="Acme", tags=["VIP", "vip"],
               organization_fields={"tier": "premium", "odoo_id": 42})  # fmt: skip
    assert org["url"].endswith(f"/api/v2/organizations/{org['id']}.json")
    assert org["tags"] == ["vip"]
    assert org["organization_fields"]["tier"] == "premium"
    assert org["organization_fields"]["region"] is None
    url = f"{api.base}/organizations/{org['id']}.json"
    changed = api.put(url, json={"organization": {"notes": "n",
                      "organization_fields": {"region": "EU"}}}).json()  # fmt: skip
    fields = changed["organization"]["organization_fields"]
    assert fields == {"account_number": None, "region": "EU", "odoo_id": 42,
                      "tier": "premium"}  # fmt: skip
    assert api.get(url).json()["organization"]["notes"] == "n"
    assert api.delete(url).status_code == 204
    gone = api.get(url)
    assert gone.status_code == 404 and gone.json()["error"] == "RecordNotFound"


def test_unknown_organization_field_is_422(api):
    resp = api.post(f"{api.base}/organizations.json", json={"organization": {
        "name": "Bad", "organization_fields": {"colour": "red"}}})  # fmt: skip
    assert resp.status_code == 422
    body = resp.json()
    assert body["error"] == "RecordInvalid"
    assert body["details"] == {"organization_fields": [{
        "description": "organization_fields: unknown field 'colour'",
        "error": "InvalidValue"}]}  # fmt: skip
    bad_value = api.post(f"{api.base}/organizations.json", json={"organization": {
        "name": "Bad", "organization_fields": {"tier": "gold"}}})  # fmt: skip
    assert bad_value.status_code == 422
    assert api.get(f"{api.base}/organizations.json").json()["count"] == 0


def test_duplicate_external_id_and_name_are_422(api):
    _org(api, external_id="P-1", name="Acme")
    for values, field in (
        ({"external_id": "p-1", "name": "Other"}, "external_id"),
        ({"external_id": "P-2", "name": "ACME"}, "name"),
    ):
        resp = api.post(f"{api.base}/organizations.json",
                        json={"organization": values})  # fmt: skip
        assert resp.status_code == 422
        assert resp.json()["details"][field][0]["error"] == "DuplicateValue"


def test_user_validation(api):
    url = f"{api.base}/users.json"
    bad_email = api.post(url, json={"user": {"name": "A", "email": "nope"}})
    assert bad_email.status_code == 422 and "email" in bad_email.json()["details"]
    bad_org = api.post(url, json={"user": {"name": "A", "organization_id": 9}})
    assert bad_org.json()["details"]["organization_id"][0]["error"] == "InvalidValue"
    blank = api.post(url, json={"user": {"email": "a@example.com"}})
    assert blank.json()["details"]["name"][0]["error"] == "BlankValue"
    assert api.post(url, data="{oops").status_code == 400


def test_ticket_defaults_and_closed_tickets(api):
    org = _org(api, external_id="P-1")
    user = api.post(f"{api.base}/users.json", json={"user": {
        "name": "Ann", "email": "ann@example.com", "organization_id": org["id"]}}
    ).json()["user"]  # fmt: skip
    ticket = api.post(f"{api.base}/tickets.json", json={"ticket": {
        "comment": {"body": "Printer on fire"}, "requester_id": user["id"],
        "priority": "urgent"}}).json()["ticket"]  # fmt: skip
    assert ticket["status"] == "new" and ticket["subject"] == "Printer on fire"
    assert ticket["organization_id"] == org["id"]
    url = f"{api.base}/tickets/{ticket['id']}.json"
    bad = api.put(url, json={"ticket": {"status": "archived"}})
    assert bad.status_code == 422
    assert api.put(url, json={"ticket": {"status": "closed"}}).status_code == 200
    locked = api.put(url, json={"ticket": {"subject": "x"}})
    assert locked.json()["details"]["status"][0]["error"] == "ClosedTicket"


# -- lookups ------------------------------------------------------------------------
def test_search_and_show_many(api):
    a, b = _org(api, external_id="P-1"), _org(api, external_id="P-2")
    found = api.get(f"{api.base}/organizations/search.json",
                    params={"external_id": "P-2"}).json()  # fmt: skip
    assert [o["id"] for o in found["organizations"]] == [b["id"]]
    many = api.get(f"{api.base}/organizations/show_many.json",
                   params={"ids": f"{a['id']},{b['id']},999"}).json()  # fmt: skip
    assert [o["external_id"] for o in many["organizations"]] == ["P-1", "P-2"]
    by_ext = api.get(f"{api.base}/organizations/show_many.json",
                     params={"external_ids": "P-2,P-9"}).json()  # fmt: skip
    assert [o["id"] for o in by_ext["organizations"]] == [b["id"]]
    api.post(f"{api.base}/users.json", json={"user": {
        "name": "Bo", "email": "bo@example.com", "external_id": "C-7"}})  # fmt: skip
    users = api.get(f"{api.base}/users/search.json", params={"external_id": "C-7"})
    assert users.json()["users"][0]["email"] == "bo@example.com"
    by_mail = api.get(f"{api.base}/users/search.json",
                      params={"query": "email:BO@example.com"})  # fmt: skip
    assert by_mail.json()["count"] == 1


# -- create or update ---------------------------------------------------------------
def test_create_or_update_is_idempotent_by_external_id(api):
    url = f"{api.base}/organizations/create_or_update.json"
    statuses = []
    for name in ("Acme", "Acme Ltd", "Acme Ltd"):
        resp = api.post(url, json={"organization": {"external_id": "P-1",
                                                    "name": name}})  # fmt: skip
        statuses.append(resp.status_code)
    assert statuses == [201, 200, 200]
    orgs = api.get(f"{api.base}/organizations.json").json()
    assert orgs["count"] == 1 and orgs["organizations"][0]["name"] == "Acme Ltd"


def test_user_create_or_update_matches_email_then_external_id(api):
    url = f"{api.base}/users/create_or_update.json"
    first = api.post(url, json={"user": {"name": "A", "email": "a@example.com"}})
    again = api.post(url, json={"user": {"name": "A2", "email": "A@example.com",
                                         "external_id": "C-1"}})  # fmt: skip
    by_ext = api.post(url, json={"user": {"name": "A3", "external_id": "C-1"}})
    assert [first.status_code, again.status_code, by_ext.status_code] == [201, 200, 200]
    users = api.get(f"{api.base}/users.json").json()["users"]
    assert [(u["name"], u["external_id"]) for u in users] == [("A3", "C-1")]


def test_bulk_jobs_report_results_and_stay_idempotent(api):
    orgs = [{"name": f"Org {i}", "external_id": f"P-{i}"} for i in range(3)]
    orgs.append({"name": "Org 0", "external_id": "P-dup"})
    job = api.post(f"{api.base}/organizations/create_many.json",
                   json={"organizations": orgs}).json()["job_status"]  # fmt: skip
    results = _poll(api, job)
    assert [r["status"] for r in results] == ["Created"] * 3 + ["Failed"]
    assert results[3]["error"] == "RecordInvalid"
    ids = [r["id"] for r in results[:3]]
    update = api.put(f"{api.base}/organizations/update_many.json", json={
        "organizations": [{"id": rid, "notes": "bulk"} for rid in ids]})  # fmt: skip
    assert {r["status"] for r in _poll(api, update.json()["job_status"])} == {
        "Updated"}  # fmt: skip
    users = [{"name": f"U{i}", "email": f"u{i}@example.com", "external_id": f"C{i}"}
             for i in range(5)]  # fmt: skip
    url = f"{api.base}/users/create_or_update_many.json"
    for expected in ("Created", "Updated"):
        job = api.post(url, json={"users": users}).json()["job_status"]
        assert {r["status"] for r in _poll(api, job)} == {expected}
    assert api.get(f"{api.base}/users.json").json()["count"] == 5
    too_many = api.post(url, json={"users": users * 21})
    assert too_many.status_code == 400


# -- pagination -----------------------------------------------------------------------
def test_cursor_pagination_walks_2500_organizations(server, api):
    requests.post(
        f"{server.url}/_sandbox/seed",
        json={"size": 0, "organizations": 2500, "users": 0, "tickets": 0},
        timeout=30,
    )
    url, seen, pages = f"{api.base}/organizations.json?page[size]=100", [], 0
    while url:
        body = api.get(url).json()
        seen += [o["id"] for o in body["organizations"]]
        pages += 1
        url = body["links"]["next"] if body["meta"]["has_more"] else None
    assert pages == 25 and len(seen) == len(set(seen)) == 2500
    assert seen == sorted(seen)
    assert api.get(f"{api.base}/organizations.json?page[size]=500").json()[
        "meta"]["after_cursor"]  # fmt: skip
    capped = api.get(f"{api.base}/organizations.json", params={"page[size]": 500})
    assert len(capped.json()["organizations"]) == 100
    back = api.get(body["links"]["prev"]).json()
    assert [o["id"] for o in back["organizations"]] == seen[2300:2400]


def test_offset_pagination(server, api):
    requests.post(
        f"{server.url}/_sandbox/seed",
        json={"size": 0, "organizations": 0, "users": 250, "tickets": 0},
        timeout=30,
    )
    body = api.get(f"{api.base}/users.json", params={"per_page": 100}).json()
    assert body["count"] == 250 and len(body["users"]) == 100
    last = api.get(f"{api.base}/users.json", params={"page": 3}).json()
    assert len(last["users"]) == 50 and last["next_page"] is None
    assert "page=2" in last["previous_page"]


# -- merges ---------------------------------------------------------------------------
def test_ticket_and_user_merges(api):
    post = api.post
    ann = post(f"{api.base}/users.json", json={"user": {
        "name": "Ann", "email": "ann@example.com"}}).json()["user"]  # fmt: skip
    dup = post(f"{api.base}/users.json", json={"user": {
        "name": "Ann 2", "email": "ann2@example.com"}}).json()["user"]  # fmt: skip
    tickets = [post(f"{api.base}/tickets.json", json={"ticket": {
        "description": f"t{i}", "requester_id": dup["id"]}}).json()["ticket"]
        for i in range(3)]  # fmt: skip
    target, sources = tickets[0], tickets[1:]
    job = post(
        f"{api.base}/tickets/{target['id']}/merge.json",
        json={"ids": [t["id"] for t in sources]},
    ).json()["job_status"]
    assert _poll(api, job)[0]["status"] == "Merged"
    for source in sources:
        row = api.get(f"{api.base}/tickets/{source['id']}.json").json()["ticket"]
        assert row["status"] == "closed" and "closed_by_merge" in row["tags"]
    merged = api.put(f"{api.base}/users/{dup['id']}/merge.json",
                     json={"user": {"id": ann["id"]}})  # fmt: skip
    assert merged.json()["user"]["id"] == ann["id"]
    gone = api.get(f"{api.base}/users/{dup['id']}.json").json()["user"]
    assert gone["active"] is False
    listed = api.get(f"{api.base}/users.json").json()["users"]
    assert [u["id"] for u in listed] == [ann["id"]]
    moved = api.get(f"{api.base}/tickets/{target['id']}.json").json()["ticket"]
    assert moved["requester_id"] == ann["id"]
