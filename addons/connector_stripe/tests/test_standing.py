# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from .common import StripeCase


@tagged("post_install", "-at_install")
class TestSubscriptionStanding(StripeCase, TransactionCase):
    """The subscription standing a support integration reads from Stripe."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stripe()
        cls.product = cls.client.products.create(params={"name": "Enterprise"})
        cls.monthly = cls.client.prices.create(
            params={
                "product": cls.product.id,
                "currency": "eur",
                "unit_amount": 9900,
                "recurring": {"interval": "month"},
            }
        )

    def _subscribe(self, customer, **params):
        sub = self.client.subscriptions.create(
            params={"customer": customer, "items": [{"price": self.monthly.id}]}
        )
        if params:
            sub = self.client.subscriptions.update(sub.id, params=params)
        self.env["stripe.subscription.importer"].run(self.backend, sub.id)
        return self.env["stripe.subscription"]._to_internal(self.backend, sub.id)

    def test_live_subscription_wins_over_canceled_one(self):
        customer = self.client.customers.create(
            params={"name": "Acme Support", "email": "ops@acme.example"}
        ).id
        old = self._subscribe(customer)
        self.client.subscriptions.cancel(old.external_id)
        self.env["stripe.subscription.importer"].run(self.backend, old.external_id)
        live = self._subscribe(customer)
        partner = live.partner_id
        contact = self.env["res.partner"].create(
            {"name": "Jane at Acme", "parent_id": partner.id}
        )
        self.assertEqual((old.status, live.status), ("canceled", "active"))

        standing = (partner | contact)._connector_subscription_standing()

        expected = {
            "subscription_tier": "Enterprise",
            "subscription_status": "active",
            "renewal_date": live.current_period_end.date(),
        }
        self.assertEqual(standing[partner.id], expected)
        self.assertEqual(standing[contact.id], expected)

    def test_cancel_at_period_end_has_no_renewal_and_unknown_partner_is_absent(self):
        customer = self.client.customers.create(params={"name": "Leaving Ltd"}).id
        leaving = self._subscribe(customer, cancel_at_period_end=True)
        stranger = self.env["res.partner"].create({"name": "No Stripe at all"})

        standing = (leaving.partner_id | stranger)._connector_subscription_standing()

        self.assertEqual(
            standing[leaving.partner_id.id],
            {
                "subscription_tier": "Enterprise",
                "subscription_status": "active",
                "renewal_date": None,
            },
        )
        self.assertTrue(leaving.cancel_at_period_end)
        self.assertNotIn(stranger.id, standing)

    def test_standing_change_calls_the_hook_once_per_change(self):
        """Support integrations (connector_zendesk) refresh on this hook."""
        customer = self.client.customers.create(params={"name": "Hooked BV"}).id
        calls = []
        partner_cls = type(self.env["res.partner"])
        original = partner_cls._connector_standing_changed

        def spy(partners):
            calls.append(partners.ids)
            return original(partners)

        importer = self.env["stripe.subscription.importer"]
        with patch.object(partner_cls, "_connector_standing_changed", spy):
            sub = self._subscribe(customer)  # new: a change
            importer.run(self.backend, sub.external_id)  # same payload
            self.client.subscriptions.update(
                sub.external_id, params={"metadata": {"note": "no standing"}}
            )
            importer.run(self.backend, sub.external_id)  # other fields only
            self.client.subscriptions.cancel(sub.external_id)
            importer.run(self.backend, sub.external_id)  # status: a change
        self.assertEqual(calls, [sub.partner_id.ids, sub.partner_id.ids])
        self.assertEqual(sub.status, "canceled")
