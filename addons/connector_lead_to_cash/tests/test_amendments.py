# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Upgrade, downgrade (with its proration credit note), pause and cancel in
Stripe update Odoo, then Salesforce, then Zendesk."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import SUBSCRIPTION_FIELD, LeadToCashCase


@tagged("post_install", "-at_install")
class TestAmendments(LeadToCashCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_lead_to_cash(
            accounts=3, contacts=0, products=3, opportunities=1, closed_won=1
        )

    def setUp(self):
        super().setUp()
        # Odoo rolls back between tests, the sandbox does not: Zendesk would
        # refuse a second organization with the same customer name.
        self.zendesk_server.reset()

    def _amend(self, trap, deal):
        """Stripe's customer.subscription.updated webhook job, then the chain."""
        self.env["stripe.subscription"].job_import_record(
            self.stripe, deal.subscription_ref
        )
        jobs = self._drain(trap)
        self.assertEqual(
            [job.method_name for job in jobs],
            ["job_sync_salesforce", "job_sync_zendesk"],
        )
        self.assertIn(jobs[0], jobs[1].depends_on)
        return deal.message_ids[:1].body

    def _remote_status(self, deal):
        opp = self._sf_records("Opportunity")[deal.opportunity_id.external_id]
        binding = deal.partner_id.zendesk_bind_ids
        org = self.zendesk_server.domain.store.table("organization").rows[
            int(binding.external_id)
        ]
        return opp[SUBSCRIPTION_FIELD], org["organization_fields"][
            "subscription_status"
        ]

    def test_amendments_reach_odoo_then_salesforce_then_zendesk(self):
        with trap_jobs() as trap:
            self._pull_salesforce(trap)
            self._drain(trap)
            deal = self.env["connector.deal"].search([])
            self.assertEqual(deal.state, "done")
            self.assertEqual(self._remote_status(deal), ("active", "active"))
            item = self.client.subscriptions.retrieve(deal.subscription_ref)["items"][
                "data"
            ][0]
            mrr, quantity = deal.mrr, deal.subscription_id.quantity
            # upgrade: one more unit
            self.client.subscriptions.update(
                deal.subscription_ref,
                params={
                    "items": [{"id": item["id"], "quantity": item["quantity"] + 1}]
                },
            )
            self.assertIn("upgrade", self._amend(trap, deal))
            self.assertGreater(deal.mrr, mrr)
            self.assertEqual(deal.subscription_id.quantity, quantity + 1)
            # downgrade back, with Stripe's proration credit note for one unit
            self.client.subscriptions.update(
                deal.subscription_ref,
                params={"items": [{"id": item["id"], "quantity": item["quantity"]}]},
            )
            self.assertIn("downgrade", self._amend(trap, deal))
            self.assertAlmostEqual(deal.mrr, mrr)
            self._assert_proration_credit_note(deal)
            # pause, then cancel
            self.client.subscriptions.update(
                deal.subscription_ref,
                params={"pause_collection": {"behavior": "void"}},
            )
            self.assertIn("pause", self._amend(trap, deal))
            self.assertEqual(self._remote_status(deal), ("paused", "paused"))
            self.client.subscriptions.cancel(deal.subscription_ref)
            self.assertIn("cancel", self._amend(trap, deal))
            self.assertEqual(deal.subscription_status, "canceled")
            self.assertEqual(self._remote_status(deal), ("canceled", "canceled"))

    def _assert_proration_credit_note(self, deal):
        invoice = self.client.invoices.retrieve(deal.invoice_ref)
        line = invoice["lines"]["data"][0]
        note = self.client.credit_notes.create(
            params={
                "invoice": deal.invoice_ref,
                "reason": "order_change",
                "lines": [
                    {
                        "type": "invoice_line_item",
                        "invoice_line_item": line["id"],
                        "quantity": 1,
                    }
                ],
            }
        )
        self.env["stripe.credit.note"].job_import_record(self.stripe, note.id)
        refund = self.env["stripe.credit.note"]._to_internal(self.stripe, note.id)
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.reversed_entry_id, deal.invoice_id)
        self.assertAlmostEqual(refund.amount_total, note.total / 100)
        self.assertEqual(refund.invoice_line_ids.tax_ids, self.sales_tax)

    def _paid_after_a_declined_card(self, trap):
        """The deal stops at risk on a declined card, then the customer pays."""
        self._pull_salesforce(trap)
        deal = self.env["connector.deal"].search([])
        self._decline_card(trap, deal)
        self._drain(trap)
        self.assertEqual((deal.blocked_step, deal.at_risk), ("paid", True))
        exception = deal.exception_id
        self.assertEqual(exception.exception_class, "payment_failed")
        self.client.invoices.pay(
            deal.invoice_ref, params={"payment_method": "pm_card_visa"}
        )
        return deal, exception

    def test_failed_payment_resumes_when_the_customer_pays(self):
        """No retry needed: the invoice.paid webhook wakes the deal at risk."""
        with trap_jobs() as trap:
            deal, exception = self._paid_after_a_declined_card(trap)
            self.env["stripe.invoice"].job_import_record(self.stripe, deal.invoice_ref)
            self._drain(trap)
        self.assertEqual(deal.state, "done")
        self.assertFalse(deal.at_risk)
        self.assertEqual(exception.state, "resolved")
        opp = self._sf_records("Opportunity")[deal.opportunity_id.external_id]
        self.assertIn(opp["Odoo_Payment_Status__c"], ("Paid", "In payment"))
        self.assertEqual(self._remote_status(deal), ("active", "active"))

    def test_a_payment_brought_by_the_pull_resumes_the_deal(self):
        """No webhook at all: the succeeded charge comes in a page of the pull."""
        with trap_jobs() as trap:
            deal, exception = self._paid_after_a_declined_card(trap)
            customer = deal.partner_id.stripe_bind_ids.external_id
            charges = [
                charge.to_dict()
                for charge in self.client.charges.list(
                    params={"customer": customer, "limit": 100}
                ).data
                if charge.status == "succeeded"
            ]
            self.assertEqual(len(charges), 1)
            self.env["stripe.charge.batch.importer"].run(self.stripe, charges)
            self._drain(trap)
        self.assertEqual(deal.state, "done")
        self.assertFalse(deal.at_risk)
        self.assertEqual(deal.invoice_id.payment_state, "paid")
        self.assertEqual(exception.state, "resolved")
