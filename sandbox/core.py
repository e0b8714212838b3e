"""The shared HTTP core of the sandbox's fake services.

Each fake (Stripe, Salesforce, Zendesk) is a ``SandboxServer`` subclass that
registers routes in ``__init__`` and keeps its state in memory. The core gives all
of them the same things, so they behave alike and tests drive them alike:

* a keep-alive HTTP/1.1 server (``ThreadingHTTPServer``, optional TLS) fast enough
  for benchmarks: one ``write`` per response and ``TCP_NODELAY``;
* fault injection (``Faults``) applied to API requests before the handler runs:
  latency, 429 + Retry-After, 5xx, and timeouts that hold then drop the connection;
* a ``WebhookDispatcher`` for outbound webhooks with retries and delivery faults;
* admin endpoints under ``/_sandbox/`` that faults never touch: ``health``,
  ``faults`` (GET/POST JSON), ``reset``, ``seed`` and ``stats``.

Handlers run under ``self.lock`` (``serialize = True``) so a fake's in-memory state
needs no locking of its own; the GIL makes that cost nothing in throughput.
"""

import json
import logging
import random
import re
import threading
import time

from .faults import Faults
from .httpserver import (
    Headers,
    Request,
    Response,
    SandboxError,
    _Handler,
    _HTTPServer,
)
from .webhooks import WebhookDispatcher

__all__ = [
    "Faults",
    "Headers",
    "Request",
    "Response",
    "SandboxError",
    "SandboxServer",
    "WebhookDispatcher",
]

_logger = logging.getLogger(__name__)
_PARAM = re.compile(r"\{(\w+)\}")


