# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo import fields, models

from ..exceptions import ConcurrentUpdate
from ..tools.masking import payload_hash
from .connector_importer import CREATE_CONTEXT


class ConnectorBatchImporter(models.AbstractModel):
    """Imports one page (100-1,000 objects) in a constant number of queries.

    One advisory-lock query for the page, one query for the existing
    bindings, pure mapping, one ``create([...])`` for the new records, the
    writes for the changed ones, one ``create([...])`` for the audit lines.
    Objects that cannot be mapped are isolated and imported one by one
    through the record importer so they become exceptions, not a failed page.
    """

    _name = "connector.batch.importer"
    _description = "Connector Batch Importer (abstract)"

    _binding_model = None
    _importer = None  # record importer: its mapper and hooks are reused

    def run(self, backend, records, event=None):
        backend = backend.with_env(self.env)
        importer = self.env[self._importer]
        by_xid = {str(rec["id"]): rec for rec in records}
        self.env["connector.lock"]._acquire_or_retry(
            backend, self._binding_model, list(by_xid)
        )
        existing = self.env[self._binding_model]._existing_bindings(
            backend, list(by_xid)
        )
        to_create, to_update, skipped, failed = [], [], [], []
        for xid, data in by_xid.items():
            binding = existing.get(xid)
            remote_updated = importer._remote_updated_at(data)
            digest = payload_hash(data)
            if importer._stale_reason(binding, remote_updated, digest):
                skipped.append(xid)
                continue
            try:
                vals = importer._map_record(backend, data)
            except Exception:  # noqa: BLE001 - isolated, replayed one by one below
                failed.append(xid)
                continue
            sync_vals = {
                "sync_date": fields.Datetime.now(),
                "remote_updated_at": remote_updated,
                "payload_hash": digest,
            }
            target = to_update if binding else to_create
            target.append((xid, binding, vals, sync_vals))
        if backend._connector_is_preview():
            return self._preview(backend, to_create, to_update, skipped)
        created = self._create_batch(backend, to_create)
        updated = [
            importer._update(backend, binding, vals, sync_vals, None, None)
            for __, binding, vals, sync_vals in to_update
        ]
        for xid in failed:
            importer.run(backend, xid, data=by_xid[xid])
        return {
            "created": len(created),
            "updated": len(updated),
            "skipped": len(skipped),
            "failed": len(failed),
        }

    def _create_batch(self, backend, to_create):
        if not to_create:
            return self.env[self._binding_model]
        vals_list = [
            {"backend_id": backend.id, "external_id": xid, **vals, **sync_vals}
            for xid, __, vals, sync_vals in to_create
        ]
        try:
            with self.env.cr.savepoint():
                bindings = (
                    self.env[self._binding_model]
                    .with_context(**CREATE_CONTEXT)
                    .create(vals_list)
                )
        except psycopg2.errors.UniqueViolation as err:
            raise ConcurrentUpdate(
                "Some objects of this page were created concurrently", seconds=5
            ) from err
        self.env["connector.audit.line"]._record_many(
            backend,
            "import",
            "create",
            [
                {"binding": binding, "changed": sorted(item[2])}
                for binding, item in zip(bindings, to_create, strict=True)
            ],
            decision="batch: no binding, created",
        )
        self.env["connector.exception"]._auto_resolve(
            backend, self._binding_model, [item[0] for item in to_create]
        )
        return bindings

    def _preview(self, backend, to_create, to_update, skipped):
        audit = self.env["connector.audit.line"]
        lines = [
            {"external_id": xid, "changed": sorted(vals)}
            for xid, __, vals, __s in to_create
        ]
        audit._record_many(
            backend, "import", "preview", lines, decision="batch: would create"
        )
        importer = self.env[self._importer]
        for __, binding, vals, sync_vals in to_update:
            importer._update(backend, binding, vals, sync_vals, None, None)
        return {
            "preview_create": len(to_create),
            "preview_update": len(to_update),
            "skipped": len(skipped),
        }
