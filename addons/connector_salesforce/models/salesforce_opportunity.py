# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models

from odoo.addons.connector_base.exceptions import ConnectorError
from odoo.addons.connector_base.tools.masking import payload_hash

from . import mappers
from .salesforce_partner_services import BATCH_CONTEXT


class ConvertedOpportunityChanged(ConnectorError):
    """A won opportunity changed after its order was created."""

    exception_class = "other"


class SalesforceOpportunity(models.Model):
    """A won Salesforce Opportunity bound to the sale order made from it.

    Only opportunities at the backend's conversion stage are pulled, so every
    binding is an order; the unique constraints guarantee one order per
    opportunity.
    """

    _name = "salesforce.opportunity"
    _description = "Salesforce Opportunity"
    _inherit = ["salesforce.binding", "salesforce.status.mixin"]
    _inherits = {"sale.order": "odoo_id"}

    _importer = "salesforce.opportunity.importer"
    _batch_importer = "salesforce.opportunity.batch.importer"
    _exporter = "salesforce.status.exporter"
    _sf_object = "Opportunity"

    odoo_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True
    )
    sf_amount = fields.Float("Amount in Salesforce", readonly=True)
    sf_vals_hash = fields.Char(
        readonly=True, copy=False, help="Hash of the order values at conversion."
    )

    _sql_constraints = [
        (
            "backend_external_uniq",
            "unique(backend_id, external_id)",
            "This opportunity already has an order on this backend.",
        ),
        (
            "backend_odoo_uniq",
            "unique(backend_id, odoo_id)",
            "This order is already bound to an opportunity.",
        ),
    ]

    def _sf_status_invoices(self):
        self.ensure_one()
        return self.odoo_id.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice"
        )

    def _sf_archive_record(self):
        """An order is never archived nor cancelled from Salesforce: the
        message posted on it tells the salesperson."""


class SalesforceOpportunityImporter(models.AbstractModel):
    _name = "salesforce.opportunity.importer"
    _inherit = "salesforce.importer.mixin"
    _description = "Salesforce Opportunity Importer"

    _binding_model = "salesforce.opportunity"
    _resource = "Opportunity"

    def _refs(self, backend, records):
        items = [item for rec in records for item in mappers.line_items(rec)]
        return {
            "accounts": self._odoo_ids(
                backend, "salesforce.account", [r.get("AccountId") for r in records]
            ),
            "products": self._odoo_ids(
                backend, "salesforce.product", [i.get("Product2Id") for i in items]
            ),
        }

    def _import_dependencies(self, backend, data):
        self._import_page_dependencies(backend, [data])

    def _import_page_dependencies(self, backend, records):
        """Customers and products first, one query per kind for the page."""
        items = [item for rec in records for item in mappers.line_items(rec)]
        self._import_missing(
            backend, "salesforce.account", [r.get("AccountId") for r in records]
        )
        self._import_missing(
            backend, "salesforce.product", [i.get("Product2Id") for i in items]
        )

    def _map_record(self, backend, data):
        refs = self._page_refs(backend, data)
        vals = mappers.opportunity_to_order(
            data, refs["accounts"].get(data.get("AccountId")), refs["products"]
        )
        vals["company_id"] = backend.company_id.id
        vals["sf_amount"] = mappers.number(data.get("Amount"))
        return vals

    def _create(self, backend, external_id, data, vals, sync_vals, event):
        sync_vals = {**sync_vals, "sf_vals_hash": payload_hash(vals)}
        result = super()._create(backend, external_id, data, vals, sync_vals, event)
        binding = self.env[self._binding_model]._to_internal(backend, external_id)
        self._confirm(backend, binding)
        return result

    def _confirm(self, backend, bindings):
        if backend.confirm_orders and not backend._connector_is_preview():
            drafts = bindings.odoo_id.filtered(lambda o: o.state in ("draft", "sent"))
            drafts.with_context(connector_no_export=True).action_confirm()

    def _update(self, backend, binding, vals, sync_vals, event, remote_updated):
        """An order is never rewritten from Salesforce once created: the change
        becomes an exception for the salesperson to apply by hand."""
        if payload_hash(vals) == binding.sf_vals_hash:
            binding.write(sync_vals)
            return "skipped: order values unchanged"
        error = ConvertedOpportunityChanged(
            _(
                "Opportunity %(opp)s changed in Salesforce after it became order "
                "%(order)s (%(state)s). The order was not changed: compare both, "
                "then amend the order by hand (or cancel it and let the opportunity "
                "convert again).",
                opp=binding.external_id,
                order=binding.odoo_id.name,
                state=binding.odoo_id.state,
            )
        )
        self.env["connector.exception"]._record_error(
            backend,
            error,
            binding_model=self._binding_model,
            external_id=binding.external_id,
            record=binding.odoo_id,
            event=event,
        )
        binding.write(sync_vals)
        self._audit(
            backend,
            binding,
            binding.external_id,
            "blocked",
            event,
            blocked=sorted(vals),
            decision="converted order kept: opportunity changed after conversion",
        )
        return f"blocked: {binding.odoo_id.name} already converted"


class SalesforceOpportunityBatchImporter(models.AbstractModel):
    _name = "salesforce.opportunity.batch.importer"
    _inherit = "connector.batch.importer"
    _description = "Salesforce Opportunity Batch Importer"

    _binding_model = "salesforce.opportunity"
    _importer = "salesforce.opportunity.importer"

    def run(self, backend, records, event=None):
        importer = self.env[self._importer]
        importer._import_page_dependencies(backend, records)
        refs = importer._refs(backend, records)
        return super(
            SalesforceOpportunityBatchImporter,
            self.with_context(sf_refs=refs, **BATCH_CONTEXT),
        ).run(backend, records, event=event)

    def _create_batch(self, backend, to_create):
        to_create = [
            (xid, binding, vals, {**sync_vals, "sf_vals_hash": payload_hash(vals)})
            for xid, binding, vals, sync_vals in to_create
        ]
        bindings = super()._create_batch(backend, to_create)
        self.env[self._importer]._confirm(backend, bindings)
        return bindings


class SaleOrder(models.Model):
    _inherit = "sale.order"

    salesforce_opportunity_ids = fields.One2many(
        "salesforce.opportunity", "odoo_id", string="Salesforce opportunities"
    )

    def action_open_salesforce_opportunity(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "salesforce.opportunity",
            "view_mode": "form",
            "res_id": self.salesforce_opportunity_ids[:1].id,
        }
