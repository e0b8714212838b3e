"""Fixtures for the sandbox tests: servers, official clients, a webhook receiver.

No Odoo here: ``load_registry`` shadows pytest-odoo's session fixture.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

from sandbox.stripe import StripeServer

STRIPE_KEY = "sk_test_sandbox"


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """Shadow pytest-odoo's session fixture: these tests need no Odoo database."""
    yield


class Receiver(ThreadingHTTPServer):
    """A local webhook endpoint recording deliveries; ``status`` is what it answers."""

    daemon_threads = True

    def __init__(self):
        self.received = []
        self.status = 200
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def bodies(self):
        with self.lock:
            return [json.loads(body) for _headers, body in self.received]


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def stripe_server():
    with StripeServer(seed=7) as server:
        server.webhooks.backoff = 0.05
        yield server


@pytest.fixture
def client(stripe_server):
    """The official client, reaching the sandbox by base URL only; no retries."""
    return stripe.StripeClient(
        STRIPE_KEY, base_addresses={"api": stripe_server.url}, max_network_retries=0
    ).v1