class SandboxServer:
    """Base class of every fake service; see the module docstring."""

    service = "base"
    serialize = True  # run handlers under self.lock

    def __init__(self, host="127.0.0.1", port=0, seed=0, ssl_context=None):
        self.host = host
        self.port = port
        self.seed_value = seed
        self.rng = random.Random(seed)
        self.ssl_context = ssl_context
        self.lock = threading.RLock()
        self.faults = Faults(seed)
        self.webhooks = WebhookDispatcher(self.faults)
        self._static = {}
        self._dynamic = []
        self._admin = {}
        self._httpd = None
        self._thread = None
        self._released = threading.Event()
        self._stats_lock = threading.Lock()
        self._reset_stats()
        self._register_admin()

    # -- lifecycle -------------------------------------------------------------
    def start(self):
        handler = type(f"{type(self).__name__}Handler", (_Handler,), {"sandbox": self})
        self._httpd = _HTTPServer((self.host, self.port), handler)
        self._httpd.ssl_context = self.ssl_context
        self.port = self._httpd.server_address[1]
        self._released.clear()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"sandbox-{self.service}",
            daemon=True,
        )
        self._thread.start()
        self.webhooks.start()
        return self

    def stop(self):
        self._released.set()  # wake requests held by the timeout fault
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        self.webhooks.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def url(self):
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.host}:{self.port}"

    # -- routing ---------------------------------------------------------------
    def route(self, method, pattern, handler):
        """Register ``handler(request) -> Response`` for e.g. ``/v1/customers/{id}``."""
        method = method.upper()
        if "{" not in pattern:
            self._static[(method, pattern)] = (pattern, handler)
            return
        regex = re.compile("^" + _PARAM.sub(r"(?P<\1>[^/]+)", pattern) + "$")
        self._dynamic.append((method, regex, pattern, handler))

    def resolve(self, request):
        """``(pattern, handler)`` for the request, filling ``request.params``."""
        found = self._static.get((request.method, request.path))
        if found:
            return found
        for method, regex, pattern, handler in self._dynamic:
            if method == request.method:
                match = regex.match(request.path)
                if match:
                    request.params = match.groupdict()
                    return pattern, handler
        return None, None

    # -- request pipeline (override points: before_request, handle, error_*) ---
    def _process(self, request):
        if request.path.startswith("/_sandbox/"):
            return self._admin_dispatch(request)
        response = self._apply_faults(request)
        if response is not False:
            self._count(request, response)
            return response
        try:
            if self.serialize:
                with self.lock:
                    response = self.handle(request)
            else:
                response = self.handle(request)
        except SandboxError as exc:
            response = exc.response
        except Exception as exc:
            _logger.exception("sandbox %s handler failed", self.service)
            response = self.error_500(exc)
        self._count(request, response)
        return response

    def _apply_faults(self, request):
        """A fault response, None for a dropped connection, False for 'go on'."""
        faults = self.faults
        if faults.latency_ms > 0:
            time.sleep(faults.latency_ms / 1000)
        if faults.roll(faults.rate_timeout):
            self._bump("timeout")
            self._released.wait(faults.timeout_seconds)
            return None
        if faults.roll(faults.rate_429):
            self._bump("429")
            return self.error_429(faults.retry_after)
        if faults.roll(faults.rate_5xx):
            self._bump("5xx")
            return self.error_5xx()
        return False

    def handle(self, request):
        """``before_request`` (auth...), then the routed handler."""
        response = self.before_request(request)
        if response is not None:
            return response
        return self.dispatch(request)

    def dispatch(self, request):
        pattern, handler = self.resolve(request)
        if handler is None:
            return self.error_404(request)
        request.pattern = pattern
        return handler(request)

    def before_request(self, request):
        """Return a Response to short-circuit (e.g. 401), None to continue."""
        return None

    def error_429(self, retry_after):
        return Response(
            429,
            {"error": "rate_limited", "retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )

    def error_5xx(self):
        return Response(503, {"error": "service_unavailable"})

    def error_404(self, request):
        return Response(404, {"error": "not_found", "path": request.path})

    def error_500(self, exc):
        return Response(500, {"error": "internal_error", "message": str(exc)})

    # -- state -----------------------------------------------------------------
    def reset(self):
        """Clear state. Subclasses clear their stores and call super()."""
        self.webhooks.clear()
        self.webhooks.reset_counters()
        self._reset_stats()

    def seed(self, size, rng, **options):
        """Generate a dataset directly in memory; returns counts per object."""
        return {}

    # -- stats -----------------------------------------------------------------
    def _reset_stats(self):
        with self._stats_lock:
            self._stats = {
                "requests": 0,
                "by_status": {},
                "by_route": {},
                "faults": {"429": 0, "5xx": 0, "timeout": 0},
            }

    def _bump(self, fault):
        with self._stats_lock:
            self._stats["faults"][fault] += 1

    def _count(self, request, response):
        status = "dropped" if response is None else str(response.status)
        route = f"{request.method} {request.pattern or request.path}"
        with self._stats_lock:
            stats = self._stats
            stats["requests"] += 1
            stats["by_status"][status] = stats["by_status"].get(status, 0) + 1
            stats["by_route"][route] = stats["by_route"].get(route, 0) + 1

    def stats(self):
        with self._stats_lock:
            stats = json.loads(json.dumps(self._stats))
        stats["webhooks"] = self.webhooks.stats()
        return stats

    # -- admin endpoints (never faulted) ---------------------------------------
    def _register_admin(self):
        self._admin = {
            ("GET", "/_sandbox/health"): self._admin_health,
            ("GET", "/_sandbox/faults"): self._admin_faults,
            ("POST", "/_sandbox/faults"): self._admin_faults,
            ("POST", "/_sandbox/reset"): self._admin_reset,
            ("POST", "/_sandbox/seed"): self._admin_seed,
            ("GET", "/_sandbox/stats"): self._admin_stats,
        }

    def admin_route(self, method, path, handler):
        """Add a service-specific admin endpoint (never faulted, no auth)."""
        self._admin[(method.upper(), path)] = handler

    def _admin_dispatch(self, request):
        handler = self._admin.get((request.method, request.path))
        if handler is None:
            return Response(404, {"error": "unknown admin endpoint"})
        try:
            return handler(request)
        except (ValueError, TypeError) as exc:
            return Response(400, {"error": str(exc)})

    def _admin_health(self, request):
        return Response(200, {"status": "ok", "service": self.service, "url": self.url})

    def _admin_faults(self, request):
        if request.method == "POST":
            data = dict(request.json() or {})
            if data.pop("reset", False):
                self.faults.reset()
            self.faults.update(**data)
        return Response(200, self.faults.as_dict())

    def _admin_reset(self, request):
        with self.lock:
            self.reset()
        return Response(200, {"status": "ok"})

    def _admin_seed(self, request):
        data = dict(request.json() or {})
        size = int(data.pop("size", 50))
        rng = random.Random(data.pop("seed", self.seed_value))
        with self.lock:
            counts = self.seed(size, rng, **data)
        return Response(200, {"status": "ok", "counts": counts})

    def _admin_stats(self, request):
        return Response(200, self.stats())
