"""The shared core: routing, keep-alive, admin endpoints, faults, webhook dispatch."""

import socket
import time

import pytest
import requests

from sandbox.core import Faults, Response, SandboxServer, WebhookDispatcher
from sandbox.forms import FormError, parse_form

HTTP = requests.Session()  # keep-alive, like a connector


@pytest.fixture
def server():
    server = SandboxServer(seed=3)
    server.route("GET", "/ping", lambda r: Response(200, {"pong": True}))
    server.route(
        "POST",
        "/things/{id}",
        lambda r: Response(201, {"id": r.params["id"], "form": r.form()}),
    )
    with server:
        yield server


def test_routes_params_and_keep_alive(server):
    session = requests.Session()
    first = session.post(f"{server.url}/things/t1", data={"a[b][0]": "x", "c": "y"})
    assert first.status_code == 201
    assert first.json() == {"id": "t1", "form": {"a": {"b": ["x"]}, "c": "y"}}
    second = session.get(f"{server.url}/ping")
    assert second.json() == {"pong": True}
    assert second.headers["Content-Length"] == str(len(second.content))
    assert session.get(f"{server.url}/nope").status_code == 404
    stats = session.get(f"{server.url}/_sandbox/stats").json()
    assert stats["requests"] == 3
    assert stats["by_route"]["POST /things/{id}"] == 1


def test_form_parsing_matches_stripe_encoding():
    parsed = parse_form("items[0][price]=p1&items[1][price]=p2&expand[]=a&m[k]=")
    assert parsed == {
        "items": [{"price": "p1"}, {"price": "p2"}],
        "expand": ["a"],
        "m": {"k": ""},
    }
    with pytest.raises(FormError):
        parse_form("a=1&a[b]=2")


def test_faults_update_validate_and_reset():
    faults = Faults(seed=1)
    faults.update(rate_429=0.5, webhook_shuffle="true", retry_after="4")
    assert faults.as_dict()["retry_after"] == 4 and faults.webhook_shuffle is True
    with pytest.raises(ValueError):
        faults.update(rate_500=1)
    first = [faults.roll(0.5) for _ in range(20)]
    faults.reset()
    assert faults.rate_429 == 0.0
    assert [faults.roll(0.5) for _ in range(20)] == first  # seeded, reproducible


def test_admin_faults_429_5xx_latency_not_applied_to_admin(server):
    url = server.url
    HTTP.post(f"{url}/_sandbox/faults", json={"rate_429": 1, "retry_after": 7})
    response = HTTP.get(f"{url}/ping")
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert HTTP.get(f"{url}/_sandbox/health").json()["status"] == "ok"
    HTTP.post(f"{url}/_sandbox/faults", json={"reset": True, "rate_5xx": 1})
    assert HTTP.get(f"{url}/ping").status_code == 503
    HTTP.post(f"{url}/_sandbox/faults", json={"reset": True, "latency_ms": 150})
    started = time.monotonic()
    assert HTTP.get(f"{url}/ping").status_code == 200
    assert time.monotonic() - started >= 0.15
    assert HTTP.post(f"{url}/_sandbox/faults", json={"bogus": 1}).status_code == 400
    faults = HTTP.get(f"{url}/_sandbox/stats").json()["faults"]
    assert faults == {"429": 1, "5xx": 1, "timeout": 0}


def test_timeout_fault_holds_then_drops(server):
    server.faults.update(rate_timeout=1, timeout_seconds=0.3)
    with pytest.raises(requests.exceptions.ReadTimeout):
        HTTP.get(f"{server.url}/ping", timeout=0.1)
    with pytest.raises(requests.exceptions.ConnectionError):
        HTTP.get(f"{server.url}/ping", timeout=2)  # dropped without an answer


def test_reset_and_seed_admin(server):
    assert HTTP.post(f"{server.url}/_sandbox/reset").json() == {"status": "ok"}
    seeded = HTTP.post(f"{server.url}/_sandbox/seed", json={"size": 3}).json()
    assert seeded == {"status": "ok", "counts": {}}


def test_tls(tmp_path):
    tls = pytest.importorskip("sandbox.salesforce.tls")
    context, ca_path = tls.server_context()
    with SandboxServer(ssl_context=context) as server:
        server.route("GET", "/ping", lambda r: Response(200, "pong"))
        assert server.url.startswith("https://")
        assert HTTP.get(f"{server.url}/ping", verify=ca_path).text == "pong"


def test_dispatcher_retries_until_receiver_recovers(receiver):
    dispatcher = WebhookDispatcher(Faults(), backoff=0.02).start()
    receiver.status = 500
    dispatcher.deliver(receiver.url, b'{"n": 1}', {"X-Sig": "s"}, key="e1")
    time.sleep(0.1)
    receiver.status = 200
    assert dispatcher.flush(5)
    stats = dispatcher.stats()
    assert stats["delivered"] == 1 and stats["failed_attempts"] >= 1
    assert receiver.received[-1][0]["X-Sig"] == "s"
    dispatcher.stop()


def test_dispatcher_down_until_then_delivers(receiver):
    faults = Faults()
    dispatcher = WebhookDispatcher(faults, backoff=0.05, max_backoff=0.1).start()
    faults.update(webhook_down_until=time.time() + 0.3)
    dispatcher.deliver(receiver.url, b"{}", {})
    assert dispatcher.flush(5)
    assert len(receiver.received) == 1
    assert dispatcher.stats()["failed_attempts"] >= 2
    dispatcher.stop()


def test_server_closes_idle_port_cleanly(server):
    port = server.port
    server.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5)
