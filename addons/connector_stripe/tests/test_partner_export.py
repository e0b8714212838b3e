# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import StripeCase


def _exports(trap):
    return [j for j in trap.enqueued_jobs if j.method_name == "job_export_record"]


@tagged("post_install", "-at_install")
class TestPartnerExport(StripeCase, TransactionCase):
    """*Bill through Stripe*: the button and the stored flag."""

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

    def _run(self, trap):
        jobs, trap.enqueued_jobs = trap.enqueued_jobs, []
        for job in jobs:
            job.perform()
        return jobs

    def _decisions(self, binding):
        return (
            self.env["connector.audit.line"]
            .search(
                [
                    ("binding_model", "=", "stripe.customer"),
                    ("binding_id", "=", binding.id),
                    ("match_decision", "!=", False),
                ],
                order="id",
            )
            .mapped("match_decision")
        )

    def test_flagged_partner_is_exported_once_then_kept_up_to_date(self):
        partners = self.env["res.partner"]
        before = len(self._all("customers"))
        with trap_jobs() as trap:
            partner = partners.create(
                {
                    "name": "Flagged GmbH",
                    "email": "ap@flagged.example",
                    "is_company": True,
                    "stripe_billing": True,
                }
            )
            partner.write({"stripe_billing": True, "phone": "+49 30 1234"})
            partner.action_export_to_stripe()
            self.assertEqual(len(_exports(trap)), 1, "queued once, identity key")
            self.assertEqual(_exports(trap)[0].args, ("create",))
            self._run(trap)
        binding = partner.stripe_bind_ids
        self.assertEqual(len(binding), 1)
        self.assertEqual(
            [c["id"] for c in self._customers("ap@flagged.example")],
            [binding.external_id],
        )
        with trap_jobs() as trap:
            partner.name = "Flagged AG"
            partner.write({"email": "billing@flagged.example"})
            partner.comment = "not sent to Stripe"
            jobs = _exports(trap)
            self.assertEqual(len(jobs), 1, "two edits, one pending update")
            self.assertEqual(jobs[0].args, ("update",))
            self._run(trap)
        remote = self.client.customers.retrieve(binding.external_id)
        self.assertEqual(
            (remote.name, remote.email), ("Flagged AG", "billing@flagged.example")
        )
        self.assertEqual(len(self._all("customers")), before + 1)

    def test_unflagged_and_imported_partners_are_not_exported(self):
        with trap_jobs() as trap:
            plain = self.env["res.partner"].create({"name": "Plain Ltd"})
            plain.name = "Still plain"
            imported = (
                self.env["res.partner"]
                .with_context(connector_no_export=True)
                .create({"name": "From an import", "stripe_billing": True})
            )
            imported.with_context(connector_no_export=True).name = "Renamed by import"
            self.assertFalse(trap.enqueued_jobs)
        self.assertFalse((plain | imported).stripe_bind_ids)

    def test_export_binds_the_stripe_customer_with_the_same_email(self):
        existing = self.client.customers.create(
            params={"name": "Dup Inc (typed in Stripe)", "email": "ap@dup.example"}
        )
        partner = self.env["res.partner"].create(
            {"name": "Dup Inc", "email": "ap@dup.example", "is_company": True}
        )
        with trap_jobs() as trap:
            partner.stripe_billing = True
            self._run(trap)
        binding = partner.stripe_bind_ids
        self.assertEqual(binding.external_id, existing.id)
        self.assertEqual(
            [c["id"] for c in self._customers("ap@dup.example")], [existing.id]
        )
        self.assertEqual(self.client.customers.retrieve(existing.id).name, "Dup Inc")
        self.assertEqual(
            self._decisions(binding),
            [
                f"Stripe customer {existing.id} has the email ap@dup.example: "
                "bound to it instead of creating a duplicate (1 with this email)",
                "exported (create)",
            ],
        )

    def test_email_already_bound_elsewhere_creates_a_new_customer(self):
        first = self.env["res.partner"].create(
            {"name": "Shared mailbox A", "email": "shared@box.example"}
        )
        first.with_context(queue_job__no_delay=True)._stripe_export(self.backend)
        taken = first.stripe_bind_ids.external_id
        second = self.env["res.partner"].create(
            {"name": "Shared mailbox B", "email": "shared@box.example"}
        )
        second.with_context(queue_job__no_delay=True)._stripe_export(self.backend)
        binding = second.stripe_bind_ids
        self.assertNotEqual(binding.external_id, taken)
        self.assertEqual(len(self._customers("shared@box.example")), 2)
        self.assertIn(
            f"is on {taken}, bound to other partners", self._decisions(binding)[0]
        )
