# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.connector_stripe.exceptions import TaxMappingMissing


@tagged("post_install", "-at_install")
class TestDealTours(HttpCase):
    """The accountant finds a blocked deal on the kanban and retries it."""

    def _deal(self):
        partner = self.env["res.partner"].create({"name": "Tour customer"})
        order = self.env["sale.order"].create({"partner_id": partner.id})
        salesforce = self.env["salesforce.backend"].create({"name": "Tour org"})
        stripe = self.env["stripe.backend"].create({"name": "Tour Stripe"})
        opportunity = self.env["salesforce.opportunity"].create(
            {"backend_id": salesforce.id, "odoo_id": order.id, "external_id": "006T"}
        )
        deal = self.env["connector.deal"].create(
            {
                "name": "Tour deal",
                "company_id": self.env.company.id,
                "salesforce_backend_id": salesforce.id,
                "opportunity_id": opportunity.id,
                "stripe_backend_id": stripe.id,
            }
        )
        deal._block("customer", TaxMappingMissing("No Stripe rate maps Tax 7%."))
        return deal

    def test_blocked_deal_retry(self):
        deal = self._deal()
        user = new_test_user(
            self.env,
            "ltc_accountant",
            groups="connector_base.connector_base_group_user,"
            "sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
        )
        self.start_tour(
            "/odoo/action-connector_lead_to_cash.connector_deal_action",
            "connector_deal_retry",
            login="ltc_accountant",
        )
        self.assertFalse(deal.blocked)
        job = self.env["queue.job"].search(
            [("model_name", "=", "connector.deal"), ("method_name", "=", "job_advance")]
        )
        self.assertEqual(job.records, deal)
        self.assertEqual(job.user_id, user)
