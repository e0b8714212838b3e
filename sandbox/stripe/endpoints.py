"""Webhook endpoints (the ``whsec_`` secret is shown once, on create) and events."""

from . import params as P
from .catalog import delete_object

ENDPOINT = {
    "url",
    "enabled_events",
    "description",
    "metadata",
    "api_version",
    "connect",
    "disabled",
}


def create_endpoint(state, params, request=None):
    P.check(params, ENDPOINT - {"disabled"}, required=("url", "enabled_events"))
    endpoint = state.base(
        "webhook_endpoint",
        "we",
        api_version=params.get("api_version"),
        application=None,
        description=params.get("description"),
        enabled_events=P.array(params, "enabled_events"),
        metadata=P.metadata({}, params),
        status="enabled",
        url=params["url"],
    )
    secret = state.new_id("whsec")
    state.secrets[endpoint["id"]] = secret
    return dict(endpoint, secret=secret)


def update_endpoint(state, params, request):
    P.check(params, ENDPOINT - {"api_version", "connect"})
    endpoint = state.store.get("webhook_endpoint", request.params["id"])
    if "disabled" in params:
        endpoint["status"] = "disabled" if P.boolean(params, "disabled") else "enabled"
    for name in ("url", "description"):
        if name in params:
            endpoint[name] = params[name]
    if "enabled_events" in params:
        endpoint["enabled_events"] = P.array(params, "enabled_events")
    endpoint["metadata"] = P.metadata(endpoint["metadata"], params)
    return endpoint


def _type_filter(value):
    if value.endswith("*"):
        return lambda event: event["type"].startswith(value[:-1])
    return lambda event: event["type"] == value


def register(api):
    api.crud(
        "event",
        "/v1/events",
        filters={
            "type": _type_filter,
            "types": lambda v: lambda e: e["type"] in v,
        },
    )
    api.crud(
        "webhook_endpoint",
        "/v1/webhook_endpoints",
        create=create_endpoint,
        update=update_endpoint,
        delete=delete_object("webhook_endpoint", "webhook_endpoint.deleted"),
        filters={},
    )
