"""Stripe-shaped errors: ``{"error": {"type", "code", "message", "param"}}``.

stripe-python picks the exception class from the status and ``error.type``/``code``
(400/404 InvalidRequestError, 401 AuthenticationError, 402 CardError, 429
RateLimitError, idempotency_error IdempotencyError), so both must be right.
"""

from ..core import Response, SandboxError


def error_response(
    status, type_, message, code=None, param=None, headers=None, **extra
):
    error = {"type": type_, "message": message}
    if code:
        error["code"] = code
        error["doc_url"] = (
            f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        )
    if param:
        error["param"] = param
    error.update(extra)
    return Response(status, {"error": error}, headers=headers)


def fail(status, type_, message, code=None, param=None, **extra):
    return SandboxError(error_response(status, type_, message, code, param, **extra))


def invalid(message, param=None, code=None):
    """400 invalid_request_error, to ``raise``."""
    return fail(400, "invalid_request_error", message, code, param)


def missing(kind, id_, param="id"):
    return fail(
        404,
        "invalid_request_error",
        f"No such {kind}: '{id_}'",
        "resource_missing",
        param,
    )


def unknown_parameter(name):
    return invalid(f"Received unknown parameter: {name}", name, "parameter_unknown")


def required(name):
    return invalid(f"Missing required param: {name}.", name, "parameter_missing")


def state_error(message, param=None):
    return invalid(message, param, "invoice_not_editable" if param else None)


def card_declined(charge_id=None, payment_intent=None):
    extra = {"decline_code": "generic_decline"}
    if charge_id:
        extra["charge"] = charge_id
    if payment_intent:
        extra["payment_intent"] = payment_intent
    return fail(
        402, "card_error", "Your card was declined.", "card_declined", None, **extra
    )
