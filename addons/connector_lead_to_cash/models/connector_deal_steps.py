# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The steps of a deal, each a small method returning True, WAIT or AGAIN, or
raising a typed ``ConnectorError`` (the deal then stops there)."""

from odoo import _, models

from odoo.addons.connector_base.exceptions import InvalidPayload
from odoo.addons.connector_stripe.exceptions import TaxMappingMissing

from ..exceptions import CurrencyNotMapped, IdentityConflict, PaymentFailed
from .connector_deal import AGAIN, WAIT

PAID_STATES = ("paid", "in_payment")
LIVE = ("active", "past_due", "unpaid", "trialing", "paused", "incomplete")


class ConnectorDeal(models.Model):
    _inherit = "connector.deal"

    # 2. Customer validated ---------------------------------------------------
    def _step_customer(self):
        """Identity matched, taxes and currency billable: checked before
        anything exists in Stripe, so a failure here creates nothing there."""
        self._check_identity()
        self._check_lines()
        self._check_taxes()
        self._check_currency()
        return True

    def _check_identity(self):
        partner = self.partner_id
        domain = []
        if partner.vat:
            domain = [("vat", "=ilike", partner.vat)]
        elif partner.email:
            domain = [("email", "=ilike", partner.email)]
        if not domain:
            return
        twins = self.env["res.partner"].search(
            domain
            + [
                ("id", "not in", partner.ids),
                ("parent_id", "=", False),
                ("company_id", "in", [False, self.company_id.id]),
            ]
        )
        if twins:
            raise IdentityConflict(
                _(
                    "%(partner)s shares its VAT/email with %(twins)s: merge the "
                    "duplicates (keep the one bound to Salesforce), then retry.",
                    partner=partner.display_name,
                    twins=", ".join(twins.mapped("display_name")),
                )
            )

    def _check_lines(self):
        lines = self.sale_order_id.order_line.filtered(
            lambda line: not line.display_type
        )
        if not lines:
            raise InvalidPayload(
                _("Order %s has no line to bill.", self.sale_order_id.name)
            )
        for line in lines:
            if line.product_uom_qty != int(line.product_uom_qty):
                raise InvalidPayload(
                    _(
                        "Order %(order)s: %(product)s has quantity %(qty)s; Stripe "
                        "subscriptions bill whole quantities. Set a whole quantity "
                        "on the order line, then retry.",
                        order=self.sale_order_id.name,
                        product=line.product_id.display_name,
                        qty=line.product_uom_qty,
                    )
                )

    def _check_taxes(self):
        taxes = self.sale_order_id.order_line.tax_id
        missing = taxes - self.stripe_backend_id.tax_map_ids.tax_id
        if missing:
            raise TaxMappingMissing(
                _(
                    "Order %(order)s uses %(taxes)s, which no Stripe tax rate of "
                    "%(backend)s maps. Nothing was created in Stripe: add the tax "
                    "mapping on the Stripe account, then retry.",
                    order=self.sale_order_id.name,
                    taxes=", ".join(missing.mapped("name")),
                    backend=self.stripe_backend_id.name,
                )
            )

    def _check_currency(self):
        currency = self.sale_order_id.currency_id
        self.stripe_backend_id._currency(currency.name)
        others = self.partner_id.stripe_subscription_ids.filtered(
            lambda s: s.status in LIVE and s.currency_id != currency
        )
        if others:
            raise CurrencyNotMapped(
                _(
                    "%(partner)s is billed in %(other)s in Stripe; a Stripe "
                    "customer has one currency, the order is in %(currency)s.",
                    partner=self.partner_id.display_name,
                    other=others[0].currency_id.name,
                    currency=currency.name,
                )
            )

    # 3. Order confirmed ---------------------------------------------------------
    def _step_order(self):
        order = self.sale_order_id
        if order.state in ("draft", "sent"):
            order.with_context(connector_no_export=True).action_confirm()
        if order.state != "sale":
            raise InvalidPayload(
                _("Order %(order)s is %(state)s.", order=order.name, state=order.state)
            )
        return True

    # 4. Billing activated ------------------------------------------------------
    def _step_billing(self):
        """Bind, export the customer, then create the subscription: one job
        each, so every remote creation is committed before the next starts."""
        binding = self._stripe_customer()
        if not binding:
            self.stripe_customer_id = self._create_once(
                "stripe.customer",
                {
                    "backend_id": self.stripe_backend_id.id,
                    "odoo_id": self.partner_id.id,
                },
            )
            return AGAIN
        self.stripe_customer_id = binding
        if not binding.external_id:
            result = binding.job_export_record("create")
            if not binding.external_id:
                raise self._step_failed(
                    result, self.stripe_backend_id, "stripe.customer"
                )
            return AGAIN
        if not self.subscription_ref:
            self.env["stripe.billing.exporter"].create_subscription(self)
        return True

    def _stripe_customer(self):
        return self.partner_id.stripe_bind_ids.filtered(
            lambda b: b.backend_id == self.stripe_backend_id
        )[:1]

    # 5. First invoice posted -----------------------------------------------------
    def _step_invoiced(self):
        backend = self.stripe_backend_id
        if not self.invoice_ref:
            data = backend._get_adapter().remote_read(
                backend, "subscriptions", self.subscription_ref
            )
            if not data.get("latest_invoice"):
                return WAIT
            self.invoice_ref = data["latest_invoice"]
        binding = self.env["stripe.invoice"]._to_internal(backend, self.invoice_ref)
        if not binding:
            result = self.env["stripe.invoice.importer"].run(backend, self.invoice_ref)
            binding = self.env["stripe.invoice"]._to_internal(backend, self.invoice_ref)
            if not binding:
                if str(result).startswith("skipped"):
                    return WAIT  # still a draft in Stripe
                raise self._step_failed(
                    result, backend, "stripe.invoice", self.invoice_ref
                )
        if binding.state != "posted":
            raise InvalidPayload(
                _("Invoice %s is not posted in Odoo.", binding.display_name)
            )
        self.invoice_id = binding.odoo_id
        self._link_invoice_to_order()
        return True

    def _link_invoice_to_order(self):
        """The Stripe invoice bills the order: its lines point to the order
        lines (same product), so the order reads as invoiced."""
        order_lines = self.sale_order_id.order_line
        for line in self.invoice_id.invoice_line_ids.filtered("product_id"):
            match = order_lines.filtered(lambda s, p=line.product_id: s.product_id == p)
            if match and not line.sale_line_ids:
                line.sale_line_ids = [(6, 0, match[:1].ids)]

    # 6. Paid -------------------------------------------------------------------
    def _step_paid(self):
        if self.payment_state in PAID_STATES:
            return self._paid()
        backend = self.stripe_backend_id
        data = self.env["stripe.billing.exporter"].refresh_invoice(self)
        if self.payment_state in PAID_STATES:
            return self._paid()
        if data.get("status") == "open" and data.get("attempt_count"):
            if not self.at_risk:
                self.at_risk = True
                self._push_status()
            raise PaymentFailed(
                _(
                    "The payment of %(invoice)s (%(customer)s) failed in Stripe: "
                    "the customer is shown at risk in Salesforce and Zendesk.",
                    invoice=self.invoice_id.name,
                    customer=self.partner_id.display_name,
                ),
                payload={"invoice": self.invoice_ref, "backend": backend.id},
            )
        return WAIT

    def _paid(self):
        """Paid: Stripe activated the subscription again (read it back)."""
        self.at_risk = False
        if self.subscription_id.status != "active":
            self.env["stripe.subscription.importer"].run(
                self.stripe_backend_id, self.subscription_ref
            )
        return True

    # 7. Status sent to Salesforce and Zendesk -----------------------------------
    def _step_done(self):
        failure = self._push_status()
        if failure:
            raise failure
        return True

    def _push_status(self):
        """Salesforce first, then Zendesk; the first failure, or None."""
        return self._push_salesforce() or self._push_zendesk()

    def _push_salesforce(self):
        backend = self.salesforce_backend_id
        exporter = self.env["salesforce.status.exporter"]
        account = self.env["salesforce.account"].search(
            [("backend_id", "=", backend.id), ("odoo_id", "=", self.partner_id.id)],
            limit=1,
        )
        for binding in (self.opportunity_id, account):
            if not binding:
                continue
            result = exporter.export_many(backend, binding)
            if result.get("failed"):
                return self._step_failed(
                    _("Salesforce refused the status of %s.", binding.display_name),
                    backend,
                    binding._name,
                    binding.external_id,
                )
        return None

    def _push_zendesk(self):
        backend = self.zendesk_backend_id
        if not backend:
            return None
        vals = {"backend_id": backend.id, "odoo_id": self.partner_id.id}
        binding = (
            self.env["zendesk.organization"]
            .with_context(active_test=False)
            .search([(k, "=", v) for k, v in vals.items()], limit=1)
        )
        binding = binding or self._create_once("zendesk.organization", vals)
        result = binding.job_export_record(
            "update" if binding.external_id else "create"
        )
        if str(result).startswith("failed"):
            return self._step_failed(
                result, backend, binding._name, binding.external_id
            )
        return None
