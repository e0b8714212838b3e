# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Order and payment-status parity against the sandbox org, with known drifts."""

from collections import Counter
from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import SalesforceMixin

ORDERS = {"missing_odoo": 1, "missing_remote": 1, "amount": 1, "status": 1, "timing": 1}
# the orders' one-sided opportunities are one-sided here too
STATUS = {"missing_odoo": 1, "missing_remote": 1, "amount": 1, "status": 1, "timing": 1}


@tagged("post_install", "-at_install")
class TestSalesforceReconciliation(SalesforceMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_server(
            accounts=6, contacts=6, products=4, opportunities=12, closed_won=6
        )
        cls._ensure_chart()
        cls.today = fields.Date.today()
        cls.yesterday = cls.today - timedelta(days=1)
        store = cls.server.store
        for rid in list(store.tables["Opportunity"].records):
            store.update("Opportunity", rid, {"CloseDate": f"{cls.yesterday}"})
        cls.backend = cls._make_backend()
        cls.backend.with_context(queue_job__no_delay=True).action_first_load()
        cls._write_back_all()
        cls._seed_drifts()

    @classmethod
    def _write_back_all(cls):
        bindings = cls._orders()
        bindings.write({"sf_status_pending": True})
        cls.env["salesforce.status.exporter"].export_many(cls.backend, bindings)

    @classmethod
    def _orders(cls):
        return cls.env["salesforce.opportunity"].search(
            [("backend_id", "=", cls.backend.id)], order="external_id"
        )

    @classmethod
    def _seed_drifts(cls):
        store = cls.server.store
        records = store.tables["Opportunity"].records
        bound = cls._orders()
        cls.ok, cls.amount, cls.lost, cls.gone, cls.due, late = bound[:6]
        cls.won_late = late.external_id  # its order was deleted in Odoo
        order = late.odoo_id
        late.unlink()
        order._action_cancel()
        order.unlink()
        cls.won_now = min(
            rid
            for rid, opp in records.items()
            if opp["StageName"] != "Closed Won" and opp["AccountId"]
        )
        store.update(
            "Opportunity",
            cls.won_now,
            {"StageName": "Closed Won", "CloseDate": f"{cls.today}"},
        )
        store.update("Opportunity", cls.lost.external_id, {"StageName": "Closed Lost"})
        store.delete("Opportunity", cls.gone.external_id)
        store.update("Opportunity", cls.due.external_id, {"Odoo_Amount_Due__c": 99.0})
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                "UPDATE sale_order SET amount_untaxed = amount_untaxed + 10 "
                "WHERE id = %s",
                cls.amount.odoo_id.id,
            )
        )
        early = datetime.combine(cls.yesterday, time(6))
        cls.env.cr.execute(
            SQL(
                "UPDATE salesforce_opportunity SET create_date = %s WHERE id = %s",
                early,
                cls.gone.id,
            )
        )
        cls.env.invalidate_all()
        cls._pay(cls.ok.odoo_id)  # paid in Odoo, "No invoice" in Salesforce

    @classmethod
    def _pay(cls, order):
        invoice = order._create_invoices()
        invoice.action_post()
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()

    def _run(self, object_type):
        runs = self.env["connector.reconciliation.run"]
        # today's close dates (midnight) are inside the lag, yesterday's are not
        lag = fields.Datetime.now().hour + 13
        run = runs.create(
            {
                **runs._backend_vals(self.backend),
                "object_type": object_type,
                "period": "custom",
                "date_from": self.yesterday,
                "date_to": self.today,
                "allowed_lag_hours": lag,
            }
        )
        run.action_run()
        return run

    def _lines(self, run):
        return {line.external_id: line for line in run.line_ids}

    def test_every_bucket_found_exactly(self):
        orders = self._run("orders")
        self.assertEqual(dict(Counter(orders.line_ids.mapped("bucket"))), ORDERS)
        lines = self._lines(orders)
        self.assertEqual(lines[self.won_late].bucket, "missing_odoo")
        self.assertEqual(lines[self.won_now].bucket, "timing")
        self.assertEqual(lines[self.gone.external_id].bucket, "missing_remote")
        self.assertAlmostEqual(lines[self.amount.external_id].difference, -10.0)
        lost = lines[self.lost.external_id]
        self.assertEqual((lost.remote_status, lost.odoo_status), ("not won", "won"))
        self.assertEqual(orders.odoo_count, len(self._orders()))
        self.backend.instance_url = "https://acme.my.salesforce.com"
        self.assertEqual(
            lines[self.won_late].external_url,
            f"https://acme.my.salesforce.com/lightning/r/Opportunity/{self.won_late}/view",
        )
        status = self._run("payment_status")
        self.assertEqual(dict(Counter(status.line_ids.mapped("bucket"))), STATUS)
        lines = self._lines(status)
        paid = lines[self.ok.external_id]
        self.assertEqual(paid.remote_status, "No invoice")
        self.assertIn(paid.odoo_status, ("Paid", "In payment"))
        due = lines[self.due.external_id]
        self.assertAlmostEqual(due.remote_amount, 99.0)
        self.assertAlmostEqual(due.odoo_amount, 0.0)
        card = self.env["connector.dashboard"]._backend_card(self.backend)
        self.assertEqual(card["service"], "salesforce")
        self.assertEqual(card["drift_count"], len(orders.line_ids | status.line_ids))

    def test_fix_imports_the_order_and_sends_the_status(self):
        self.env = self.env(
            user=new_test_user(
                self.env,
                "sf_recon_accountant",
                groups="connector_base.connector_base_group_user,"
                "sales_team.group_sale_salesman,account.group_account_invoice",
            )
        )
        orders, status = self._run("orders"), self._run("payment_status")
        missing = self._lines(orders)[self.won_late]
        paid = self._lines(status)[self.ok.external_id]
        self.assertIn("Odoo", paid.suggestion)
        with trap_jobs() as trap:
            (missing | paid).action_fix()
            trap.assert_jobs_count(2)
            trap.assert_enqueued_job(
                self.env["salesforce.opportunity"].job_import_record,
                args=(self.backend, self.won_late),
            )
            trap.assert_enqueued_job(self.ok.job_export_record, args=("update",))
            trap.perform_enqueued_jobs()
        self.assertTrue(
            self.env["salesforce.opportunity"]._to_internal(self.backend, self.won_late)
        )
        opp = self.server.store.tables["Opportunity"].records[self.ok.external_id]
        self.assertEqual(opp["Odoo_Payment_Status__c"], paid.odoo_status)
        orders.action_run()
        status.action_run()
        self.assertEqual((missing | paid).mapped("state"), ["fixed", "fixed"])
        self.assertNotIn(
            self.won_late,
            orders.line_ids.filtered(lambda li: li.state == "open").mapped(
                "external_id"
            ),
        )

    def test_object_types_follow_the_write_back_mapping(self):
        self.assertEqual(
            [code for code, _label in self.backend._connector_reconcile_object_types()],
            ["orders", "payment_status"],
        )
        self.backend.sf_field_payment_status = False
        self.assertEqual(
            [code for code, _label in self.backend._connector_reconcile_object_types()],
            ["orders"],
        )
