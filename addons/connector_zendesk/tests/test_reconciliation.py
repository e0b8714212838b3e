# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Organization field parity against the sandbox, with known drifts."""

from collections import Counter
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ZendeskMixin


@tagged("post_install", "-at_install")
class TestZendeskReconciliation(ZendeskMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_zendesk()
        cls.partners = cls._make_customers(8, prefix="Recon")

    def _seed(self):
        """Export everything, then one drift of each kind."""
        self._export_all()
        adapter = self.backend._get_adapter()
        bindings = {p: p.zendesk_bind_ids for p in self.partners}
        self.edited, self.paid, self.gone, self.archived = self.partners[:4]
        adapter.remote_write(  # someone edited the field in Zendesk
            self.backend,
            "organizations",
            bindings[self.edited].external_id,
            {"organization_fields": {"open_balance": 999}},
        )
        invoice = self.env["account.move"].search(
            [("partner_id", "=", self.paid.id), ("move_type", "=", "out_invoice")]
        )
        with trap_jobs():  # paid in Odoo, refresh not sent yet
            self._pay(invoice)
        adapter._api(
            self.backend,
            "DELETE",
            f"organizations/{bindings[self.gone].external_id}.json",
        )
        bindings[self.archived].active = False  # Odoo no longer binds it
        self.new = self.env["res.partner"].create(
            {"name": "Recon new", "is_company": True, "customer_rank": 1}
        )
        self.env["zendesk.organization"].with_context(connector_no_export=True).create(
            {"backend_id": self.backend.id, "odoo_id": self.new.id}
        )

    def _run(self, lag):
        runs = self.env["connector.reconciliation.run"]
        run = runs.create(
            {
                **runs._backend_vals(self.backend),
                "object_type": "organizations",
                "allowed_lag_hours": lag,
            }
        )
        run.action_run()
        return run

    def _xid(self, partner):
        return self.backend._partner_xid(partner.id)

    def _lines(self, run):
        return {line.external_id: line for line in run.line_ids}

    def test_every_bucket_found_exactly(self):
        self._seed()
        run = self._run(lag=0)
        self.assertEqual(
            dict(Counter(run.line_ids.mapped("bucket"))),
            {"status": 2, "missing_remote": 2, "missing_odoo": 1},
        )
        lines = self._lines(run)
        edited = lines[self._xid(self.edited)]
        self.assertIn("open_balance=999.00", edited.remote_status)
        self.assertNotIn("open_balance=999.00", edited.odoo_status)
        paid = lines[self._xid(self.paid)]
        self.assertIn("open_balance=0.00", paid.odoo_status)
        self.assertEqual(lines[self._xid(self.gone)].bucket, "missing_remote")
        self.assertEqual(lines[self._xid(self.new)].bucket, "missing_remote")
        self.assertEqual(lines[self._xid(self.archived)].bucket, "missing_odoo")
        self.assertIn("/agent/organizations/", edited.external_url)
        self.assertEqual(run.remote_count, 7)
        self.assertEqual(run.odoo_count, 8)
        card = self.env["connector.dashboard"]._backend_card(self.backend)
        self.assertEqual((card["service"], card["drift_count"]), ("zendesk", 5))
        # the one-sided objects are seconds old: inside a 2-hour lag
        self.assertEqual(
            dict(Counter(self._run(lag=2).line_ids.mapped("bucket"))),
            {"status": 2, "timing": 3},
        )
        stale = fields.Datetime.now() - timedelta(days=3)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE zendesk_organization SET sync_date = %s WHERE id = %s",
                stale,
                self.gone.zendesk_bind_ids.id,
            )
        )
        self.assertEqual(
            dict(Counter(self._run(lag=2).line_ids.mapped("bucket"))),
            {"status": 2, "timing": 2, "missing_remote": 1},
        )

    def test_fix_sends_odoo_values_and_closes_the_drift(self):
        self._seed()
        self.env = self.env(
            user=new_test_user(
                self.env,
                "zd_recon_accountant",
                groups="connector_base.connector_base_group_user,"
                "account.group_account_invoice",
            )
        )
        run = self._run(lag=0)
        lines = self._lines(run)
        todo = (
            lines[self._xid(self.edited)]
            | lines[self._xid(self.paid)]
            | lines[self._xid(self.archived)]
        )
        self.assertEqual(set(todo.mapped("suggestion")), {todo[0].suggestion})
        with trap_jobs() as trap:
            todo.action_fix()
            exports = [
                job
                for job in trap.enqueued_jobs
                if job.method_name == "job_export_record"
            ]
            self.assertEqual(len(exports), 3)
            self._run_jobs(trap)
        self.assertTrue(self.archived.zendesk_bind_ids.active)
        self.assertEqual(
            self._remote_org(self.edited)["organization_fields"]["open_balance"],
            self._expected(self.edited)["open_balance"],
        )
        run.action_run()
        self.assertEqual(todo.mapped("state"), ["fixed"] * 3)
        self.assertEqual(
            sorted(
                run.line_ids.filtered(lambda li: li.state == "open").mapped("bucket")
            ),
            ["missing_remote", "missing_remote"],
        )
