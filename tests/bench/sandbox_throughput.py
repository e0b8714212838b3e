"""Requests per second of each sandbox server, over one keep-alive session.

    python tests/bench/sandbox_throughput.py [--seconds 3]

Loopback only and bounded in time. The client runs in a separate process so the
figure is the server's (one core for the server, one for the client). Servers whose
package is not there are skipped.
"""

import argparse
import importlib
import multiprocessing
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

# service -> (module, class, path of a cheap read, headers)
TARGETS = {
    "stripe": (
        "sandbox.stripe.server",
        "StripeServer",
        "/v1/customers?limit=1",
        {"Authorization": "Bearer sk_test_sandbox"},
    ),
    "salesforce": (
        "sandbox.salesforce.server",
        "SalesforceServer",
        "/_sandbox/health",
        {},
    ),
    "zendesk": ("sandbox.zendesk.server", "ZendeskServer", "/_sandbox/health", {}),
}


def _hammer(url, headers, seconds, verify, queue):
    session = requests.Session()
    session.headers.update(headers)
    session.get(url, verify=verify, timeout=10)  # warm-up, opens the connection
    count, errors = 0, 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        response = session.get(url, verify=verify, timeout=10)
        count += 1
        errors += response.status_code >= 400
    queue.put((count / (time.perf_counter() - started), errors))


def measure(service, seconds):
    module_name, class_name, path, headers = TARGETS[service]
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        return f"skipped ({exc})"
    server = cls(seed=1)
    server.seed(20, __import__("random").Random(1))
    with server:
        verify = True
        if server.url.startswith("https"):
            verify = getattr(server, "ca_path", False)
        queue = multiprocessing.Queue()
        worker = multiprocessing.Process(
            target=_hammer, args=(server.url + path, headers, seconds, verify, queue)
        )
        worker.start()
        rate, errors = queue.get(timeout=seconds + 30)
        worker.join()
    return f"{rate:,.0f} req/s (GET {path}, {errors} errors)"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--only", default=",".join(TARGETS))
    args = parser.parse_args()
    for service in args.only.split(","):
        print(f"{service:<11} {measure(service, args.seconds)}", flush=True)


if __name__ == "__main__":
    main()
