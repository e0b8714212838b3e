# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.connector_base.exceptions import RemoteRequestError
from odoo.addons.connector_base.tools.masking import payload_hash

from . import mappers


def _same(row, payload):
    """Does the Zendesk organization already hold this payload?"""
    remote = row.get("organization_fields") or {}
    custom = payload.get("organization_fields") or {}
    return row.get("name") == payload["name"] and all(
        remote.get(key) == value for key, value in custom.items()
    )


class ZendeskOrganizationExporter(models.AbstractModel):
    """One organization (refresh triggers): create-or-update by external_id."""

    _name = "zendesk.organization.exporter"
    _inherit = "connector.exporter"
    _description = "Zendesk Organization Exporter"

    _binding_model = "zendesk.organization"
    _resource = "organizations"

    def _map_export(self, binding):
        return self.env["zendesk.organization.batch.exporter"]._payloads(binding)[
            binding.id
        ]

    def run(self, binding, operation="update"):
        suffix = binding.name_suffix
        result = super().run(binding, operation)
        if binding.name_suffix != suffix and binding.external_id:
            # sent under a disambiguated name: remember that payload, not the
            # refused one, so the next refresh sends nothing
            payload = self._owned_payload(binding.backend_id, binding)[0]
            binding.export_hash = payload_hash(payload)
        return result

    def _send(self, backend, binding, payload, key):
        """Create-or-update; a name Zendesk reports as taken gets the next
        suffix of the disambiguation rule (see the batch exporter)."""
        adapter = backend._get_adapter()
        batch = self.env["zendesk.organization.batch.exporter"]
        while True:
            try:
                return adapter.remote_create(backend, self._resource, payload, key)
            except RemoteRequestError as err:
                payloads = {binding.id: payload}
                if not mappers.name_taken(err.payload) or not batch._disambiguate(
                    backend, binding, payloads
                ):
                    raise
            payload = payloads[binding.id]
            key = self._idempotency_key(binding, "rename", payload_hash(payload))


