# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Creates what Stripe bills from: products, recurring prices, subscriptions.

Every POST carries an Idempotency-Key derived from stable ids (backend, Odoo
product, amount; the deal for its subscription), never from a record created
in the same transaction: a job retried after a lost answer replays Stripe's
first answer instead of creating a second object.
"""

import hashlib

from odoo import api, models

from odoo.addons.connector_stripe.models.mappers import ZERO_DECIMAL


def minor_units(amount, currency):
    if currency.name.lower() in ZERO_DECIMAL:
        return round(amount)
    return round(amount * 100)


class StripeBillingExporter(models.AbstractModel):
    _name = "stripe.billing.exporter"
    _description = "Stripe Billing Exporter (products, prices, subscriptions)"

    @api.model
    def _key(self, *parts):
        text = ":".join(str(part) for part in ("lead_to_cash", *parts))
        return hashlib.sha256(text.encode()).hexdigest()[:40]

    def _create(self, backend, resource, payload, key, decision):
        data = backend._get_adapter().remote_create(
            backend, resource, payload, idempotency_key=key
        )
        self.env["connector.audit.line"]._record(
            backend,
            "export",
            "create",
            external_id=data["id"],
            changed=sorted(payload),
            decision=decision,
            idempotency_key=key,
        )
        return data

    # ------------------------------------------------------------------
    # Products and prices
    # ------------------------------------------------------------------
    def _product(self, backend, product):
        """The Stripe product of an Odoo product, bound so that Stripe invoice
        lines import back onto the same Odoo product."""
        binding = self.env["stripe.product"].search(
            [("backend_id", "=", backend.id), ("odoo_id", "=", product.id)], limit=1
        )
        if binding:
            return binding.external_id
        data = self._create(
            backend,
            "products",
            {"name": product.name, "metadata": {"odoo_product_id": str(product.id)}},
            self._key("product", backend.id, product.id),
            "product exported for a subscription",
        )
        self.env["connector.deal"]._create_once(
            "stripe.product",
            {
                "backend_id": backend.id,
                "odoo_id": product.id,
                "external_id": data["id"],
            },
        )
        return data["id"]

    def _price(self, backend, line):
        vals = {
            "backend_id": backend.id,
            "product_id": line.product_id.id,
            "currency_id": line.currency_id.id,
            "unit_amount": minor_units(line.price_unit, line.currency_id),
            "interval": "month",
        }
        prices = self.env["stripe.price"]
        price = prices.search([(k, "=", v) for k, v in vals.items()], limit=1)
        if price:
            return price.external_id
        data = self._create(
            backend,
            "prices",
            {
                "product": self._product(backend, line.product_id),
                "currency": line.currency_id.name.lower(),
                "unit_amount": vals["unit_amount"],
                "recurring": {"interval": vals["interval"]},
            },
            self._key("price", *vals.values()),
            "recurring price exported for a subscription",
        )
        price = self.env["connector.deal"]._create_once(
            "stripe.price", {**vals, "external_id": data["id"]}
        )
        return price.external_id

    # ------------------------------------------------------------------
    # Subscriptions
    # ------------------------------------------------------------------
    def _subscription_payload(self, deal):
        backend = deal.stripe_backend_id
        rates = {m.tax_id.id: m.stripe_tax_rate for m in backend.tax_map_ids}
        items = []
        for line in deal.sale_order_id.order_line.filtered(
            lambda sol: not sol.display_type
        ):
            items.append(
                {
                    "price": self._price(backend, line),
                    "quantity": int(line.product_uom_qty),
                    "tax_rates": [rates[tax.id] for tax in line.tax_id],
                }
            )
        return {
            "customer": deal.stripe_customer_id.external_id,
            "items": items,
            # Stripe charges the customer's default payment method for each
            # period (the first one at once); a decline leaves the invoice open.
            "collection_method": "charge_automatically",
            "metadata": {
                "odoo_deal": str(deal.id),
                "odoo_order": deal.sale_order_id.name,
                "salesforce_opportunity": deal.opportunity_id.external_id,
            },
        }

    def create_subscription(self, deal):
        """POST /v1/subscriptions (first invoice billed at once), then import it."""
        backend = deal.stripe_backend_id
        data = self._create(
            backend,
            "subscriptions",
            self._subscription_payload(deal),
            self._key("subscription", backend.id, deal._name, deal.id, "create"),
            f"subscription created for deal {deal.name}",
        )
        deal.write(
            {"subscription_ref": data["id"], "invoice_ref": data.get("latest_invoice")}
        )
        self.env["stripe.subscription.importer"].run(backend, data["id"], data=data)
        deal.subscription_id = self.env["stripe.subscription"]._to_internal(
            backend, data["id"]
        )
        return data

    def refresh_invoice(self, deal):
        """Re-read the first invoice and its payment attempts, import the
        charges (succeeded ones reconcile, failed ones count on the customer),
        then the invoice (Stripe's state: paid reconciles)."""
        backend = deal.stripe_backend_id
        adapter = backend._get_adapter()
        data = adapter.remote_read(backend, "invoices", deal.invoice_ref)
        for record in (data.get("payments") or {}).get("data") or []:
            intent_id = (record.get("payment") or {}).get("payment_intent")
            if not intent_id:
                continue
            intent = adapter.remote_read(backend, "payment_intents", intent_id)
            if intent.get("latest_charge"):
                self.env["stripe.charge.importer"].run(backend, intent["latest_charge"])
        self.env["stripe.invoice.importer"].run(backend, deal.invoice_ref, data=data)
        return data
