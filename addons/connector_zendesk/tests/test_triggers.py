# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Refresh triggers outside accounting: renames, contact edits, subscriptions;
and the rule that makes a name Zendesk already has unique."""

import unittest

from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ZendeskMixin


def _jobs(trap, method):
    return [job for job in trap.enqueued_jobs if job.method_name == method]


@tagged("post_install", "-at_install")
class TestRefreshTriggers(ZendeskMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_zendesk()
        cls.partners = cls._make_customers(3, prefix="Trigger")

    def _user(self, contact):
        xid = self.backend._partner_xid(contact.id)
        return self.server.domain.find("user", "external_id", xid)

    def test_rename_and_contact_edit_queue_one_refresh_each(self):
        self._export_all()
        company, other = self.partners[0], self.partners[1]
        contact = company.child_ids
        with trap_jobs() as trap:
            company.name = "Trigger Renamed"
            company.write({"name": "Trigger Renamed Twice"})
            contact.write({"email": "jane@renamed.test"})
            contact.name = "Jane Renamed"
            exports = _jobs(trap, "job_export_record")
            contacts = _jobs(trap, "job_export_contacts")
            self.assertEqual(len(exports), 1, "two renames, one pending job")
            self.assertEqual(exports[0].recordset, company.zendesk_bind_ids)
            self.assertEqual(len(contacts), 1, "two contact edits, one pending job")
            self.assertEqual(contacts[0].recordset, company.zendesk_bind_ids)
            self._run_jobs(trap)
        self.assertEqual(self._remote_org(company)["name"], "Trigger Renamed Twice")
        user = self._user(contact)
        self.assertEqual(
            (user["name"], user["email"]), ("Jane Renamed", "jane@renamed.test")
        )
        self.assertEqual(self._remote_org(other)["name"], other.name)

    def test_imports_and_unbound_partners_queue_nothing(self):
        self._export_all()
        stranger = self.env["res.partner"].create(
            {"name": "Not in Zendesk", "is_company": True}
        )
        company = self.partners[2]
        with trap_jobs() as trap:
            stranger.name = "Still not in Zendesk"
            company.with_context(connector_no_export=True).name = "Imported name"
            company.child_ids.with_context(connector_no_export=True).email = "i@x.test"
            company.comment = "not a field Zendesk receives"
            self.assertFalse(trap.enqueued_jobs)

    def test_standing_hook_queues_one_refresh(self):
        """What a billing integration calls when a subscription changes."""
        self._export_all()
        company = self.partners[0]
        with trap_jobs() as trap:
            company._connector_standing_changed()
            company.child_ids._connector_standing_changed()
            jobs = _jobs(trap, "job_export_record")
            self.assertEqual(len(jobs), 1)
            self.assertEqual(jobs[0].recordset, company.zendesk_bind_ids)


@tagged("post_install", "-at_install")
class TestDuplicateNames(ZendeskMixin, TransactionCase):
    """Zendesk refuses a second organization with the same name (422
    ``DuplicateValue`` / a failed job result); the export retries with the
    customer's reference (else VAT), then its Odoo id."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_zendesk()
        cls.partners = cls.env["res.partner"].create(
            [
                {"name": "Twin Corp", "is_company": True, "customer_rank": 1},
                {"name": "Twin Corp", "is_company": True, "customer_rank": 1,
                 "ref": "TW-2"},
                {"name": "Twin Corp", "is_company": True, "customer_rank": 1,
                 "vat": "BE0477472701"},
            ]
        )  # fmt: skip

    def _decisions(self, partner):
        lines = self.env["connector.audit.line"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("match_decision", "like", "already taken"),
            ]
        )
        return lines.mapped("match_decision")

    def _suffix(self, partner):
        return f" ({partner.ref or partner.vat or f'#{partner.id}'})"

    def test_bulk_export_disambiguates_and_records_why(self):
        self._export_all()
        names = {p: self._remote_org(p)["name"] for p in self.partners}
        kept = self.partners.filtered(lambda p: names[p] == "Twin Corp")
        self.assertEqual(len(kept), 1, "the first one keeps the name")
        self.assertFalse(kept.zendesk_bind_ids.name_suffix)
        for partner in self.partners - kept:
            name = f"Twin Corp{self._suffix(partner)}"
            self.assertEqual(names[partner], name)
            self.assertEqual(
                partner.zendesk_bind_ids.name_suffix, self._suffix(partner)
            )
            self.assertEqual(
                self._decisions(partner),
                [f"Zendesk name 'Twin Corp' already taken: sent as {name!r}"],
            )
        self.assertFalse(
            self.env["connector.exception"].search(
                [("backend_model", "=", "zendesk.backend")]
            )
        )
        # the next full refresh keeps the names: nothing is sent again
        requests_before = self.server.stats()["requests"]
        self._export_all()
        self.assertLessEqual(self.server.stats()["requests"] - requests_before, 1)

    def test_ref_taken_too_falls_back_to_odoo_id(self):
        for name in ("Twin Corp", "Twin Corp (TW-2)"):
            self.server.domain.create("organization", {"name": name})
        self._export_all()
        first, second, third = self.partners
        self.assertEqual(self._remote_org(first)["name"], f"Twin Corp (#{first.id})")
        self.assertEqual(self._remote_org(second)["name"], f"Twin Corp (#{second.id})")
        self.assertEqual(self._remote_org(third)["name"], "Twin Corp (BE0477472701)")
        self.assertEqual(len(self._decisions(second)), 2)

    def test_single_refresh_and_rename(self):
        self.server.domain.create("organization", {"name": "Twin Corp"})
        first = self.partners[0]
        binding = self.env["zendesk.organization"].create(
            {"backend_id": self.backend.id, "odoo_id": first.id}
        )
        binding.job_export_record()
        suffix = f" (#{first.id})"
        self.assertEqual(binding.name_suffix, suffix)
        self.assertEqual(self._remote_org(first)["name"], f"Twin Corp{suffix}")
        self.assertEqual(len(self._decisions(first)), 1)
        self.assertEqual(binding.job_export_record(), "skipped: unchanged")
        # renamed to a free name: the suffix goes
        with trap_jobs() as trap:
            first.name = "Solo Corp"
            self._run_jobs(trap)
        self.assertFalse(binding.name_suffix)
        self.assertEqual(self._remote_org(first)["name"], "Solo Corp")

    def test_exhausted_rule_is_an_exception(self):
        first = self.partners[0]
        for name in ("Twin Corp", f"Twin Corp (#{first.id})"):
            self.server.domain.create("organization", {"name": name})
        self._export_all()
        self.assertFalse(self._remote_org(first))
        exception = self.env["connector.exception"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", first.id)]
        )
        self.assertEqual(len(exception), 1)
        self.assertIn("already taken", exception.name)


