"""Zendesk's error bodies, raised from anywhere and rendered once by the server.

The connector maps these to exception classes by the ``error`` key, so the shapes
follow the Support API: ``RecordNotFound``, ``RecordInvalid`` with ``details`` keyed
by attribute, ``APIRateLimitExceeded`` and the plain ``{"error": ...}`` of a 401.
"""

from ..core import Response, SandboxError


class ZendeskError(SandboxError):
    """An API error carrying its ready-made Response."""

    def __init__(self, status, error, description=None, details=None, headers=None):
        body = {"error": error}
        if description is not None:
            body["description"] = description
        if details is not None:
            body["details"] = details
        super().__init__(Response(status, body, headers=headers))
        self.body = body


def not_found():
    return ZendeskError(404, "RecordNotFound", "Not found")


def invalid(details, description="Record validation errors"):
    """422 with Zendesk's ``details``: ``{field: [{description, error}]}``."""
    return ZendeskError(422, "RecordInvalid", description, details)


def detail(field, message, error="InvalidValue"):
    return {field: [{"description": message, "error": error}]}


def bad_request(message, error="InvalidParameter"):
    return ZendeskError(400, error, message)


def unauthorized():
    return ZendeskError(401, "Couldn't authenticate you")


def rate_limited(retry_after, headers=None, description=None):
    headers = dict(headers or {}, **{"Retry-After": str(retry_after)})
    message = description or "Number of allowed API requests per minute exceeded"
    return ZendeskError(429, "APIRateLimitExceeded", message, headers=headers)
