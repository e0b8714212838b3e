# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoice and payment status written back to Accounts and Opportunities."""

from odoo import _, fields, models

from odoo.addons.connector_base.exceptions import RemoteRequestError
from odoo.addons.connector_base.tools.masking import payload_hash

from ..const import PAYMENT_STATUS
from . import mappers


class SalesforceStatusMixin(models.AbstractModel):
    """Bindings that receive the invoice/payment status (Account, Opportunity)."""

    _name = "salesforce.status.mixin"
    _description = "Salesforce status write-back target"

    sf_status_pending = fields.Boolean(
        "Status to send", readonly=True, copy=False, index=True
    )

    def _sf_status_invoices(self):
        raise NotImplementedError

    def action_sf_send_status(self):
        """Send this record's invoice and payment status now (queued)."""
        self.sudo().write({"sf_status_pending": True})
        self.backend_id._sf_delay_status_export()
        return self.backend_id[:1]._sf_notify(_("Payment status write-back queued."))

    def _sf_status_rows(self):
        rows = []
        for invoice in self._sf_status_invoices():
            receivable = invoice.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            )
            partials = receivable.matched_credit_ids
            rows.append(
                {
                    "name": invoice.name,
                    "residual": invoice.amount_residual,
                    "payment_state": invoice.payment_state,
                    "date_due": invoice.invoice_date_due,
                    "payment_dates": partials.mapped("max_date"),
                }
            )
        return rows

    def _sf_status_payload(self):
        self.ensure_one()
        backend = self.backend_id
        status = mappers.invoice_status(
            self._sf_status_rows(), fields.Date.context_today(self)
        )
        payload = mappers.status_payload(
            status, backend._sf_write_back_fields(), PAYMENT_STATUS
        )
        key = backend.sf_upsert_field
        return {key: self.external_id, **payload}


class SalesforceStatusExporter(models.AbstractModel):
    """Upserts the status by the configured key, 200 records per call."""

    _name = "salesforce.status.exporter"
    _inherit = "connector.exporter"
    _description = "Salesforce Status Exporter"

    def run(self, binding, operation="update"):
        if "sf_status_pending" not in binding._fields:
            return f"{binding._description}: no status is written back"
        return self.export_many(binding.backend_id, binding)

    def export_many(self, backend, bindings):
        backend = backend.with_env(self.env)
        self.env["connector.lock"]._acquire_or_retry(
            backend, bindings._name, [f"odoo:{b.id}" for b in bindings]
        )
        todo = []
        for binding in bindings:
            payload = binding._sf_status_payload()
            digest = payload_hash(payload)
            if digest == binding.export_hash:
                binding.sf_status_pending = False
                continue
            todo.append((binding, payload, digest))
        if not todo or backend._connector_is_preview():
            return {"sent": 0, "unchanged": len(bindings) - len(todo)}
        results = backend._get_adapter().upsert_many(
            backend,
            bindings._sf_object,
            backend.sf_upsert_field,
            [payload for __, payload, __d in todo],
        )
        failed = 0
        for (binding, payload, digest), result in zip(todo, results, strict=True):
            if result.get("success"):
                self._sent(backend, binding, payload, digest)
            else:
                failed += 1
                self._failed(backend, binding, result)
        return {"sent": len(todo) - failed, "failed": failed}

    def _sent(self, backend, binding, payload, digest):
        binding.write(
            {
                "export_hash": digest,
                "sf_status_pending": False,
                "sync_date": fields.Datetime.now(),
            }
        )
        self._audit(
            backend,
            binding,
            "update",
            digest[:40],
            "payment status written back",
            changed=sorted(payload),
        )

    def _failed(self, backend, binding, result):
        reasons = "; ".join(
            f"{e.get('statusCode')}: {e.get('message')}"
            for e in result.get("errors") or []
        )
        error = RemoteRequestError(
            f"Salesforce refused the payment status of {binding.display_name}: "
            f"{reasons}. Check that the status fields exist on "
            f"{binding._sf_object} and are writable by the integration user."
        )
        self.env["connector.exception"]._record_error(
            backend,
            error,
            binding_model=binding._name,
            external_id=binding.external_id,
            record=binding.odoo_id,
        )
        self._audit(backend, binding, "error", False, str(error)[:250])


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._sf_flag_status()
        return posted

    def _sf_flag_status(self):
        """Explicit trigger: mark the bound orders and customers of these
        invoices and enqueue one debounced write-back job per backend."""
        invoices = self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        if not invoices or self.env.context.get("connector_no_export"):
            return
        orders = invoices.invoice_line_ids.sale_line_ids.order_id
        targets = self.env["salesforce.opportunity"].search(
            [("odoo_id", "in", orders.ids)]
        )
        accounts = self.env["salesforce.account"].search(
            [("odoo_id", "in", invoices.commercial_partner_id.ids)]
        )
        targets, accounts = targets.sudo(), accounts.sudo()
        targets.write({"sf_status_pending": True})
        accounts.write({"sf_status_pending": True})
        (targets.backend_id | accounts.backend_id)._sf_delay_status_export()


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _reconcile_post_hook(self, data):
        result = super()._reconcile_post_hook(data)
        invoices = data["not_paid_invoices"] | data["in_payment_invoices"]
        (invoices | self.move_id)._sf_flag_status()
        return result

    def remove_move_reconcile(self):
        moves = self.move_id
        result = super().remove_move_reconcile()
        moves._sf_flag_status()
        return result
