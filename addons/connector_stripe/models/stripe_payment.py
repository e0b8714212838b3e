# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.tools import SQL

from odoo.addons.connector_base.exceptions import ConnectorRetryableError

from . import mappers


class StripeCharge(models.Model):
    """Binding of an inbound account.payment to a succeeded Stripe charge."""

    _name = "stripe.charge"
    _description = "Stripe Payment"
    _inherit = ["stripe.binding.mixin"]
    _inherits = {"account.payment": "odoo_id"}

    _importer = "stripe.charge.importer"
    _batch_importer = "stripe.charge.batch.importer"

    odoo_id = fields.Many2one(
        "account.payment", required=True, ondelete="cascade", index=True
    )
    payment_intent = fields.Char(readonly=True, index=True)
    amount_refunded = fields.Monetary(readonly=True, currency_field="currency_id")


class StripePaymentImporterMixin(models.AbstractModel):
    _name = "stripe.payment.importer.mixin"
    _inherit = "stripe.money.importer"
    _description = "Stripe Payment Importer (abstract)"

    def _create_payment(self, backend, external_id, vals, extra=None):
        self._check_lock(backend, vals["date"], has_tax=False)
        binding = (
            self.env[self._binding_model]
            .with_company(backend.company_id)
            .create(
                {
                    "backend_id": backend.id,
                    "external_id": external_id,
                    **vals,
                    **(extra or {}),
                }
            )
        )
        binding.odoo_id.action_post()
        return binding


class StripeChargeImporter(models.AbstractModel):
    _name = "stripe.charge.importer"
    _inherit = "stripe.payment.importer.mixin"
    _description = "Stripe Payment Importer"

    _binding_model = "stripe.charge"
    _resource = "charges"

    def _skip_reason(self, backend, data):
        if data.get("status") == "failed":
            return self._record_failed(backend, data)
        if data.get("status") != "succeeded" or not data.get("captured", True):
            return f"payment {data.get('status')}: nothing received yet"
        return None

    def _record_failed(self, backend, data):
        """Count a failed payment once on the customer's standing."""
        decision = "failed payment recorded on the customer"
        seen = self.env["connector.audit.line"].search_count(
            [
                ("backend_model", "=", backend._name),
                ("backend_id", "=", backend.id),
                ("external_id", "=", data["id"]),
                ("match_decision", "=", decision),
            ]
        )
        partner = self.env["stripe.customer"]._partner(backend, data.get("customer"))
        if not seen and partner:
            partner._stripe_record_failed_payment(data)
        return decision

    def _create_entry(self, backend, external_id, data):
        partner = self.env["stripe.customer"]._partner(backend, data.get("customer"))
        vals = mappers.charge_to_payment(
            data,
            partner.id,
            backend._currency(data["currency"]).id,
            backend.journal_id.id,
        )
        return self._create_payment(
            backend,
            external_id,
            vals,
            {"payment_intent": data.get("payment_intent") or False},
        )

    def _follow_state(self, backend, binding, data):
        """Reconcile with the invoice first, then apply the refunds."""
        binding.amount_refunded = mappers.to_amount(
            data.get("amount_refunded"), data.get("currency")
        )
        invoices = self.env["stripe.invoice"].search(
            [
                ("backend_id", "=", backend.id),
                ("payment_intents", "like", binding.payment_intent or "-"),
            ]
        )
        if invoices:
            self._reconcile(binding.odoo_id.move_id | invoices.odoo_id)
            decision = _(
                "reconciled with invoice %s", ", ".join(invoices.mapped("ref"))
            )
        else:
            decision = _("received, no invoice in Stripe: customer credit")
        for refund in (data.get("refunds") or {}).get("data") or []:
            self.env["stripe.refund.importer"].run(backend, refund["id"], data=refund)
        return decision


