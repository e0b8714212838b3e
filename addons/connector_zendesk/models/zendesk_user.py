# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.connector_base.tools.masking import payload_hash

from . import mappers


class ZendeskUser(models.Model):
    """Binding of a contact (with an email) to a Zendesk end user."""

    _name = "zendesk.user"
    _description = "Zendesk User Binding"
    _inherit = ["zendesk.binding.mixin"]
    _inherits = {"res.partner": "odoo_id"}

    @api.model
    def _export_contacts(self, backend, organizations):
        """Create-or-update the contacts of exported companies, 100 per request.

        Matched on Zendesk's external_id, so a retry never duplicates.
        """
        org_ids = {b.odoo_id.id: b.external_id for b in organizations if b.external_id}
        contacts = self.env["res.partner"].search(
            [
                ("parent_id", "in", list(org_ids)),
                ("is_company", "=", False),
                ("email", "!=", False),
            ]
        )
        bindings = self._ensure_bindings(backend, contacts)
        keys = backend._user_field_keys()
        payloads = {
            b.id: mappers.user_payload(
                {
                    "name": b.odoo_id.name,
                    "email": b.odoo_id.email,
                    "phone": b.odoo_id.phone,
                    "ref": b.odoo_id.commercial_partner_id.ref,
                    "xid": backend._partner_xid(b.odoo_id.id),
                },
                org_ids.get(b.odoo_id.parent_id.id),
                keys,
            )
            for b in bindings
        }
        changed = bindings.filtered(
            lambda b: b.export_hash != payload_hash(payloads[b.id])
        )
        done = 0
        for start in range(0, len(changed), 100):
            chunk = changed[start : start + 100]
            results = backend._get_adapter().bulk(
                backend,
                "users",
                "create_or_update_many",
                [payloads[b.id] for b in chunk],
            )
            done += self._apply(chunk, results, payloads)
        return done

    @api.model
    def _ensure_bindings(self, backend, contacts):
        model = self.with_context(active_test=False)
        bound = model.search(
            [("backend_id", "=", backend.id), ("odoo_id", "in", contacts.ids)]
        )
        missing = contacts - bound.odoo_id
        new = model.create(
            [{"backend_id": backend.id, "odoo_id": pid} for pid in missing.ids]
        )
        return (bound | new).filtered("active")

    @api.model
    def _apply(self, bindings, results, payloads):
        by_index = {r.get("index"): r for r in results}
        now = fields.Datetime.now()
        done = 0
        for index, binding in enumerate(bindings):
            result = by_index.get(index) or {}
            if result.get("success") and result.get("id"):
                binding.write(
                    {
                        "external_id": str(result["id"]),
                        "sync_date": now,
                        "export_hash": payload_hash(payloads[binding.id]),
                    }
                )
                done += 1
        return done