@tagged("post_install", "-at_install")
class TestSubscriptionRefresh(ZendeskMixin, TransactionCase):
    """A billing integration's subscription import queues the refresh.

    connector_zendesk does not depend on connector_stripe: this runs where
    both are installed (the CI database)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "stripe.subscription.importer" not in cls.env:
            raise unittest.SkipTest("connector_stripe is not installed")
        cls._setup_zendesk()
        cls.partners = cls._make_customers(2, prefix="Subscriber")
        cls.stripe = cls.env["stripe.backend"].create({"name": "Stripe (no HTTP)"})
        cls.env["stripe.customer"].create(
            {
                "backend_id": cls.stripe.id,
                "odoo_id": cls.partners[0].id,
                "external_id": "cus_subscriber0",
            }
        )

    def _import(self, status, quantity=1):
        data = {
            "id": "sub_subscriber0",
            "object": "subscription",
            "customer": "cus_subscriber0",
            "currency": "eur",
            "status": status,
            "cancel_at_period_end": False,
            "items": {
                "data": [
                    {
                        "price": {"id": "price_pro", "nickname": "Pro",
                                  "currency": "eur", "unit_amount": 4900,
                                  "recurring": {"interval": "month"}},
                        "quantity": quantity,
                        "current_period_start": 1767225600,
                        "current_period_end": 1769904000,
                    }
                ]
            },
        }  # fmt: skip
        self.env["stripe.subscription.importer"].run(self.stripe, data["id"], data=data)

    def test_status_change_queues_one_debounced_refresh(self):
        self._import("active")
        self._export_all()
        partner = self.partners[0]
        self.assertEqual(
            self._remote_org(partner)["organization_fields"]["subscription_status"],
            "active",
        )
        with trap_jobs() as trap:
            self._import("past_due")
            self._import("past_due", quantity=2)  # same standing: no trigger
            self._import("unpaid")
            jobs = _jobs(trap, "job_export_record")
            self.assertEqual(len(jobs), 1, "one pending refresh per customer")
            self.assertEqual(jobs[0].recordset, partner.zendesk_bind_ids)
            self.assertEqual(len(trap.enqueued_jobs), 1)
            self._run_jobs(trap)
        fields = self._remote_org(partner)["organization_fields"]
        self.assertEqual(fields["subscription_status"], "unpaid")
        self.assertEqual(fields["subscription_tier"], "Pro")
