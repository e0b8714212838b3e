# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ZendeskMixin


@tagged("post_install", "-at_install")
class TestExport(ZendeskMixin, TransactionCase):
    size = 60  # tests/slow/zendesk runs it with 500

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_zendesk()
        cls.partners = cls._make_customers(cls.size)

    def _assert_org_matches(self, partner):
        row = self._remote_org(partner)
        self.assertTrue(row, f"{partner.name} missing in Zendesk")
        fields = row["organization_fields"]
        for key, value in self._expected(partner).items():
            self.assertEqual(fields[key], value, f"{partner.name}: {key}")
        return row

    def test_full_refresh_matches_odoo(self):
        started = time.perf_counter()
        self._export_all()
        elapsed = time.perf_counter() - started
        store = self.server.domain.store
        self.assertEqual(len(store.table("organization").live), self.size)
        self.assertEqual(len(store.table("user").live), self.size)
        for partner in self.partners:
            row = self._assert_org_matches(partner)
            binding = partner.zendesk_bind_ids
            self.assertEqual(binding.external_id, str(row["id"]))
        standings = [self._expected(p) for p in self.partners]
        overdue, paid = len(range(0, self.size, 3)), len(range(2, self.size, 3))
        self.assertEqual(sum(1 for s in standings if s["overdue_amount"]), overdue)
        self.assertEqual(sum(1 for s in standings if s["credit_hold"]), overdue)
        self.assertEqual(sum(1 for s in standings if s["last_payment_date"]), paid)
        contact = self.partners[0].child_ids
        user = self.server.domain.find(
            "user", "external_id", self.backend._partner_xid(contact.id)
        )
        self.assertEqual(
            user["organization_id"], int(self.partners[0].zendesk_bind_ids.external_id)
        )
        self.assertEqual(user["user_fields"]["customer_number"], "C00000")
        # a second full refresh sends nothing for unchanged customers
        requests_before = self.server.stats()["requests"]
        self._export_all()
        self.assertLessEqual(self.server.stats()["requests"] - requests_before, 1)
        self.assertEqual(len(store.table("organization").live), self.size)
        self.assertLess(elapsed, 60)

    def test_payment_clears_overdue_in_one_job(self):
        self._export_all()
        partner = self.partners[0]  # index 0: overdue
        self.assertGreater(
            self._remote_org(partner)["organization_fields"]["overdue_amount"], 0
        )
        invoice = self.env["account.move"].search(
            [("partner_id", "=", partner.id), ("move_type", "=", "out_invoice")]
        )
        with trap_jobs() as trap:
            self._pay(invoice, amount=40.0)  # partial first, then the rest
            self._pay(invoice)
            jobs = [
                j for j in trap.enqueued_jobs if j.method_name == "job_export_record"
            ]
            self.assertEqual(len(jobs), 1, "several changes, one pending job")
            self._run_jobs(trap)
        fields = self._remote_org(partner)["organization_fields"]
        self.assertEqual(fields["overdue_amount"], 0)
        self.assertEqual(fields["open_balance"], 0)
        self.assertEqual(fields["days_overdue"], 0)
        self.assertFalse(fields["credit_hold"])
        self.assertEqual(fields["last_payment_date"], self.today.isoformat())
        self._assert_org_matches(partner)

    def test_unreconcile_makes_it_overdue_again(self):
        self._export_all()
        partner = self.partners[3]  # overdue
        invoice = self.env["account.move"].search(
            [("partner_id", "=", partner.id), ("move_type", "=", "out_invoice")]
        )
        with trap_jobs() as trap:
            self._pay(invoice)
            self._run_jobs(trap)
        self.assertEqual(
            self._remote_org(partner)["organization_fields"]["overdue_amount"], 0
        )
        with trap_jobs() as trap:
            invoice.line_ids.remove_move_reconcile()
            self._run_jobs(trap)
        fields = self._assert_org_matches(partner)["organization_fields"]
        self.assertEqual(fields["overdue_amount"], invoice.amount_total)
        self.assertTrue(fields["credit_hold"])

    def test_new_invoice_and_overdue_cron(self):
        self._export_all()
        partner = self.partners[1]  # current invoice, not overdue
        with trap_jobs() as trap:
            invoice = self.env["account.move"].create(self._invoice_vals(partner, 0))
            invoice.action_post()  # due 40 days ago: overdue right away
            self._run_jobs(trap)
        self._assert_org_matches(partner)
        with trap_jobs() as trap:
            self.backend._cron_refresh_overdue()
            batches = [
                j for j in trap.enqueued_jobs if j.method_name == "job_export_batch"
            ]
            queued = sum(len(job.recordset) for job in batches)
            self.assertEqual(queued, len(range(0, self.size, 3)) + 1)

    def test_deleted_organization_archives_binding(self):
        self._export_all()
        partner = self.partners[2]
        binding = partner.zendesk_bind_ids
        event = self.env["connector.event"]._insert_once(
            self.backend,
            {
                "source_event_id": "evt-del-1",
                "event_type": "organization.deleted",
                "object_ref": binding.external_id,
            },
        )
        self.backend.job_process_event(event)
        self.assertFalse(binding.active)
        self.assertTrue(partner.exists() and partner.active)

    def test_bad_mapping_is_a_business_error(self):
        self.backend.org_field_open_balance = "balance_due"
        with self.assertRaisesRegex(Exception, "no organization field balance_due"):
            self.backend.action_test_connection()

    def test_dry_run_sends_nothing(self):
        self.backend.preview_mode = True
        self._export_all()
        self.assertFalse(self.server.domain.store.table("organization").live)
        lines = self.env["connector.audit.line"].search(
            [("backend_model", "=", "zendesk.backend"), ("action", "=", "preview")]
        )
        self.assertEqual(len(lines), self.size)
        self.assertFalse(self.partners.zendesk_bind_ids.filtered("external_id"))
