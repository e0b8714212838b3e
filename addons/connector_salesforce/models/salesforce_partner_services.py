# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Importers of Accounts (company partners) and Contacts (their people)."""

from odoo import api, models

from . import mappers

# Page imports create hundreds of partners at once: no "created" chatter note
# and no follower row per record (the audit line records the creation).
BATCH_CONTEXT = {"mail_create_nolog": True, "mail_create_nosubscribe": True}


class SalesforceImporterMixin(models.AbstractModel):
    """Reference lookups shared by the Salesforce importers.

    ``_refs`` resolves, for a whole page at once, what the pure mappers need
    (Salesforce id -> Odoo id). The batch importer computes it once per page
    and passes it through the context; a single-record import computes it for
    its one record.
    """

    _name = "salesforce.importer.mixin"
    _inherit = "connector.importer"
    _description = "Salesforce importer helpers"

    _binding_model = None

    def _remote_updated_at(self, data):
        return mappers.remote_updated_at(data)

    def _refs(self, backend, records):
        return {}

    def _update(self, backend, binding, vals, sync_vals, event, remote_updated):
        """Only system fields moved (e.g. our own status write-back touched the
        record): keep the new stamps, record a skip, write nothing else."""
        if not self._diff(binding, vals):
            binding.with_context(connector_no_export=True).write(sync_vals)
            self._audit(
                backend,
                binding,
                binding.external_id,
                "skip",
                event,
                decision="only Salesforce system fields changed",
            )
            return "skipped: no business change"
        return super()._update(backend, binding, vals, sync_vals, event, remote_updated)

    def _page_refs(self, backend, data):
        refs = self.env.context.get("sf_refs")
        return refs if refs is not None else self._refs(backend, [data])

    @api.model
    def _odoo_ids(self, backend, binding_model, external_ids):
        """Salesforce id -> Odoo record id, one query."""
        ids = [xid for xid in set(external_ids) if xid]
        if not ids:
            return {}
        found = self.env[binding_model]._existing_bindings(backend, ids)
        return {xid: binding.odoo_id.id for xid, binding in found.items()}

    @api.model
    def _import_missing(self, backend, binding_model, external_ids, page_ids=()):
        """Import the referenced records not bound yet (dependencies first)."""
        wanted = {xid for xid in external_ids if xid} - set(page_ids)
        if not wanted:
            return
        known = self.env[binding_model]._existing_bindings(backend, list(wanted))
        missing = sorted(wanted - set(known))
        if not missing:
            return
        model = self.env[binding_model].with_context(sf_refs=None)
        records = backend._get_adapter().read_many(backend, model._sf_object, missing)
        model.env[model._batch_importer].run(backend, records)


class SalesforceAccountImporter(models.AbstractModel):
    _name = "salesforce.account.importer"
    _inherit = "salesforce.importer.mixin"
    _description = "Salesforce Account Importer"

    _binding_model = "salesforce.account"
    _resource = "Account"

    def _refs(self, backend, records):
        countries = self.env["res.country"].search_read([], ["name"])
        return {
            "countries": {c["name"].lower(): c["id"] for c in countries},
            "parents": self._odoo_ids(
                backend, self._binding_model, [r.get("ParentId") for r in records]
            ),
        }

    def _import_dependencies(self, backend, data):
        self._import_missing(backend, self._binding_model, [data.get("ParentId")])

    def _map_record(self, backend, data):
        refs = self._page_refs(backend, data)
        parent = data.get("ParentId")
        parent_id = refs["parents"].get(parent, None) if parent else False
        return mappers.account_to_partner(
            data, refs["countries"], parent_id, vat_field=backend.sf_vat_field
        )

    def _match_existing(self, backend, data, vals):
        return (
            self._match_partners({data["Id"]: vals}).get(data["Id"])
            or (self.env["res.partner"])
        )

    @api.model
    def _match_partners(self, vals_by_xid):
        """Salesforce id -> unbound company partner: VAT first, then website
        domain + name. Two queries for a whole page."""
        partners = self.env["res.partner"]
        unbound = [("is_company", "=", True), ("salesforce_account_ids", "=", False)]
        vats = [vals["vat"] for vals in vals_by_xid.values() if vals.get("vat")]
        by_vat = {}
        if vats:
            for partner in partners.search(unbound + [("vat", "in", vats)]):
                by_vat.setdefault(partner.vat, partner)
        names = [vals["name"] for vals in vals_by_xid.values()]
        by_name = {}
        for partner in partners.search(unbound + [("name", "in", names)]):
            key = (partner.name, mappers.website_domain(partner.website))
            by_name.setdefault(key, partner)
        matches = {}
        for xid, vals in vals_by_xid.items():
            key = (vals["name"], mappers.website_domain(vals.get("website")))
            match = by_vat.get(vals.get("vat")) or by_name.get(key)
            if match:
                matches[xid] = match
        return matches


