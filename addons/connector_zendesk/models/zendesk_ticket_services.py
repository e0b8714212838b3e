# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from . import mappers


class ZendeskTicketImporter(models.AbstractModel):
    _name = "zendesk.ticket.importer"
    _inherit = "connector.importer"
    _description = "Zendesk Ticket Importer"

    _binding_model = "zendesk.ticket"
    _resource = "tickets"

    def _remote_updated_at(self, data):
        return mappers.parse_time(data.get("updated_at"))

    def _map_record(self, backend, data):
        lookup = self.env.context.get("zendesk_lookup")
        if lookup is None or not lookup.covers(data):
            lookup = self.env["zendesk.ticket.batch.importer"]._lookup(backend, [data])
        return mappers.ticket_to_vals(
            data, lookup.partners, lookup.users, backend._ticket_url()
        )

    def _match_existing(self, backend, data, vals):
        return self.env["res.partner"]


class TicketLookup:
    """Zendesk organization id -> partner id, user id -> name, for one page."""

    def __init__(self, partners, users):
        self.partners = partners
        self.users = users

    def covers(self, data):
        refs = (data.get("requester_id"), data.get("assignee_id"))
        org = data.get("organization_id")
        return all(r is None or r in self.users for r in refs) and (
            org is None or org in self.partners
        )


class ZendeskTicketBatchImporter(models.AbstractModel):
    """One export page: the organizations and users it mentions are resolved
    with one query and a few ``show_many`` calls, then the base batch importer
    maps and creates the tickets in bulk."""

    _name = "zendesk.ticket.batch.importer"
    _inherit = "connector.batch.importer"
    _description = "Zendesk Ticket Batch Importer"

    _binding_model = "zendesk.ticket"
    _importer = "zendesk.ticket.importer"

    def run(self, backend, records, event=None):
        lookup = self._lookup(backend, records)
        return super(
            ZendeskTicketBatchImporter, self.with_context(zendesk_lookup=lookup)
        ).run(backend, records, event=event)

    @api.model
    def _lookup(self, backend, records):
        org_ids = {r["organization_id"] for r in records if r.get("organization_id")}
        user_ids = set()
        for rec in records:
            user_ids |= {rec.get("requester_id"), rec.get("assignee_id")}
        user_ids.discard(None)
        partners = self._partners_by_org(backend, org_ids)
        users = self._user_names(backend, user_ids)
        return TicketLookup(partners, users)

    @api.model
    def _partners_by_org(self, backend, org_ids):
        """Bound organizations first; unknown ones are read from Zendesk and
        bound when their external id names one of our partners."""
        orgs = self.env["zendesk.organization"].with_context(active_test=False)
        bindings = orgs._existing_bindings(backend, [str(o) for o in org_ids])
        result = {int(xid): b.odoo_id.id for xid, b in bindings.items()}
        missing = [o for o in org_ids if o not in result]
        rows = (
            backend._get_adapter().show_many(backend, "organizations", ids=missing)
            if missing
            else []
        )
        wanted = {}
        for row in rows:
            pid = backend._xid_to_partner_id(row.get("external_id"))
            if pid:
                wanted[pid] = row["id"]
        partners = self.env["res.partner"].browse(list(wanted)).exists()
        bound = orgs.search(
            [("backend_id", "=", backend.id), ("odoo_id", "in", partners.ids)]
        )
        for binding in bound:
            org_id = wanted[binding.odoo_id.id]
            result[org_id] = binding.odoo_id.id
            if not binding.external_id:
                binding.external_id = str(org_id)
        new_partners = partners - bound.odoo_id
        orgs.with_context(connector_no_export=True).create(
            [
                {
                    "backend_id": backend.id,
                    "odoo_id": p.id,
                    "external_id": str(wanted[p.id]),
                }
                for p in new_partners
            ]
        )
        result.update({wanted[p.id]: p.id for p in new_partners})
        for org in org_ids:
            result.setdefault(org, False)
        return result

    @api.model
    def _user_names(self, backend, user_ids):
        rows = (
            backend._get_adapter().show_many(backend, "users", ids=sorted(user_ids))
            if user_ids
            else []
        )
        names = {uid: False for uid in user_ids}
        names.update({row["id"]: row.get("name") for row in rows})
        return names
