# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reconciliation provider of Zendesk: organization field parity.

Odoo owns every organization value, so the comparison is a snapshot: the
organizations Zendesk holds now (list pages) beside the payloads Odoo would
send now (the batch exporter's ``_payloads``, computed with the grouped
standing queries). The run's period is not used. Objects are keyed by the
organization's ``external_id`` (``<prefix><partner id>``), which both sides
know even before the first export. The compared fields (name and the mapped
organization_fields) form the *status*: a differing field is a *status* drift
whose Fix sends Odoo's values again.
"""

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.connector_base.models.connector_reconciliation_run import ReconRow

from .mappers import parse_time

BINDING = "zendesk.organization"
PAGE = 100
PAYLOAD_PAGE = 1000


def field_text(value):
    """A field value as text both sides agree on (120 == 120.0, None == "")."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{float(value):.2f}"
    return str(value)


def fields_status(name, values, keys):
    """``name=...; key=value; ...`` over the compared ``keys`` (sorted)."""
    parts = [f"name={name or ''}"]
    parts += [f"{key}={field_text(values.get(key))}" for key in sorted(keys)]
    return "; ".join(parts)


class ZendeskAdapter(models.AbstractModel):
    _inherit = "zendesk.adapter"

    def list_all(self, backend, resource):
        """Every live object of ``resource`` (cursor pagination, 100 a page)."""
        params = {"page[size]": PAGE}
        while True:
            data = self._api(backend, "GET", f"{resource}.json", params=params)
            yield from data.get(resource, [])
            meta = data.get("meta") or {}
            if not meta.get("has_more") or not meta.get("after_cursor"):
                return
            params = {"page[size]": PAGE, "page[after]": meta["after_cursor"]}


class ZendeskBackend(models.Model):
    _inherit = "zendesk.backend"

    def _connector_external_url(self, model, external_id):
        """Lines and exceptions carry the organization's Zendesk id or, for
        reconciliation lines, its external id (``<prefix><partner id>``)."""
        if model != BINDING or not external_id:
            return False
        partner_id = self._xid_to_partner_id(external_id) or 0
        domain = [("external_id", "=", external_id), ("odoo_id", "=", partner_id)]
        binding = (
            self.env[BINDING]
            .with_context(active_test=False)
            .search([("backend_id", "=", self.id), "|", *domain], limit=1)
        )
        if not binding.external_id:
            return False
        base = self._get_adapter()._base_url(self)
        return f"{base}/agent/organizations/{binding.external_id}"

    def _connector_reconcile_object_types(self):
        return [("organizations", "Organizations (fields)")]

    def _connector_reconcile_fix_mode(self, line):
        """Odoo is the reference: Fix sends its values (see
        ``_zendesk_rebind`` for an organization Odoo no longer binds)."""
        return "export"

    def _connector_reconcile_sources(self, run):
        if run.object_type != "organizations":
            return {}
        keys = [key for key in self._org_field_keys().values() if key]
        source = run._source(BINDING, {}, self._zd_recon_query())
        self._zd_fill_payloads(source[run.object_type], keys)
        remote = source[run.object_type]["remote"]
        for org in self._zd_recon_remote():
            xid = org.get("external_id")
            if xid and self._xid_to_partner_id(xid) is not None:
                remote[xid] = ReconRow(
                    0.0,
                    None,
                    fields_status(
                        org.get("name"), org.get("organization_fields") or {}, keys
                    ),
                    parse_time(org.get("updated_at") or org.get("created_at")),
                )
        return source

    def _zd_recon_remote(self):
        """``connector_reconcile_remote`` (organization dicts) replaces the
        HTTP source in benchmarks."""
        in_memory = self.env.context.get("connector_reconcile_remote")
        if in_memory is not None:
            return in_memory
        return self._get_adapter().list_all(self, "organizations")

    def _zd_recon_query(self):
        """Active bindings keyed by external id; status filled from the payloads."""
        return SQL(
            "SELECT concat(%s::varchar, b.odoo_id), 0.0, NULL, NULL, "
            "coalesce(b.sync_date, b.create_date), 0.0, b.id "
            "FROM zendesk_organization b WHERE b.backend_id = %s AND b.active",
            self.external_id_prefix or "",
            self.id,
        )

    def _zd_fill_payloads(self, source, keys):
        """Odoo's payloads, a page of bindings at a time: the standing queries
        stay grouped, and small recordsets keep the ORM's prefetch cheap."""
        ids = source["binding_ids"]
        odoo, items = source["odoo"], list(ids.items())
        exporter = self.env["zendesk.organization.batch.exporter"]
        for start in range(0, len(items), PAYLOAD_PAGE):
            page = items[start : start + PAYLOAD_PAGE]
            bindings = self.env[BINDING].browse([binding_id for __, binding_id in page])
            payloads = exporter._payloads(bindings)
            for xid, binding_id in page:
                payload = payloads[binding_id]
                odoo[xid] = odoo[xid]._replace(
                    status=fields_status(
                        payload["name"], payload.get("organization_fields") or {}, keys
                    )
                )
            self.env.invalidate_all()  # what a page read is not needed again


class ConnectorReconciliationLine(models.Model):
    _inherit = "connector.reconciliation.line"

    def _enqueue_fix(self):
        if self.backend_model == "zendesk.backend" and self.side == "remote":
            self._zendesk_rebind()
        return super()._enqueue_fix()

    def _zendesk_rebind(self):
        """An organization Zendesk holds for a customer Odoo no longer binds:
        bind the customer again (archived binding reactivated), so the export
        matches the organization by external id."""
        self.ensure_one()
        backend = self._get_backend()
        partner_id = backend._xid_to_partner_id(self.external_id)
        partner = self.env["res.partner"].browse(partner_id).exists()
        if not partner:
            raise UserError(
                _(
                    "Zendesk organization %(xid)s belongs to a customer that no "
                    "longer exists in Odoo: delete it in Zendesk, or ignore the "
                    "line.",
                    xid=self.external_id,
                )
            )
        bindings = self.env[BINDING].sudo().with_context(active_test=False)
        binding = bindings.search(
            [("backend_id", "=", backend.id), ("odoo_id", "=", partner.id)], limit=1
        )
        if binding:
            binding.with_context(connector_no_export=True).active = True
        else:
            binding = bindings.with_context(connector_no_export=True).create(
                {"backend_id": backend.id, "odoo_id": partner.id}
            )
        self.write({"binding_id": binding.id, "binding_model": BINDING})
