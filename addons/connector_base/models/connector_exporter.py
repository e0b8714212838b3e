# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib

from odoo import api, fields, models

from ..exceptions import ConnectorError
from ..tools.masking import payload_hash


class ConnectorExporter(models.AbstractModel):
    """Pushes one binding to the service.

    The idempotency key is derived from (binding, operation, payload hash): a
    retry after a timeout sends the same key, so the service replays its
    first answer instead of creating a second object. Fields owned by another
    system are not pushed (recorded as blocked). An unchanged payload is not
    sent again.
    """

    _name = "connector.exporter"
    _description = "Connector Exporter (abstract)"

    _binding_model = None
    _resource = None

    def _map_export(self, binding):
        """Pure: Odoo record -> remote payload (dict of remote field names)."""
        raise NotImplementedError

    def _export_field_map(self):
        """Remote payload key -> Odoo field name, for the ownership check."""
        return {}

    @api.model
    def _idempotency_key(self, binding, operation, digest):
        text = f"{binding._name}:{binding.id}:{operation}:{digest}"
        return hashlib.sha256(text.encode()).hexdigest()[:40]

    def run(self, binding, operation="update"):
        backend = binding.backend_id.with_env(self.env)  # keeps the job context
        self.env["connector.lock"]._acquire_or_retry(
            backend, binding._name, [f"odoo:{binding.id}"]
        )
        payload, blocked = self._owned_payload(backend, binding)
        digest = payload_hash(payload)
        key = self._idempotency_key(binding, operation, digest)
        if binding.external_id and digest == binding.export_hash:
            self._audit(backend, binding, "skip", key, "payload already exported")
            return "skipped: unchanged"
        if backend._connector_is_preview():
            self._audit(
                backend,
                binding,
                "preview",
                key,
                "would export",
                changed=sorted(payload),
                blocked=blocked,
            )
            return f"preview: would export {sorted(payload)}"
        try:
            result = self._send(backend, binding, payload, key)
        except ConnectorError as err:
            self.env["connector.exception"]._record_error(
                backend,
                err,
                binding_model=binding._name,
                external_id=binding.external_id,
                record=binding.odoo_id,
            )
            self._audit(backend, binding, "error", key, str(err))
            return f"failed: {err}"
        action = "update" if binding.external_id else "create"
        binding.write(
            {
                "external_id": str(result["id"]),
                "sync_date": fields.Datetime.now(),
                "export_hash": digest,
            }
        )
        self._audit(
            backend,
            binding,
            action,
            key,
            f"exported ({operation})",
            changed=sorted(payload),
            blocked=blocked,
        )
        return f"exported {binding._name} #{binding.id} as {binding.external_id}"

    def _send(self, backend, binding, payload, key):
        adapter = backend._get_adapter()
        if binding.external_id:
            return adapter.remote_write(
                backend,
                self._resource,
                binding.external_id,
                payload,
                idempotency_key=key,
            )
        return adapter.remote_create(
            backend, self._resource, payload, idempotency_key=key
        )

    def _owned_payload(self, backend, binding):
        payload = self._map_export(binding)
        field_map = self._export_field_map()
        blocked = self.env["connector.ownership"]._blocked_outgoing(
            backend, binding.odoo_id, [field_map.get(key, key) for key in payload]
        )
        kept = {k: v for k, v in payload.items() if field_map.get(k, k) not in blocked}
        return kept, blocked

    def _audit(self, backend, binding, action, key, decision, changed=(), blocked=()):
        return self.env["connector.audit.line"]._record(
            backend,
            "export",
            action,
            binding=binding,
            external_id=binding.external_id,
            changed=changed,
            blocked=blocked,
            decision=decision,
            idempotency_key=key,
        )
