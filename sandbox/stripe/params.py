"""Parameter checks that mirror Stripe's: unknown keys are rejected, not ignored.

Rejecting unknown parameters is what makes the fake useful: a connector that sends
a misspelt or removed field fails here exactly as it would against Stripe.
"""

from . import errors

LIST_PARAMS = {"limit", "starting_after", "ending_before", "created", "expand"}


def check(params, allowed, required=()):
    allowed = set(allowed) | {"expand"}
    for name in params:
        if name not in allowed:
            raise errors.unknown_parameter(name)
    for name in required:
        if params.get(name) in (None, ""):
            raise errors.required(name)
    return params


def integer(params, name, default=None, minimum=None, maximum=None):
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise errors.invalid(f"Invalid integer: {value}", name) from None
    if (minimum is not None and number < minimum) or (
        maximum is not None and number > maximum
    ):
        raise errors.invalid(f"Invalid value for {name}: {value}", name)
    return number


def boolean(params, name, default=None):
    value = params.get(name)
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise errors.invalid(f"Invalid boolean: {value}", name)


def choice(params, name, options, default=None):
    value = params.get(name, default)
    if value is not None and value not in options:
        raise errors.invalid(
            f"Invalid {name}: must be one of {', '.join(options)}", name
        )
    return value


def mapping(params, name):
    value = params.get(name) or {}
    if not isinstance(value, dict):
        raise errors.invalid(f"Invalid object: {name}", name)
    return value


def array(params, name):
    value = params.get(name) or []
    if isinstance(value, dict):  # a[1]=x without a[0]; Stripe accepts sparse keys
        value = list(value.values())
    if not isinstance(value, list):
        raise errors.invalid(f"Invalid array: {name}", name)
    return value


def metadata(current, params):
    """Merge ``metadata``: empty string unsets a key, empty value clears all."""
    if "metadata" not in params:
        return current
    update = params["metadata"]
    if update == "":
        return {}
    if not isinstance(update, dict):
        raise errors.invalid("Invalid object", "metadata")
    merged = dict(current)
    for key, value in update.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return merged


def currency(params, name="currency", required=True):
    value = params.get(name)
    if not value:
        if required:
            raise errors.required(name)
        return None
    return str(value).lower()


def expand_paths(params):
    value = params.get("expand") or []
    if isinstance(value, str):
        value = [value]
    return array({"expand": value}, "expand")
