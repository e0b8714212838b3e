# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..exceptions import (
    ConcurrentUpdate,
    ConfigurationError,
    ConnectorError,
    IDMissingInBackend,
    RejectedByOdoo,
)
from ..tools.masking import payload_hash

_logger = logging.getLogger(__name__)

# A created record's history is its audit line: no "created" chatter message
# and no follower row for the job's user (tracking of later edits stays).
CREATE_CONTEXT = {
    "connector_no_export": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
}


class ConnectorImporter(models.AbstractModel):
    """Imports one remote object, always in the same order:

    1. advisory lock on (backend, binding model, external id), else retry;
    2. fetch (unless the caller already holds the data);
    3. skip when stale (older remote updated-at, or same payload hash);
    4. import dependencies first;
    5. map with a pure function (payload -> vals);
    6. create or update, through the ownership matrix;
    7. bind;
    8. write the audit line and auto-resolve open exceptions.

    Steps 4-8 run in a savepoint: a unique violation from a concurrent job
    becomes a retry, a business error becomes a ``connector.exception``.
    """

    _name = "connector.importer"
    _description = "Connector Importer (abstract)"

    _binding_model = None
    _resource = None  # adapter resource, e.g. "customers"

    # ------------------------------------------------------------------
    # Hooks for concrete importers
    # ------------------------------------------------------------------
    def _map_record(self, backend, data):
        """Return the vals of the Odoo record; delegate to a pure mapper."""
        raise NotImplementedError

    def _remote_updated_at(self, data):
        """Remote last-modified datetime of ``data`` (naive UTC), False if unknown."""
        return False

    def _import_dependencies(self, backend, data):
        """Import the records ``data`` refers to, before mapping it."""

    def _match_existing(self, backend, data, vals):
        """Existing unbound Odoo record to bind instead of creating one."""
        return self.env[self.env[self._binding_model]._odoo_model()]

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def run(self, backend, external_id, event=None, data=None):
        external_id = str(external_id)
        backend = backend.with_env(self.env)  # the job context (preview...) wins
        self.env["connector.lock"]._acquire_or_retry(
            backend, self._binding_model, [external_id]
        )
        try:
            if data is None:
                data = backend._get_adapter().remote_read(
                    backend, self._resource, external_id
                )
            with self.env.cr.savepoint():
                return self._import(backend, external_id, data, event)
        except psycopg2.errors.UniqueViolation as err:
            raise ConcurrentUpdate(
                f"{self._binding_model} {external_id} created concurrently", seconds=5
            ) from err
        except ConnectorError as err:
            return self._record_failure(backend, external_id, err, event)
        except ConfigurationError:
            raise  # the backend is not set up: the whole job waits for the admin
        except UserError as err:
            # One record Odoo refuses (e.g. an unbalanced entry) must not fail
            # its whole page: it becomes a workbench exception, the rest goes on.
            error = RejectedByOdoo(
                _(
                    "Odoo refused to record %(object)s %(id)s: %(reason)s "
                    "Correct the cause (accounts, journals, currencies, period), "
                    "then retry.",
                    object=self.env[self._binding_model]._description,
                    id=external_id,
                    reason=str(err).rstrip(".") + ".",
                ),
                payload=data,
            )
            return self._record_failure(backend, external_id, error, event)

    def _import(self, backend, external_id, data, event):
        binding = self.env[self._binding_model]._to_internal(backend, external_id)
        remote_updated = self._remote_updated_at(data)
        digest = payload_hash(data)
        stale = self._stale_reason(binding, remote_updated, digest)
        if stale:
            self._audit(backend, binding, external_id, "skip", event, decision=stale)
            return f"skipped: {stale}"
        self._import_dependencies(backend, data)
        vals = self._map_record(backend, data)
        sync_vals = {
            "sync_date": fields.Datetime.now(),
            "remote_updated_at": remote_updated,
            "payload_hash": digest,
        }
        if binding:
            return self._update(
                backend, binding, vals, sync_vals, event, remote_updated
            )
        return self._create(backend, external_id, data, vals, sync_vals, event)

    @api.model
    def _stale_reason(self, binding, remote_updated, digest):
        if not binding:
            return None
        if (
            remote_updated
            and binding.remote_updated_at
            and (remote_updated < binding.remote_updated_at)
        ):
            return (
                f"remote version {remote_updated} is older than the imported "
                f"{binding.remote_updated_at}"
            )
        if digest == binding.payload_hash and not self.env.context.get(
            "connector_force"
        ):
            return "payload unchanged since the last import"
        return None

    def _create(self, backend, external_id, data, vals, sync_vals, event):
        binding_model = self.env[self._binding_model].with_context(**CREATE_CONTEXT)
        existing = self._match_existing(backend, data, vals)
        decision = (
            f"matched existing {existing._name} #{existing.id}"
            if existing
            else "no binding and no match: created"
        )
        if backend._connector_is_preview():
            self._audit(
                backend,
                binding_model,
                external_id,
                "preview",
                event,
                changed=sorted(vals),
                decision=f"would create; {decision}",
            )
            return f"preview: would create {external_id}"
        base = {"backend_id": backend.id, "external_id": external_id, **sync_vals}
        if existing:
            binding = binding_model.create({**base, "odoo_id": existing.id})
            allowed, blocked = self._ownership(backend, binding, vals, sync_vals, event)
            binding.write(allowed)
        else:
            binding = binding_model.create({**base, **vals})
            allowed, blocked = vals, []
        self._audit(
            backend,
            binding,
            external_id,
            "create",
            event,
            changed=sorted(allowed),
            blocked=blocked,
            decision=decision,
        )
        self._resolve_exceptions(backend, external_id)
        return f"created {binding._name} #{binding.id}"

    def _update(self, backend, binding, vals, sync_vals, event, remote_updated):
        changed = self._diff(binding, vals)
        allowed, blocked = self._ownership(backend, binding, changed, sync_vals, event)
        if backend._connector_is_preview():
            self._audit(
                backend,
                binding,
                binding.external_id,
                "preview",
                event,
                changed=sorted(allowed),
                blocked=blocked,
                decision="would update",
            )
            return f"preview: would update {sorted(allowed)}"
        binding.with_context(connector_no_export=True).write({**allowed, **sync_vals})
        action = "update" if allowed or not blocked else "blocked"
        self._audit(
            backend,
            binding,
            binding.external_id,
            action,
            event,
            changed=sorted(allowed),
            blocked=blocked,
            decision="bound: updated" if allowed else "bound: nothing to change",
        )
        self._resolve_exceptions(backend, binding.external_id)
        return f"{action} {binding._name} #{binding.id}: {sorted(allowed)}"

    @api.model
    def _diff(self, record, vals):
        """Only the values that differ from the record."""
        changed = {}
        for name, value in vals.items():
            field = record._fields[name]
            current = field.convert_to_write(record[name], record)
            if field.type in ("one2many", "many2many"):
                changed[name] = value
            elif (current or False) != (value or False):
                changed[name] = value
        return changed

    def _ownership(self, backend, binding, vals, sync_vals, event):
        """The ownership matrix governs the fields of the Odoo record only.

        Fields the binding holds itself (not delegated through ``_inherits``:
        a ticket's subject, on a binding whose ``odoo_id`` is its customer)
        always follow the service; a rule on the customer's ``name`` must not
        freeze them."""
        own = {
            name: value
            for name, value in vals.items()
            if name in binding._fields and not binding._fields[name].inherited
        }
        delegated = {name: vals[name] for name in vals.keys() - own.keys()}
        allowed, blocked = self.env["connector.ownership"]._filter_incoming(
            backend,
            binding.odoo_id,
            delegated,
            remote_updated_at=sync_vals.get("remote_updated_at"),
            event=event,
            external_id=binding.external_id,
        )
        return {**own, **allowed}, blocked

    def _audit(
        self,
        backend,
        binding,
        external_id,
        action,
        event,
        changed=(),
        blocked=(),
        decision=None,
    ):
        return self.env["connector.audit.line"]._record(
            backend,
            "import",
            action,
            binding=binding,
            external_id=external_id,
            event=event,
            changed=changed,
            blocked=blocked,
            decision=decision,
        )

    def _resolve_exceptions(self, backend, external_id):
        self.env["connector.exception"]._auto_resolve(
            backend, self._binding_model, external_id
        )

    def _record_failure(self, backend, external_id, error, event):
        if isinstance(error, IDMissingInBackend) and event:
            event_type = event.event_type or ""
            if "delete" in event_type:
                return "already deleted remotely"
        self.env["connector.exception"]._record_error(
            backend,
            error,
            binding_model=self._binding_model,
            external_id=external_id,
            event=event,
        )
        self._audit(
            backend,
            self.env[self._binding_model],
            external_id,
            "error",
            event,
            decision=str(error),
        )
        _logger.info(
            "Import of %s %s failed: %s",
            self._binding_model,
            external_id,
            error.__class__.__name__,
        )
        return f"failed: {error}"