class SalesforceAccountBatchImporter(models.AbstractModel):
    _name = "salesforce.account.batch.importer"
    _inherit = "connector.batch.importer"
    _description = "Salesforce Account Batch Importer"

    _binding_model = "salesforce.account"
    _importer = "salesforce.account.importer"

    def run(self, backend, records, event=None):
        importer = self.env[self._importer]
        page_ids = [rec["Id"] for rec in records]
        importer._import_missing(
            backend,
            self._binding_model,
            [rec.get("ParentId") for rec in records],
            page_ids,
        )
        refs = importer._refs(backend, records)
        result = super(
            SalesforceAccountBatchImporter,
            self.with_context(sf_refs=refs, **BATCH_CONTEXT),
        ).run(backend, records, event=event)
        self._link_page_parents(backend, records, refs)
        return result

    def _link_page_parents(self, backend, records, refs):
        """Parents created in this same page: link them now, in one pass."""
        pending = [
            rec
            for rec in records
            if rec.get("ParentId") and rec["ParentId"] not in refs["parents"]
        ]
        if not pending:
            return
        ids = {rec["Id"] for rec in pending} | {rec["ParentId"] for rec in pending}
        bindings = self.env[self._binding_model]._existing_bindings(backend, list(ids))
        for rec in pending:
            child, parent = bindings.get(rec["Id"]), bindings.get(rec["ParentId"])
            if child and parent and child.parent_id != parent.odoo_id:
                child.odoo_id.with_context(
                    connector_no_export=True
                ).parent_id = parent.odoo_id

    def _create_batch(self, backend, to_create):
        """Bind the partners that already exist instead of duplicating them."""
        if not to_create:
            return super()._create_batch(backend, to_create)
        importer = self.env[self._importer]
        matches = importer._match_partners(
            {xid: vals for xid, __, vals, __s in to_create}
        )
        new = [item for item in to_create if item[0] not in matches]
        for xid, __, vals, sync_vals in to_create:
            if xid in matches:
                importer._bind_match(backend, xid, matches[xid], vals, sync_vals)
        return super()._create_batch(backend, new)


class SalesforceAccountImporterBind(models.AbstractModel):
    _inherit = "salesforce.account.importer"

    def _bind_match(self, backend, external_id, partner, vals, sync_vals):
        binding = (
            self.env[self._binding_model]
            .with_context(connector_no_export=True)
            .create(
                {
                    "backend_id": backend.id,
                    "external_id": external_id,
                    "odoo_id": partner.id,
                    **sync_vals,
                }
            )
        )
        allowed, blocked = self._ownership(backend, binding, vals, sync_vals, None)
        binding.with_context(connector_no_export=True).write(allowed)
        self._audit(
            backend,
            binding,
            external_id,
            "create",
            None,
            changed=sorted(allowed),
            blocked=blocked,
            decision=f"matched existing partner #{partner.id} ({partner.name})",
        )
        return binding


class SalesforceContactImporter(models.AbstractModel):
    _name = "salesforce.contact.importer"
    _inherit = "salesforce.importer.mixin"
    _description = "Salesforce Contact Importer"

    _binding_model = "salesforce.contact"
    _resource = "Contact"

    def _refs(self, backend, records):
        return {
            "accounts": self._odoo_ids(
                backend, "salesforce.account", [r.get("AccountId") for r in records]
            )
        }

    def _import_dependencies(self, backend, data):
        self._import_missing(backend, "salesforce.account", [data.get("AccountId")])

    def _map_record(self, backend, data):
        refs = self._page_refs(backend, data)
        parent_id = refs["accounts"].get(data.get("AccountId")) or False
        return mappers.contact_to_partner(data, parent_id)


class SalesforceContactBatchImporter(models.AbstractModel):
    _name = "salesforce.contact.batch.importer"
    _inherit = "connector.batch.importer"
    _description = "Salesforce Contact Batch Importer"

    _binding_model = "salesforce.contact"
    _importer = "salesforce.contact.importer"

    def run(self, backend, records, event=None):
        importer = self.env[self._importer]
        importer._import_missing(
            backend, "salesforce.account", [rec.get("AccountId") for rec in records]
        )
        refs = importer._refs(backend, records)
        return super(
            SalesforceContactBatchImporter,
            self.with_context(sf_refs=refs, **BATCH_CONTEXT),
        ).run(backend, records, event=event)