class ZendeskOrganizationBatchExporter(models.AbstractModel):
    """Up to 100 organizations in a constant number of requests and queries.

    1. standing of all partners (grouped queries) and payloads;
    2. unbound ones: look them up by external id first (a retried job finds
       what its previous attempt created), ``create_many`` the rest;
    3. bound and changed ones: ``update_many``;
    4. the contacts of these companies: ``users/create_or_update_many``.
    """

    _name = "zendesk.organization.batch.exporter"
    _description = "Zendesk Organization Batch Exporter"

    def _payloads(self, bindings):
        backend = bindings.backend_id
        standing = self.env["zendesk.standing"].compute(backend, bindings.odoo_id)
        keys = backend._org_field_keys()
        return {
            binding.id: mappers.organization_payload(
                {
                    "id": binding.odoo_id.id,
                    "name": binding._zendesk_name(),
                    "xid": backend._partner_xid(binding.odoo_id.id),
                },
                standing[binding.odoo_id.id],
                keys,
            )
            for binding in bindings
        }

    def run(self, bindings):
        bindings = bindings.exists().filtered("active")
        if not bindings:
            return "nothing to export"
        backend = bindings.backend_id.with_env(self.env)
        self.env["connector.lock"]._acquire_or_retry(
            backend, bindings._name, [f"odoo:{bid}" for bid in bindings.ids]
        )
        payloads = self._payloads(bindings)
        if backend._connector_is_preview():
            return self._preview(backend, bindings, payloads)
        self._bind_existing(
            backend, bindings.filtered(lambda b: not b.external_id), payloads
        )
        to_create = bindings.filtered(lambda b: not b.external_id)
        to_update = bindings.filtered(
            lambda b: b.external_id and b.export_hash != payload_hash(payloads[b.id])
        )
        ok_created = self._send_many(backend, "create_many", to_create, payloads)
        ok_updated = self._send_many(backend, "update_many", to_update, payloads)
        bindings._delay_contacts()
        return (
            f"created {ok_created}, updated {ok_updated}, "
            f"unchanged {len(bindings) - len(to_create) - len(to_update)}"
        )

    def _preview(self, backend, bindings, payloads):
        changed = bindings.filtered(
            lambda b: b.export_hash != payload_hash(payloads[b.id])
        )
        self.env["connector.audit.line"]._record_many(
            backend,
            "export",
            "preview",
            [{"binding": b, "changed": sorted(payloads[b.id])} for b in changed],
            decision="batch: would export",
        )
        return f"preview: would export {len(changed)} organizations"

    def _send_many(self, backend, operation, bindings, payloads):
        """``create_many`` / ``update_many``; names Zendesk reports as taken
        get the next suffix of the disambiguation rule and are sent again."""
        ok = 0
        while bindings:
            items = [
                {**payloads[b.id], "id": int(b.external_id)}
                if operation == "update_many"
                else payloads[b.id]
                for b in bindings
            ]
            results = backend._get_adapter().bulk(
                backend, "organizations", operation, items
            )
            done, taken = self._apply_results(backend, bindings, results, payloads)
            ok += done
            bindings = self._disambiguate(backend, taken, payloads)
            for binding in taken - bindings:
                name = payloads[binding.id]["name"]
                self._record_failure(
                    backend, binding, {"details": f"Name: {name} is already taken"}
                )
        return ok

    def _disambiguate(self, backend, bindings, payloads):
        """Zendesk said these names are taken: give each binding the next
        suffix of the rule, update its payload, record the decision. Returns
        the bindings to send again (not those the rule has nothing left for)."""
        retry = self.env["zendesk.organization"]
        for binding in bindings:
            partner = binding.odoo_id
            suffixes = mappers.name_suffixes(
                {"id": partner.id, "ref": partner.ref, "vat": partner.vat}
            )
            current = binding.name_suffix or ""
            tried = suffixes.index(current) + 1 if current in suffixes else 0
            if tried >= len(suffixes):
                continue
            taken_name = payloads[binding.id]["name"]
            binding.name_suffix = suffixes[tried]
            new_name = binding._zendesk_name()
            payloads[binding.id] = {**payloads[binding.id], "name": new_name}
            self.env["connector.audit.line"]._record(
                backend,
                "export",
                "update",
                binding=binding,
                changed=["name"],
                decision=f"Zendesk name {taken_name!r} already taken: "
                f"sent as {new_name!r}",
            )
            retry |= binding
        return retry

    def _bind_existing(self, backend, bindings, payloads):
        """Bind what a previous (failed) attempt already created; when Zendesk
        already holds the exact payload, nothing is sent again."""
        if not bindings:
            return
        xids = {backend._partner_xid(b.odoo_id.id): b for b in bindings}
        found = backend._get_adapter().show_many(
            backend, "organizations", external_ids=list(xids)
        )
        for row in found:
            binding = xids.get(row.get("external_id"))
            if not binding:
                continue
            vals = {"external_id": str(row["id"])}
            if _same(row, payloads[binding.id]):
                vals["export_hash"] = payload_hash(payloads[binding.id])
                vals["sync_date"] = fields.Datetime.now()
            binding.write(vals)

    def _apply_results(self, backend, bindings, results, payloads):
        """Bind what succeeded; return ``(count, bindings whose name is taken)``."""
        ok = 0
        taken = self.env["zendesk.organization"]
        now = fields.Datetime.now()
        for binding, result in zip(bindings, self._by_index(results), strict=False):
            if mappers.name_taken(result):
                taken |= binding
            elif result and result.get("success", True) and result.get("id"):
                binding.write(
                    {
                        "external_id": str(result["id"]),
                        "sync_date": now,
                        "export_hash": payload_hash(payloads[binding.id]),
                    }
                )
                ok += 1
            else:
                self._record_failure(backend, binding, result)
        self.env["connector.audit.line"]._record_many(
            backend,
            "export",
            "update",
            [{"binding": b} for b in bindings if b.sync_date == now],
            decision="batch export",
        )
        return ok, taken

    def _by_index(self, results):
        by_index = {r.get("index", i): r for i, r in enumerate(results)}
        return [by_index.get(i) for i in range(max(by_index, default=-1) + 1)]

    def _record_failure(self, backend, binding, result):
        detail = (result or {}).get("details") or (result or {}).get("error")
        if "External id" in str(detail):
            return  # created by a previous attempt: bound by the next run
        error = RemoteRequestError(
            f"Zendesk refused the organization of {binding.odoo_id.display_name}: "
            f"{detail}. Fix the customer (e.g. a duplicate name) and refresh it.",
            payload=result,
        )
        self.env["connector.exception"]._record_error(
            backend,
            error,
            binding_model=binding._name,
            external_id=binding.external_id,
            record=binding.odoo_id,
        )
