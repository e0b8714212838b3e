"""Bulk 2.0 queries, API limits, injected faults and seeding at scale."""

import csv
import io
import random
import time

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceGeneralError,
    SalesforceRefusedRequest,
)

from sandbox.salesforce.server import SalesforceServer


@pytest.fixture(scope="module")
def server():
    with SalesforceServer() as srv:
        yield srv


@pytest.fixture
def sf(server):
    server.reset()
    server.faults.reset()
    server.seed(
        0,
        random.Random(3),
        accounts=120,
        contacts=30,
        products=5,
        opportunities=10,
        closed_won=4,
    )
    return Salesforce(
        instance_url=server.url,
        session_id=server.session_id,
        session=server.requests_session(),
        version="61.0",
    )


def test_bulk2_query_returns_csv_pages(sf, server):
    pages = list(
        sf.bulk2.Account.query(
            "SELECT Id, Name, BillingCountry FROM Account ORDER BY Name",
            max_records=50,
            wait=0.01,
        )
    )
    assert len(pages) == 3
    rows = [r for page in pages for r in csv.DictReader(io.StringIO(page))]
    assert len(rows) == 120 and list(rows[0]) == ["Id", "Name", "BillingCountry"]
    names = [r["Name"] for r in rows]
    assert names == sorted(names, key=str.lower)
    assert pages[0].startswith('"Id","Name","BillingCountry"\n')


def test_bulk2_job_states_and_headers(sf, server):
    session, base = server.requests_session(), f"{server.url}/services/data/v61.0"
    auth = {"Authorization": f"Bearer {server.session_id}"}
    job = session.post(
        f"{base}/jobs/query",
        headers=auth,
        timeout=5,
        json={
            "operation": "queryAll",
            "query": "SELECT Id, Account.Name FROM Contact",
        },
    ).json()
    assert job["state"] == "UploadComplete" and job["id"].startswith("750")
    states = [
        session.get(f"{base}/jobs/query/{job['id']}", headers=auth, timeout=5).json()[
            "state"
        ]
        for _ in range(3)
    ]
    assert states == ["InProgress", "JobComplete", "JobComplete"]
    resp = session.get(
        f"{base}/jobs/query/{job['id']}/results",
        params={"maxRecords": 20},
        headers=auth,
        timeout=5,
    )
    assert resp.headers["Sforce-NumberOfRecords"] == "20"
    assert resp.headers["Sforce-Locator"] == "20"
    assert resp.text.splitlines()[0] == '"Id","Account.Name"'
    bad = session.post(
        f"{base}/jobs/query",
        headers=auth,
        timeout=5,
        json={"operation": "query", "query": "SELECT Nope FROM Account"},
    )
    assert bad.status_code == 400 and bad.json()[0]["errorCode"] == "INVALID_FIELD"


def test_limits_count_down_and_header(sf):
    first = sf.limits()["DailyApiRequests"]
    second = sf.limits()["DailyApiRequests"]
    assert second["Remaining"] == first["Remaining"] - 1
    assert sf.api_usage["api-usage"].used == second["Max"] - second["Remaining"]


def test_request_limit_exceeded_and_reset(sf, server):
    session = server.requests_session()
    session.post(
        f"{server.url}/_sandbox/salesforce/limits",
        json={"max": 5, "used": 3},
        timeout=5,
    )
    sf.query("SELECT Id FROM Account LIMIT 1")
    sf.query("SELECT Id FROM Account LIMIT 1")
    with pytest.raises(SalesforceRefusedRequest) as exc:
        sf.query("SELECT Id FROM Account LIMIT 1")
    assert exc.value.status == 403
    assert exc.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    session.post(
        f"{server.url}/_sandbox/salesforce/limits", json={"reset": True}, timeout=5
    )
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == 120


def test_fault_429_has_retry_after_and_salesforce_body(sf, server):
    server.faults.update(rate_429=1.0, retry_after=7)
    with pytest.raises(SalesforceGeneralError) as exc:
        sf.query("SELECT Id FROM Account LIMIT 1")
    assert exc.value.status == 429
    assert exc.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    resp = server.requests_session().get(f"{server.url}/services/data/", timeout=5)
    assert resp.headers["Retry-After"] == "7"


def test_fault_5xx(sf, server):
    server.faults.update(rate_5xx=1.0)
    with pytest.raises(SalesforceGeneralError) as exc:
        sf.Account.create({"Name": "x"})
    assert exc.value.status == 503
    assert exc.value.content[0]["errorCode"] == "SERVER_UNAVAILABLE"
    server.faults.reset()
    assert sf.query("SELECT COUNT() FROM Account WHERE Name = 'x'")["totalSize"] == 0


def test_fault_latency_and_timeout(sf, server):
    server.faults.update(latency_ms=200)
    started = time.monotonic()
    sf.query("SELECT Id FROM Account LIMIT 1")
    assert time.monotonic() - started >= 0.2
    server.faults.update(latency_ms=0, rate_timeout=1.0, timeout_seconds=2)
    with pytest.raises(requests.exceptions.ReadTimeout):
        sf.query("SELECT Id FROM Account LIMIT 1", timeout=0.3)
    server.faults.reset()


def test_seed_scales_to_20k_accounts(server):
    server.reset()
    started = time.monotonic()
    counts = server.seed(20_000, random.Random(1))
    assert time.monotonic() - started < 15
    assert counts["Account"] == 20_000 and counts["Contact"] == 60_000
    assert counts["OpportunityLineItem"] >= counts["Opportunity"] * 2 // 5 // 2
    sf = Salesforce(
        instance_url=server.url,
        session_id=server.session_id,
        session=server.requests_session(),
        version="61.0",
    )
    started = time.monotonic()
    page = sf.query(
        "SELECT Id, SystemModstamp FROM Account WHERE SystemModstamp > "
        "2000-01-01T00:00:00Z ORDER BY SystemModstamp LIMIT 2000"
    )
    record = sf.Account.get(page["records"][-1]["Id"])
    assert time.monotonic() - started < 2
    assert len(page["records"]) == 2000 and record["Id"] == page["records"][-1]["Id"]
    won = sf.query("SELECT COUNT() FROM Opportunity WHERE IsWon = true")
    assert won["totalSize"] == 20_000 * 2 // 5
