"""Rate-limit headers and budgets, and the core fault switches as a client sees
them through the Zendesk server (429 + Retry-After, 5xx, latency, timeouts)."""

import time

import pytest
import requests

from sandbox.zendesk.server import ZendeskServer, basic_auth

AUTH = {"Authorization": basic_auth("admin@example.com", "sandbox-token")}


@pytest.fixture(scope="module")
def server():
    with ZendeskServer(plan_limit=2500) as srv:
        yield srv


@pytest.fixture
def url(server):
    server.faults.reset()
    server.limits.reset()
    yield f"{server.url}/api/v2/organizations.json"
    server.faults.reset()


def _faults(server, **switches):
    resp = requests.post(f"{server.url}/_sandbox/faults", json=switches, timeout=5)
    assert resp.status_code == 200


def test_rate_limit_headers_decrease(url):
    remaining = []
    for _ in range(3):
        resp = requests.get(url, headers=AUTH, timeout=5)
        assert (
            resp.headers["X-Rate-Limit"] == resp.headers["ratelimit-limit"] == ("2500")
        )
        assert (
            resp.headers["X-Rate-Limit-Remaining"]
            == (resp.headers["ratelimit-remaining"])
        )
        assert 1 <= int(resp.headers["ratelimit-reset"]) <= 60
        remaining.append(int(resp.headers["X-Rate-Limit-Remaining"]))
    assert remaining == [2499, 2498, 2497]


def test_plan_limit_answers_429_with_retry_after():
    with ZendeskServer(plan_limit=200) as srv:
        srv.limits.configure(plan_limit=3)
        url = f"{srv.url}/api/v2/users.json"
        codes = [requests.get(url, headers=AUTH, timeout=5) for _ in range(4)]
        assert [r.status_code for r in codes] == [200, 200, 200, 429]
        limited = codes[-1]
        assert limited.json()["error"] == "APIRateLimitExceeded"
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.headers["X-Rate-Limit-Remaining"] == "0"


def test_fault_429_with_retry_after(server, url):
    _faults(server, rate_429=1.0, retry_after=7)
    resp = requests.get(url, headers=AUTH, timeout=5)
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "7"
    assert resp.json()["error"] == "APIRateLimitExceeded"
    assert "X-Rate-Limit-Remaining" in resp.headers
    assert server.stats()["faults"]["429"] >= 1


def test_fault_5xx(server, url):
    _faults(server, rate_5xx=1.0)
    resp = requests.get(url, headers=AUTH, timeout=5)
    assert resp.status_code == 503
    assert resp.json()["error"] == "ServiceUnavailable"
    _faults(server, rate_5xx=0.0)
    assert requests.get(url, headers=AUTH, timeout=5).status_code == 200


def test_fault_latency(server, url):
    _faults(server, latency_ms=300)
    started = time.monotonic()
    assert requests.get(url, headers=AUTH, timeout=5).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_fault_timeout(server, url):
    _faults(server, rate_timeout=1.0, timeout_seconds=1.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(url, headers=AUTH, timeout=0.3)
    assert server.stats()["faults"]["timeout"] >= 1


def test_faults_leave_admin_endpoints_alone(server, url):
    _faults(server, rate_5xx=1.0)
    health = requests.get(f"{server.url}/_sandbox/health", timeout=5)
    assert health.json()["service"] == "zendesk"
