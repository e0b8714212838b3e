# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lead-to-cash against the sandbox org, at reduced size (the full-size run
is tests/slow/salesforce)."""

from simple_salesforce import Salesforce

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

from .common import SalesforceMixin

SIZES = {
    "accounts": 40,
    "contacts": 120,
    "products": 10,
    "opportunities": 50,
    "closed_won": 15,
}


class ScenarioAssertions:
    """Checks shared with the full-size scenario of the slow suite."""

    def _store(self, sobject):
        return self.server.store.tables[sobject].records

    def _won(self):
        return [
            opp
            for opp in self._store("Opportunity").values()
            if opp["StageName"] == "Closed Won" and not opp["IsDeleted"]
        ]

    def assert_lead_to_cash(self):
        won = self._won()
        accounts = self.env["salesforce.account"].search(
            [("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(len(accounts), self.sizes["accounts"])
        self.assertEqual(self._count("salesforce.contact"), self.sizes["contacts"])
        bindings = self.env["salesforce.opportunity"].search(
            [("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(len(bindings), len(won))
        self.assertEqual(set(bindings.mapped("state")), {"sale"})
        by_xid = {b.external_id: b for b in bindings}
        partners = {a.external_id: a.odoo_id for a in accounts}
        lines = {}
        for item in self._store("OpportunityLineItem").values():
            lines.setdefault(item["OpportunityId"], []).append(item)
        for opp in won:
            order = by_xid[opp["Id"]].odoo_id
            self.assertEqual(order.partner_id, partners[opp["AccountId"]])
            self.assertEqual(len(order.order_line), len(lines[opp["Id"]]))
            self.assertAlmostEqual(order.amount_untaxed, opp["Amount"], places=2)
        names = accounts.mapped("name")
        self.assertEqual(len(names), len(set(names)), "duplicate partners")


@tagged("post_install", "-at_install")
class TestLeadToCash(SalesforceMixin, ScenarioAssertions, TransactionCase):
    sizes = SIZES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_server(**SIZES)
        cls._ensure_chart()
        cls._existing_partners()
        cls.backend = cls._make_backend()
        cls.backend.with_context(queue_job__no_delay=True).action_first_load()

    @classmethod
    def _existing_partners(cls):
        """Two customers already in Odoo: one with the VAT number an account
        carries, one with another account's name and website."""
        first, second = sorted(cls.server.store.tables["Account"].records)[:2]
        cls.server.store.update("Account", first, {"VAT_Number__c": "BE0477472701"})
        account = cls.server.store.tables["Account"].records[second]
        partners = cls.env["res.partner"]
        cls.by_vat = partners.create(
            {"name": "Old name", "is_company": True, "vat": "BE0477472701"}
        )
        cls.by_name = partners.create(
            {
                "name": account["Name"],
                "is_company": True,
                "website": account["Website"].replace("https://www.", "http://"),
            }
        )
        cls.matched = {first: cls.by_vat, second: cls.by_name}

    def _client(self):
        return Salesforce(
            instance_url=self.server.url,
            session_id=self.server.session_id,
            session=self.server.requests_session(),
            version="61.0",
        )

    def _binding(self, model, external_id):
        return (
            self.env[model]
            .with_context(active_test=False)
            ._to_internal(self.backend, external_id)
        )

    def test_first_load_converts_won_opportunities(self):
        self.assert_lead_to_cash()
        checkpoint = self.env["connector.checkpoint"]._get_or_create(
            self.backend, "Account"
        )
        self.assertEqual(checkpoint.records_done, SIZES["accounts"])
        self.assertTrue(checkpoint.cursor)
        contact = self.env["salesforce.contact"].search(
            [("backend_id", "=", self.backend.id)], limit=1
        )
        account_id = self._store("Contact")[contact.external_id]["AccountId"]
        self.assertEqual(
            contact.parent_id, self._binding("salesforce.account", account_id).odoo_id
        )

    def test_existing_partners_are_matched_not_duplicated(self):
        for external_id, partner in self.matched.items():
            binding = self._binding("salesforce.account", external_id)
            self.assertEqual(binding.odoo_id, partner)
            line = self.env["connector.audit.line"].search(
                [("external_id", "=", external_id), ("action", "=", "create")]
            )
            self.assertIn("matched existing partner", line.match_decision)
        name = self._store("Account")[next(iter(self.matched))]["Name"]
        self.assertEqual(self.by_vat.name, name)  # Salesforce owns the name
        self.assertEqual(self.by_vat.vat, "BE0477472701")

    def test_products_carry_the_standard_price(self):
        entries = {
            e["Product2Id"]: e["UnitPrice"]
            for e in self._store("PricebookEntry").values()
        }
        products = self.env["salesforce.product"].search(
            [("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(len(products), SIZES["products"])
        for product in products:
            self.assertEqual(product.lst_price, entries[product.external_id])

    def test_large_change_set_goes_through_bulk(self):
        self.backend.bulk_threshold = 0  # any change is "large"
        contact = self.env["salesforce.contact"].search(
            [("backend_id", "=", self.backend.id)], limit=1
        )
        self._client().Contact.update(contact.external_id, {"LastName": "Bulked"})
        jobs = len(self.server.jobs.jobs)
        self._now().job_pull_page("Contact")
        self.assertEqual(len(self.server.jobs.jobs), jobs + 1)
        self.assertTrue(contact.name.endswith("Bulked"))
        checkpoint = self.env["connector.checkpoint"]._get_or_create(
            self.backend, "Contact"
        )
        self.assertEqual(checkpoint.state, "idle")

    def test_record_buttons_queue_their_jobs(self):
        contact = self.env["salesforce.contact"].search(
            [("backend_id", "=", self.backend.id)], limit=1
        )
        contact.action_sf_reimport()
        job = self.env["queue.job"].search(
            [("method_name", "=", "job_import_record")], order="id desc", limit=1
        )
        self.assertEqual(job.args[1], contact.external_id)
        self.assertEqual(job.channel, "root.connector.salesforce")
        self.assertEqual(job.open_related_action()["res_id"], contact.id)
        account = self.env["salesforce.account"].search(
            [("backend_id", "=", self.backend.id)], limit=1
        )
        account.action_sf_send_status()
        self.assertTrue(account.sf_status_pending)
        self.assertTrue(
            self.env["queue.job"].search(
                [("identity_key", "=", f"sf-status:{self.backend.id}")]
            )
        )

    def test_second_sync_changes_nothing(self):
        models = [
            "salesforce.account",
            "salesforce.contact",
            "salesforce.product",
            "salesforce.opportunity",
        ]
        self._sync()  # absorbs what other tests changed in the org
        before = [self._count(m) for m in models]
        partners = self.env["res.partner"].search_count([])
        orders = self.env["sale.order"].search_count([])
        actions = self._audit_actions()
        self._sync()
        self.assertEqual([self._count(m) for m in models], before)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertEqual(self.env["sale.order"].search_count([]), orders)
        after = self._audit_actions()
        for action in ("create", "update", "delete", "blocked", "error"):
            self.assertEqual(after.get(action, 0), actions.get(action, 0), action)

    def test_rename_updates_name_not_payment_terms(self):
        won_accounts = sorted({opp["AccountId"] for opp in self._won()})
        account = self._binding("salesforce.account", won_accounts[0])
        term = self.env["account.payment.term"].create(
            {"name": "45 days net", "line_ids": [Command.create({"nb_days": 45})]}
        )
        account.odoo_id.property_payment_term_id = term
        self._client().Account.update(account.external_id, {"Name": "Renamed Ltd"})
        self._sync()
        self.assertEqual(account.odoo_id.name, "Renamed Ltd")
        self.assertEqual(account.odoo_id.property_payment_term_id, term)
        line = self.env["connector.audit.line"].search(
            [("external_id", "=", account.external_id), ("action", "=", "update")]
        )
        self.assertIn("name", line.changed_fields)
        rules = self.env["connector.ownership"]._rules_for("res.partner")
        self.assertEqual(rules["name"].owner, "salesforce")
        self.assertEqual(rules["property_payment_term_id"].owner, "odoo")

    def test_paying_an_invoice_writes_status_back(self):
        binding = self.env["salesforce.opportunity"].search(
            [("backend_id", "=", self.backend.id)], limit=1
        )
        order = binding.odoo_id
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        jobs = self.env["queue.job"].search(
            [("identity_key", "=", f"sf-status:{self.backend.id}")]
        )
        self.assertEqual(len(jobs), 1, "post + payment debounce into one job")
        self.assertTrue(binding.sf_status_pending)
        self.backend.job_export_status()
        opp = self._store("Opportunity")[binding.external_id]
        self.assertEqual(opp["Odoo_Invoice_Number__c"], invoice.name)
        self.assertEqual(opp["Odoo_Amount_Due__c"], 0.0)
        self.assertIn(opp["Odoo_Payment_Status__c"], ("Paid", "In payment"))
        self.assertEqual(
            opp["Odoo_Last_Payment_Date__c"], fields.Date.today().isoformat()
        )
        self.assertFalse(opp["Odoo_Overdue__c"])
        account = self._store("Account")[
            self._store("Opportunity")[binding.external_id]["AccountId"]
        ]
        self.assertEqual(account["Odoo_Invoice_Number__c"], invoice.name)
        self.assertFalse(binding.sf_status_pending)
        # nothing new to say: the next run sends nothing
        binding.sf_status_pending = True
        self.assertEqual(
            self.backend.job_export_status()["salesforce.opportunity"]["sent"], 0
        )

    def test_opportunity_edited_after_conversion_is_an_exception(self):
        binding = self.env["salesforce.opportunity"].search(
            [("backend_id", "=", self.backend.id)], limit=1
        )
        order = binding.odoo_id
        amount = order.amount_untaxed
        self._client().Opportunity.update(binding.external_id, {"Name": "Changed"})
        self._sync()
        exception = self.env["connector.exception"].search(
            [("external_id", "=", binding.external_id), ("state", "=", "new")]
        )
        self.assertEqual(len(exception), 1)
        self.assertIn("changed in Salesforce after it became order", exception.name)
        self.assertEqual(order.amount_untaxed, amount)
        self.assertNotEqual(order.client_order_ref, "Changed")
        self.assertEqual(
            self.env["salesforce.opportunity"].search_count(
                [("external_id", "=", binding.external_id)]
            ),
            1,
        )

    def test_delete_and_merge_archive_with_a_message(self):
        won_accounts = {opp["AccountId"] for opp in self._won()}
        free = [xid for xid in self._store("Account") if xid not in won_accounts]
        gone, master, loser = free[:3]
        client = self._client()
        client.Account.delete(gone)
        self.server.store.merge("Account", master, [loser])
        self._sync()
        deleted = self._binding("salesforce.account", gone)
        self.assertTrue(deleted.sf_deleted)
        self.assertFalse(deleted.odoo_id.active)
        self.assertIn("Deleted in Salesforce", deleted.odoo_id.message_ids[0].body)
        merged = self._binding("salesforce.account", loser)
        self.assertEqual(merged.sf_merged_into, master)
        self.assertFalse(merged.odoo_id.active)
        self.assertIn("Merged into", merged.odoo_id.message_ids[0].body)
        self.assertTrue(self._binding("salesforce.account", master).odoo_id.active)