class StripeChargeBatchImporter(models.AbstractModel):
    """A page of new succeeded payments: one create, one post, one plan."""

    _name = "stripe.charge.batch.importer"
    _inherit = "stripe.money.batch.importer"
    _description = "Stripe Payment Batch Importer"

    _binding_model = "stripe.charge"
    _importer = "stripe.charge.importer"

    def _batchable(self, data):
        return data.get("status") == "succeeded" and data.get("captured", True)

    def _page_vals(self, backend, data, context):
        return {
            **mappers.charge_to_payment(
                data,
                context["partners"].get(data.get("customer"), False),
                context["currencies"][data.get("currency")],
                backend.journal_id.id,
            ),
            "payment_intent": data.get("payment_intent") or False,
            "amount_refunded": mappers.to_amount(
                data.get("amount_refunded"), data.get("currency")
            ),
        }

    def _isolate(self, backend, bindings, items, context):
        return [
            xid
            for binding, (xid, __, __v) in zip(bindings, items, strict=True)
            if self._locked(backend, binding, False, context)
        ]

    def _after_create(self, backend, bindings, items):
        bindings.odoo_id.action_post()
        invoices = self._invoices_by_intent(backend, bindings.mapped("payment_intent"))
        groups, decisions = [], []
        for binding in bindings:
            invoice = invoices.get(binding.payment_intent)
            if invoice:
                groups.append(binding.odoo_id.move_id | invoice.odoo_id)
                decisions.append(
                    _("reconciled with invoice %s", ", ".join(invoice.mapped("ref")))
                )
            else:
                decisions.append(_("received, no invoice in Stripe: customer credit"))
        self._reconcile_many(groups)
        refunds = self.env["stripe.refund.importer"]
        for __, data, __v in items:
            for refund in (data.get("refunds") or {}).get("data") or []:
                refunds.run(backend, refund["id"], data=refund)
        return decisions

    def _invoices_by_intent(self, backend, intents):
        """Payment intent -> the invoices it paid, in one query."""
        intents = [intent for intent in intents if intent]
        invoices = self.env["stripe.invoice"]
        if not intents:
            return {}
        invoices.flush_model(["backend_id", "payment_intents"])
        self.env.cr.execute(
            SQL(
                "SELECT id, payment_intents FROM stripe_invoice WHERE backend_id = %s "
                "AND string_to_array(payment_intents, ',') && %s::text[]",
                backend.id,
                intents,
            )
        )
        result = {}
        for invoice_id, joined in self.env.cr.fetchall():
            for intent in joined.split(","):
                result[intent] = result.get(intent, invoices) | invoices.browse(
                    invoice_id
                )
        return result


class StripeRefund(models.Model):
    """Binding of an outbound account.payment to a Stripe refund."""

    _name = "stripe.refund"
    _description = "Stripe Refund"
    _inherit = ["stripe.binding.mixin"]
    _inherits = {"account.payment": "odoo_id"}

    _importer = "stripe.refund.importer"
    _batch_importer = "stripe.refund.batch.importer"

    odoo_id = fields.Many2one(
        "account.payment", required=True, ondelete="cascade", index=True
    )
    charge_id = fields.Many2one("stripe.charge", readonly=True, index=True)


class StripeRefundImporter(models.AbstractModel):
    _name = "stripe.refund.importer"
    _inherit = "stripe.payment.importer.mixin"
    _description = "Stripe Refund Importer"

    _binding_model = "stripe.refund"
    _resource = "refunds"

    def _skip_reason(self, backend, data):
        if data.get("status") not in ("succeeded", "pending"):
            return f"refund {data.get('status')}: no money left the balance"
        return None

    def _charge(self, backend, data):
        """The refunded payment; a refund never posts before its charge."""
        charges = self.env["stripe.charge"]
        charge = charges._to_internal(backend, data.get("charge"))
        if not charge and data.get("charge"):
            self.env["stripe.charge.importer"].run(backend, data["charge"])
            charge = charges._to_internal(backend, data["charge"])
        if not charge:
            raise ConnectorRetryableError(
                f"Refund {data['id']} waits for its payment {data.get('charge')}",
                seconds=60,
            )
        return charge

    def _import_dependencies(self, backend, data):
        self._charge(backend, data)

    def _create_entry(self, backend, external_id, data):
        charge = self._charge(backend, data)
        vals = mappers.refund_to_payment(
            data,
            charge.partner_id.id,
            backend._currency(data["currency"]).id,
            backend.journal_id.id,
        )
        binding = self._create_payment(
            backend, external_id, vals, {"charge_id": charge.id}
        )
        self._reconcile(binding.odoo_id.move_id | charge.odoo_id.move_id)
        return binding

    def _follow_state(self, backend, binding, data):
        if data.get("status") in ("failed", "canceled"):
            return self._cancel_or_reverse(
                backend, binding.odoo_id.move_id, _("Refund failed in Stripe")
            )
        return data.get("status")


class StripeRefundBatchImporter(models.AbstractModel):
    _name = "stripe.refund.batch.importer"
    _inherit = "stripe.money.batch.importer"
    _description = "Stripe Refund Batch Importer"

    _binding_model = "stripe.refund"
    _importer = "stripe.refund.importer"
