# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import StripeCase


@tagged("post_install", "-at_install")
class TestPartnerExport(StripeCase, TransactionCase):
    """*Bill through Stripe* on the partner form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stripe()

    def _customers(self, email):
        return [c for c in self._all("customers") if c["email"] == email]

    def test_button_exports_once_even_when_clicked_twice(self):
        partner = self.env["res.partner"].create(
            {"name": "Twice Clicked BV", "email": "billing@twice.example"}
        )
        partner = partner.with_context(queue_job__no_delay=True)

        action = partner.action_export_to_stripe()
        partner.action_export_to_stripe()

        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(len(partner.stripe_bind_ids), 1)
        binding = partner.stripe_bind_ids
        self.assertTrue(binding.external_id.startswith("cus_"))
        remote = self._customers("billing@twice.example")
        self.assertEqual([c["id"] for c in remote], [binding.external_id])

    def test_without_a_stripe_account_the_user_is_told_what_to_do(self):
        other = self.env["res.company"].create({"name": "No Stripe Inc"})
        partner = (
            self.env["res.partner"]
            .with_company(other)
            .with_context(allowed_company_ids=[other.id])
            .create({"name": "Orphan", "company_id": other.id})
        )
        with self.assertRaisesRegex(UserError, "No Stripe account"):
            partner.action_export_to_stripe()
        self.assertFalse(partner.stripe_bind_ids)
