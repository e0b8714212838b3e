"""Response helpers shared by the Salesforce handlers."""

from ..core import Response
from .errors import SalesforceError

API_VERSIONS = ["58.0", "59.0", "60.0", "61.0", "62.0"]
RELEASES = {"58.0": "Summer '23", "59.0": "Winter '24", "60.0": "Spring '24",
            "61.0": "Summer '24", "62.0": "Winter '25"}  # fmt: skip


def ok(body, status=200, headers=None):
    return Response(status, body, headers=headers)


def no_content():
    return Response(204, b"")


def error(exc):
    """Render a SalesforceError the way the REST API does."""
    if exc.code == "MULTIPLE_CHOICES":
        return Response(300, exc.message)
    return Response(exc.status, [exc.as_dict()])


def fail(code, message, status=400, fields=None):
    raise SalesforceError(code, message, status, fields)


def body_json(req):
    try:
        return req.json()
    except ValueError as exc:
        raise SalesforceError("JSON_PARSER_ERROR", f"Invalid JSON: {exc}") from exc


def query_arg(req, name, default=None):
    values = req.query.get(name)
    return values[0] if values else default


def version_of(req):
    version = req.params.get("version", "61.0")
    if version not in API_VERSIONS:
        fail("NOT_FOUND", "The requested resource does not exist", 404)
    return version
