# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

from odoo import SUPERUSER_ID, api, http
from odoo.http import request

from ..models.connector_backend_ref_mixin import concrete_models
from ..tools.masking import mask_data, mask_json

_logger = logging.getLogger(__name__)


def _json_response(status, body):
    return request.make_json_response(body, status=status)


def _checked_meta(meta):
    """The event's identity, refused (ValueError -> 400) unless it is made of
    scalars: a signed body can still carry an object where an id belongs."""
    event_id = meta["source_event_id"]
    if (
        not isinstance(event_id, str | int)
        or isinstance(event_id, bool)
        or (not str(event_id).strip())
    ):
        raise ValueError("event id missing or not a scalar")
    for key in ("event_type", "object_ref"):
        value = meta.get(key)
        if value is not None and not isinstance(value, str | int):
            raise ValueError(f"{key} is not a scalar")
    return {
        **meta,
        "object_ref": str(meta["object_ref"]) if meta.get("object_ref") else None,
    }


class ConnectorWebhookController(http.Controller):
    """Thin webhook endpoint: verify, store once, enqueue, answer.

    Order matters: nothing is parsed, logged or stored before the signature
    is verified on the raw body; every refusal is a 403 (404 for an unknown
    backend), never a 500.
    """

    @http.route(
        "/connector/<string:service>/<int:backend_id>/webhook",
        type="http",
        auth="none",
        csrf=False,
        methods=["POST"],
        save_session=False,
        readonly=False,  # auth="none" routes default to a read-only cursor
    )
    def webhook(self, service, backend_id, **kwargs):
        env = api.Environment(request.env.cr, SUPERUSER_ID, {})
        backend = self._find_backend(env, service, backend_id)
        if backend is None:
            return _json_response(404, {"error": "unknown backend"})
        raw_body = request.httprequest.get_data()
        headers = request.httprequest.headers
        ok, reason = self._verify(backend, headers, raw_body)
        if not ok:
            _logger.warning(
                "Webhook refused for %s #%s: %s", backend._name, backend.id, reason
            )
            return _json_response(403, {"error": "forbidden"})
        try:
            data = json.loads(raw_body)
            meta = _checked_meta(backend._connector_parse_event(data, headers))
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            return self._malformed(env, backend, raw_body, err)
        return self._store_and_enqueue(env, backend, data, meta)

    def _find_backend(self, env, service, backend_id):
        """The active backend, with what the request reads of it, in one query."""
        for model_name in concrete_models(env, "connector.backend.mixin"):
            model = env[model_name]
            if model._connector_service == service:
                names = ["company_id", "webhook_secret", "webhook_tolerance"]
                names += model._connector_secret_fields
                backend = model.search_fetch([("id", "=", backend_id)], names, limit=1)
                return backend or None
        return None

    def _verify(self, backend, headers, raw_body):
        if not backend.sudo().webhook_secret:
            return False, "no webhook secret configured (fail closed)"
        try:
            return backend._connector_verify_signature(headers, raw_body)
        except Exception as err:  # noqa: BLE001 - a verifier bug must not 500
            _logger.warning("Signature verifier error: %s", err.__class__.__name__)
            return False, "verifier error"

    def _malformed(self, env, backend, raw_body, error):
        text = raw_body[:2000].decode(errors="replace")
        env["connector.exception"]._record(
            backend,
            "payload_invalid",
            f"Webhook body could not be read: {error.__class__.__name__}",
            payload={"raw": text},
        )
        return _json_response(400, {"error": "malformed payload"})

    def _store_and_enqueue(self, env, backend, data, meta):
        """One INSERT; a job only when none of the backend's waits to start."""
        secrets = backend._connector_secrets()
        events = env["connector.event"].with_company(backend.company_id)
        event_type = meta.get("event_type")
        vals = {
            "source_event_id": str(meta["source_event_id"]),
            "event_type": event_type,
            "object_ref": meta["object_ref"],
            "source_ts": meta.get("source_ts"),
            "payload": mask_json(data, secrets=secrets),
        }
        event, dispatched = events._receive(backend, vals)
        if event is None:
            return _json_response(200, {"status": "duplicate"})
        if not backend._connector_event_route(event_type):
            event._finish("ignored", f"no handler for '{event_type}'")
            return _json_response(200, {"status": "ignored", "id": event.id})
        if dispatched:
            event._enqueue(backend)
        if _logger.isEnabledFor(logging.INFO):
            _logger.info(
                "Webhook event %s stored: %s",
                event.id,
                mask_data(event_type, secrets=secrets),
            )
        return _json_response(200, {"status": "accepted", "id": event.id})
