# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End to end on real Odoo against the three sandboxes: 50 won deals to paid
and status-synced, five of them with a failure injected at a different step."""

import time
from collections import Counter
from datetime import date

from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import LeadToCashCase


@tagged("post_install", "-at_install")
class TestLeadToCash(LeadToCashCase, TransactionCase):
    won = 50

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        won = cls.won
        cls._setup_lead_to_cash(
            accounts=won + 10, contacts=0, products=8, opportunities=won, closed_won=won
        )
        cls.unmapped_tax = cls.env["account.tax"].create(
            {"name": "Special 7%", "amount": 7, "type_tax_use": "sale"}
        )

    def _deals(self):
        return self.env["connector.deal"].search([], order="id")

    def _pick(self, deals, count):
        """Deals whose customer has no other deal (an injected fault on the
        customer must touch only the deal it is meant for)."""
        per_partner = Counter(deal.partner_id.id for deal in deals)
        return deals.filtered(lambda d: per_partner[d.partner_id.id] == 1)[:count]

    def test_fifty_deals_to_cash_with_five_failures(self):
        started = time.monotonic()
        with trap_jobs() as trap:
            self._pull_salesforce(trap)
            deals = self._deals()
            self.assertEqual(len(deals), self.won)
            self.assertEqual(set(deals.mapped("state")), {"won"})
            tax, auth, locked, payment, write_back = self._pick(deals, 5)
            held = tax | auth | locked | payment | write_back
            # 1. Customer validation: the order carries a tax no Stripe rate maps.
            tax.sale_order_id.order_line.tax_id = self.unmapped_tax
            self._drain(trap, deals=deals - held + tax)
            self._run_with_auth_failure(trap, auth)
            self._run_with_locked_period(trap, locked)
            self._run_with_payment_failure(trap, payment)
            self._run_with_write_back_failure(trap, write_back)
            # the one nobody fixes: the tax mapping
            self.assertEqual(tax.state, "won")
            self.assertEqual(tax.blocked_step, "customer")
            self.assertEqual(tax.exception_id.exception_class, "tax_mapping_missing")
            # the four others are retried from the workbench and resume
            failed = auth | locked | payment | write_back
            self.assertEqual(set(failed.mapped("blocked")), {True})
            exceptions = failed.exception_id
            self.assertEqual(len(exceptions), 4)
            self.assertEqual(
                set(exceptions.mapped("exception_class")),
                {"authentication_failed", "locked_period", "payment_failed", "other"},
            )
            self._fix_payment(payment)
            (exceptions | tax.exception_id).action_retry()
            self._drain(trap)
        elapsed = time.monotonic() - started
        self.assertEqual(
            Counter(deals.mapped("state")), Counter({"done": self.won - 1, "won": 1})
        )
        self.assertEqual(set(exceptions.mapped("state")), {"resolved"})
        # retried without a fix: still stopped, counted twice, nothing in Stripe
        self.assertEqual((tax.state, tax.blocked_step), ("won", "customer"))
        self.assertEqual(tax.exception_id.state, "new")
        self.assertEqual(tax.exception_id.occurrences, 2)
        self.assertFalse(any(deals.mapped("at_risk")))
        self._assert_status_synced(deals - tax)
        self._assert_retries_replay(deals[-1])
        self._assert_no_duplicates(deals, tax)
        self._assert_no_subscription(tax)
        self._assert_xref(deals - tax)
        # the figure the run reports (pytest -s shows it)
        print(f"\n[lead-to-cash] {self.won} deals in {elapsed:.1f}s")  # noqa: T201 pylint: disable=print-used

    # ------------------------------------------------------------------
    # Injected failures
    # ------------------------------------------------------------------
    def _run_with_auth_failure(self, trap, deal):
        """4. Billing: Stripe refuses the key while the customer is exported."""
        key = self.stripe.api_key
        self.stripe.api_key = "sk_test_revoked"
        self._drain(trap, deals=deal)
        self.assertEqual(deal.blocked_step, "billing")
        self.assertFalse(deal.subscription_ref)
        self.stripe.api_key = key

    def _run_with_locked_period(self, trap, deal):
        """5. First invoice: the period is locked when it is imported."""
        self._drain(trap, deals=deal, until=lambda: deal.state == "billing")
        self.env.company.fiscalyear_lock_date = date.today()
        self._drain(trap, deals=deal)
        self.env.company.fiscalyear_lock_date = False
        self.assertEqual(deal.blocked_step, "invoiced")
        self.assertEqual(deal.exception_id.binding_model, "stripe.invoice")

    def _run_with_payment_failure(self, trap, deal):
        """6. Paid: the customer's card is declined; at risk in SF and Zendesk."""
        self._decline_card(trap, deal)
        self._drain(trap, deals=deal)
        self.assertEqual(deal.blocked_step, "paid")
        self.assertTrue(deal.at_risk)
        self.assertEqual(deal.partner_id.stripe_failed_payment_count, 1)
        opp = self._sf_records("Opportunity")[deal.opportunity_id.external_id]
        self.assertEqual(opp["Odoo_Payment_Status__c"], "At risk")
        self.assertEqual(opp["Odoo_Subscription_Status__c"], "at_risk")
        account = self.env["salesforce.account"].search(
            [("odoo_id", "=", deal.partner_id.id)]
        )
        remote = self._sf_records("Account")[account.external_id]
        self.assertEqual(remote["Odoo_Payment_Status__c"], "At risk")
        org = self._organization(deal.partner_id)
        self.assertEqual(org["organization_fields"]["subscription_status"], "at_risk")

    def _fix_payment(self, deal):
        """The customer pays with another card (in Stripe)."""
        self.client.invoices.pay(
            deal.invoice_ref, params={"payment_method": "pm_card_visa"}
        )

    def _run_with_write_back_failure(self, trap, deal):
        """7. Status: Salesforce refuses the write-back (field not writable)."""
        self._drain(trap, deals=deal, until=lambda: deal.state == "paid")
        field = self.sf.sf_field_invoice_number
        self.sf.sf_field_invoice_number = "Not_A_Field__c"
        self._drain(trap, deals=deal)
        self.sf.sf_field_invoice_number = field
        self.assertEqual(deal.blocked_step, "done")

    # ------------------------------------------------------------------
    # Checks, in Odoo and in the sandboxes
    # ------------------------------------------------------------------
    def _organization(self, partner):
        binding = self.env["zendesk.organization"].search(
            [("backend_id", "=", self.zendesk.id), ("odoo_id", "=", partner.id)]
        )
        self.assertTrue(binding.external_id, partner.display_name)
        table = self.zendesk_server.domain.store.table("organization")
        return table.rows[int(binding.external_id)]

    def _assert_status_synced(self, deals):
        opportunities = self._sf_records("Opportunity")
        accounts = self._sf_records("Account")
        for deal in deals:
            self.assertIn(deal.payment_state, ("paid", "in_payment"), deal.name)
            self.assertEqual(deal.sale_order_id.invoice_ids, deal.invoice_id)
            opp = opportunities[deal.opportunity_id.external_id]
            self.assertEqual(opp["Odoo_Invoice_Number__c"], deal.invoice_id.name)
            self.assertIn(opp["Odoo_Payment_Status__c"], ("Paid", "In payment"))
            self.assertEqual(opp["Odoo_Amount_Due__c"], 0)
            self.assertEqual(opp["Odoo_Subscription_Status__c"], "active")
            account = self.env["salesforce.account"].search(
                [("odoo_id", "=", deal.partner_id.id)]
            )
            remote = accounts[account.external_id]
            self.assertIn(remote["Odoo_Payment_Status__c"], ("Paid", "In payment"))
            org = self._organization(deal.partner_id)
            fields = org["organization_fields"]
            self.assertEqual(fields["subscription_status"], "active")
            self.assertEqual(fields["odoo_id"], deal.partner_id.id)

    def _assert_retries_replay(self, deal):
        """A creation retried after a lost answer sends the same
        Idempotency-Key: Stripe replays its first answer, nothing is created
        twice (counted below)."""
        customer, subscription = (
            deal.stripe_customer_id.external_id,
            deal.subscription_ref,
        )
        deal.stripe_customer_id.write({"external_id": False, "export_hash": False})
        deal.stripe_customer_id.job_export_record("create")
        self.assertEqual(deal.stripe_customer_id.external_id, customer)
        deal.subscription_ref = False
        self.env["stripe.billing.exporter"].create_subscription(deal)
        self.assertEqual(deal.subscription_ref, subscription)
        keys = (
            self.env["connector.audit.line"]
            .search([("external_id", "=", subscription), ("direction", "=", "export")])
            .mapped("idempotency_key")
        )
        self.assertEqual(len(keys), 2)
        self.assertEqual(len(set(keys)), 1)

    def _assert_no_duplicates(self, deals, stuck):
        state = self.stripe_server.state.store
        remote_customers = state.all("customer")
        remote_subs = state.all("subscription")
        remote_invoices = state.all("invoice")
        billed = deals - stuck
        partners = deals.partner_id
        # Odoo: one of each per deal / customer
        self.assertEqual(len(deals.sale_order_id), self.won)
        self.assertEqual(
            self.env["sale.order"].search_count([]),
            self.won,
            "one order per opportunity",
        )
        customers = self.env["stripe.customer"].search([])
        self.assertEqual(len(customers), len(customers.odoo_id))
        self.assertEqual(customers.odoo_id, billed.partner_id)
        subs = self.env["stripe.subscription"].search([])
        self.assertEqual(len(subs), len(billed))
        self.assertEqual(len(self.env["stripe.invoice"].search([])), len(billed))
        organizations = self.env["zendesk.organization"].search([])
        self.assertEqual(len(organizations), len(organizations.odoo_id))
        self.assertEqual(
            len(self.env["salesforce.account"].search([]).odoo_id),
            len(self._sf_records("Account")),
        )
        self.assertLessEqual(len(partners), self.won)
        # Sandboxes: the same counts, and nothing created twice
        self.assertEqual(len(remote_customers), len(customers))
        self.assertEqual(
            len({c["email"] or c["name"] for c in remote_customers}), len(customers)
        )
        self.assertEqual(len(remote_subs), len(billed))
        self.assertEqual(
            sorted(s["metadata"]["odoo_deal"] for s in remote_subs),
            sorted(str(d.id) for d in billed),
        )
        self.assertEqual(len(remote_invoices), len(billed))
        prices = {(p["product"], p["unit_amount"]) for p in state.all("price")}
        self.assertEqual(len(prices), len(state.all("price")))
        self.assertEqual(
            len(state.all("product")), len(self.env["stripe.product"].search([]))
        )
        remote_orgs = self._zendesk_organizations()
        self.assertEqual(len(remote_orgs), len(organizations))
        self.assertEqual(len({o["external_id"] for o in remote_orgs}), len(remote_orgs))
        self.assertEqual(len(self._sf_records("Opportunity")), self.won)

    def _assert_no_subscription(self, deal):
        """A deal whose tax mapping is missing never reaches Stripe."""
        subs = self.stripe_server.state.store.all("subscription")
        self.assertFalse(
            [s for s in subs if s["metadata"].get("odoo_deal") == str(deal.id)]
        )
        self.assertFalse(deal.subscription_ref)
        self.assertFalse(deal.stripe_customer_id)

    def _assert_xref(self, deals):
        partner = deals[0].partner_id
        rows = self.env["connector.xref"].search([("partner_id", "=", partner.id)])
        by_service = {row.service: row for row in rows}
        self.assertEqual(set(by_service), {"odoo", "stripe", "salesforce", "zendesk"})
        self.assertEqual(by_service["odoo"].external_id, str(partner.id))
        self.assertEqual(
            by_service["stripe"].external_id, deals[0].stripe_customer_id.external_id
        )
        self.assertEqual(by_service["stripe"].origin, "export")
        self.assertEqual(by_service["salesforce"].origin, "import")
        self.assertEqual(by_service["zendesk"].origin, "export")
