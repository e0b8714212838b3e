# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import requests

from odoo.tests import TransactionCase, tagged

from .common import StripeCase


@tagged("post_install", "-at_install")
class TestPayoutForeignCurrency(StripeCase, TransactionCase):
    """A payout in a currency other than the company's, at a real-looking rate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stripe()
        company_currency = cls.env.company.currency_id.name
        cls.foreign = cls.env.ref(
            "base.EUR" if company_currency != "EUR" else "base.USD"
        )
        cls.env["res.currency.rate"].create(
            {
                "name": "2000-01-01",
                "rate": 0.9137,
                "currency_id": cls.foreign.id,
                "company_id": cls.env.company.id,
            }
        )

    def test_odd_amounts_balance_in_company_currency(self):
        customer = self.client.customers.create(params={"name": "Odd Amounts SA"})
        for amount in (1001, 2503, 3337):
            self.client.payment_intents.create(
                params={
                    "amount": amount,
                    "currency": self.foreign.name.lower(),
                    "customer": customer.id,
                    "confirm": True,
                    "payment_method": "pm_card_visa",
                }
            )
        answer = requests.post(
            f"{self.server.url}/_sandbox/stripe/payouts",
            json={"currency": self.foreign.name.lower()},
            timeout=10,
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        payout = self.client.payouts.list(params={"limit": 1}).data[0]

        self._import("stripe.payout", payout.id)

        entry = self._binding("stripe.payout", payout.id)
        self.assertFalse(self._exceptions())
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.currency_id, self.foreign)
        lines = entry.line_ids
        self.assertAlmostEqual(sum(lines.mapped("debit")), sum(lines.mapped("credit")))
        self.assertAlmostEqual(sum(lines.mapped("amount_currency")), 0.0)
        transfer = lines.filtered(lambda line: line.name == f"Payout {payout.id}")
        self.assertAlmostEqual(transfer.amount_currency, payout.amount / 100)
