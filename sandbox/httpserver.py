"""The wire layer: request/response objects and the keep-alive HTTP server.

Kept apart from ``core`` so the server pipeline there stays readable. Speed matters
for benchmarks: each response is written with one ``write`` (headers + body) and
``TCP_NODELAY`` is on, otherwise Nagle + delayed ACK cap keep-alive at ~25 req/s.
"""

import json
import logging
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .forms import parse_form, parse_pairs

_logger = logging.getLogger(__name__)
MAX_LINE = 65536
MAX_HEADERS = 100


class Headers(dict):
    """Case-insensitive header mapping (keys stored lower-cased)."""

    def __init__(self, items=()):
        super().__init__((key.lower(), value) for key, value in items)

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def __contains__(self, key):
        return super().__contains__(key.lower())

    def get(self, key, default=None):
        return super().get(key.lower(), default)


class Request:
    """What a handler sees: parsed request line, headers, raw body, path params."""

    def __init__(
        self,
        method,
        path,
        query=None,
        headers=None,
        body=b"",
        params=None,
        raw_query="",
    ):
        self.method = method
        self.path = path
        self.query = query or {}
        self.raw_query = raw_query
        self.headers = (
            headers
            if isinstance(headers, Headers)
            else Headers((headers or {}).items())
        )
        self.body = body
        self.params = params or {}
        self.pattern = None

    def json(self):
        """Decoded JSON body (None when empty); raises ValueError when malformed."""
        if not self.body:
            return None
        return json.loads(self.body)

    def form(self):
        """Form body decoded Stripe-style: ``a[b][c]`` nests, ``a[0]`` lists."""
        return parse_form(self.body)

    def query_params(self):
        """Query string decoded the same nested way as ``form()``."""
        return parse_pairs(
            (key, value) for key, values in self.query.items() for value in values
        )

    def arg(self, name, default=None):
        """First value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default


class Response:
    """Status, body and headers; dict/list bodies are sent as JSON."""

    def __init__(self, status, body=b"", headers=None, content_type=None):
        self.status = int(status)
        self.headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body, separators=(",", ":"))
            content_type = content_type or "application/json"
        if isinstance(body, str):
            body = body.encode("utf-8")
            content_type = content_type or "text/plain; charset=utf-8"
        self.body = body or b""
        self.content_type = content_type or "application/octet-stream"

    def json(self):
        return json.loads(self.body) if self.body else None


class SandboxError(Exception):
    """Raise from a handler to answer with ``response`` (an error, usually)."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 120  # idle keep-alive connections are closed after this
    sandbox = None  # set per server by SandboxServer.start()

    def _serve(self):
        try:
            request = self._read_request()
        except ValueError as exc:
            self._write(Response(400, {"error": str(exc)}))
            return
        response = self.sandbox._process(request)
        if response is None:  # injected timeout: drop the connection, no answer
            self.close_connection = True
            return
        self._write(response, head=self.command == "HEAD")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def handle_one_request(self):
        """Request line + headers parsed by hand: the stdlib's email-based header
        parser was half of the server's time per request."""
        try:
            line = self.rfile.readline(MAX_LINE + 1)
            if not line or len(line) > MAX_LINE:
                self.close_connection = True
                return
            self.raw_requestline = line
            parts = line.decode("latin-1").split()
            if len(parts) != 3 or not parts[2].startswith("HTTP/"):
                self.close_connection = True
                return
            self.command, self.path, self.request_version = parts
            self.headers = self._read_headers()
            if self.headers is None:
                self.close_connection = True
                return
            self._keep_alive()
            if self.headers.get("expect", "").lower() == "100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self._serve()
            self.wfile.flush()
        except (TimeoutError, ConnectionError):
            self.close_connection = True

    def _read_headers(self):
        pairs = []
        while True:
            line = self.rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n", b""):
                return Headers(pairs)
            if len(line) > MAX_LINE or len(pairs) >= MAX_HEADERS:
                return None
            name, _, value = line.decode("latin-1").partition(":")
            pairs.append((name.strip(), value.strip()))

    def _keep_alive(self):
        connection = self.headers.get("connection", "").lower()
        if self.request_version == "HTTP/1.0":
            self.close_connection = connection != "keep-alive"
        else:
            self.close_connection = connection == "close"

    def _read_request(self):
        parts = urlsplit(self.path)
        headers = self.headers
        return Request(
            self.command,
            parts.path,
            parse_qs(parts.query, keep_blank_values=True),
            headers,
            self._read_body(headers),
            raw_query=parts.query,
        )

    def _read_body(self, headers):
        if headers.get("transfer-encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = int(headers.get("content-length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    def _read_chunked(self):
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _write(self, response, head=False):
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [
            f"HTTP/1.1 {response.status} {reason}",
            f"Server: sandbox-{self.sandbox.service}",
            f"Date: {self.date_time_string()}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(response.body)}",
        ]
        lines += [f"{key}: {value}" for key, value in response.headers.items()]
        if self.close_connection:
            lines.append("Connection: close")
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(payload if head else payload + response.body)

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        _logger.debug("%s %s", self.address_string(), format % args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    ssl_context = None

    def finish_request(self, request, client_address):
        """TLS handshake in the worker thread, so one slow client blocks no one."""
        if self.ssl_context is None:
            return super().finish_request(request, client_address)
        try:
            request = self.ssl_context.wrap_socket(request, server_side=True)
        except OSError:
            return None
        try:
            return super().finish_request(request, client_address)
        finally:
            request.close()
