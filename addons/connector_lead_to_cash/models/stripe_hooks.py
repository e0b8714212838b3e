# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Explicit hooks in the Stripe importers: what Stripe tells Odoo wakes the
deals that wait for it (first invoice, payment, amendments)."""

from odoo import _, fields, models


class StripeInvoiceImporter(models.AbstractModel):
    _inherit = "stripe.invoice.importer"

    def _follow_state(self, backend, binding, data):
        decision = super()._follow_state(backend, binding, data)
        self.env["connector.deal"]._wake(
            backend, [("invoice_ref", "=", binding.external_id)]
        )
        return decision


class StripeChargeImporter(models.AbstractModel):
    _inherit = "stripe.charge.importer"

    def _record_failed(self, backend, data):
        decision = super()._record_failed(backend, data)
        partner = self.env["stripe.customer"]._to_internal(
            backend, data.get("customer")
        )
        if partner:
            self.env["connector.deal"]._wake(
                backend, [("partner_id", "=", partner.odoo_id.id)]
            )
        return decision


class StripeChargeBatchImporter(models.AbstractModel):
    _inherit = "stripe.charge.batch.importer"

    def _after_create(self, backend, bindings, items):
        """A page of the pull brought payments (no webhook came): their
        customers' waiting deals look again, as after a single import."""
        decisions = super()._after_create(backend, bindings, items)
        partners = bindings.odoo_id.partner_id.commercial_partner_id
        if partners:
            self.env["connector.deal"]._wake(
                backend, [("partner_id", "in", partners.ids)]
            )
        return decisions


class StripeSubscription(models.Model):
    _inherit = "stripe.subscription"

    paused = fields.Boolean(
        readonly=True, help="Stripe pauses collection (pause_collection set)."
    )
    deal_ids = fields.One2many("connector.deal", "subscription_id")

    def _amendment_snapshot(self):
        self.ensure_one()
        return {
            "status": self.status,
            "plan": self.plan,
            "quantity": self.quantity,
            "paused": self.paused,
            "cancel_at_period_end": self.cancel_at_period_end,
            "mrr": self.mrr,
        }

    def _amendment_kind(self, before):
        after = self._amendment_snapshot()
        if after == before:
            return None
        if after["status"] == "canceled" and before["status"] != "canceled":
            return _("cancel")
        if after["cancel_at_period_end"] and not before["cancel_at_period_end"]:
            return _("cancel at period end")
        if after["paused"] != before["paused"]:
            return _("pause") if after["paused"] else _("resume")
        if after["mrr"] > before["mrr"]:
            return _("upgrade")
        if after["mrr"] < before["mrr"]:
            return _("downgrade")
        return _("change")


class StripeSubscriptionImporter(models.AbstractModel):
    _inherit = "stripe.subscription.importer"

    def run(self, backend, external_id, event=None, data=None):
        """Amendments (upgrade, downgrade, pause, cancel) update Odoo first,
        then the deal queues Salesforce, then Zendesk (a job chain)."""
        backend = backend.with_env(self.env)
        if data is None:
            data = backend._get_adapter().remote_read(
                backend, self._resource, external_id
            )
        record = self.env["stripe.subscription"]._to_internal(backend, external_id)
        before = record._amendment_snapshot() if record else None
        result = super().run(backend, external_id, event=event, data=data)
        record = record or self.env["stripe.subscription"]._to_internal(
            backend, external_id
        )
        record.paused = bool(data.get("pause_collection"))
        kind = before and record._amendment_kind(before)
        if kind and not self.env.context.get("connector_deal_step"):
            record.deal_ids._on_amendment(kind)
        return result
