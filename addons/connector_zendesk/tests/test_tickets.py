# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
import time
from unittest.mock import patch

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ZendeskMixin


@tagged("post_install", "-at_install")
class TestTickets(ZendeskMixin, TransactionCase):
    tickets = 250  # tests/slow/zendesk runs it with 2,000
    orgs = 30

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_zendesk()
        cls.partners = cls.env["res.partner"].create(
            [
                {"name": f"Ticket customer {i}", "is_company": True}
                for i in range(cls.orgs)
            ]
        )

    def _seed(self, tickets=None):
        xids = [self.backend._partner_xid(p.id) for p in self.partners]
        self.server.seed(
            0, random.Random(7), users=4 * self.orgs, tickets=tickets or self.tickets,
            organization_external_ids=xids,
        )  # fmt: skip

    def _pull(self):
        with trap_jobs() as trap:
            self.backend.action_import_tickets()
            self._run_jobs(trap)
        pages = [j.result for j in self.done_jobs if j.method_name == "job_pull_page"]
        keys = ("created", "updated", "skipped")
        return {key: sum(page[key] for page in pages) for key in keys}

    def _export_requests(self):
        """Spy on the adapter: the params of every incremental export call."""
        calls = []
        adapter_cls = type(self.env["zendesk.adapter"])
        original = adapter_cls._api

        def spy(adapter, backend, method, path, **kwargs):
            if path.startswith("incremental/"):
                calls.append(dict(kwargs.get("params") or {}))
            return original(adapter, backend, method, path, **kwargs)

        return calls, patch.object(adapter_cls, "_api", spy)

    def _tickets(self):
        return (
            self.env["zendesk.ticket"]
            .with_context(active_test=False)
            .search([("backend_id", "=", self.backend.id)])
        )

    def test_import_attaches_to_partners_then_nothing_new(self):
        self._seed()
        started = time.perf_counter()
        results = self._pull()
        elapsed = time.perf_counter() - started
        self.assertEqual(results["created"], self.tickets)
        tickets = self._tickets()
        self.assertEqual(len(tickets), self.tickets)
        store = self.server.domain.store
        by_number = {t.ticket_number: t for t in tickets}
        for rid in store.table("ticket").live:
            row = store.get("ticket", rid)
            ticket = by_number[rid]
            org = store.get("organization", row["organization_id"])
            expected = self.backend._xid_to_partner_id(org["external_id"])
            self.assertEqual(ticket.partner_id.id, expected)
            self.assertEqual(ticket.status, row["status"])
            requester = store.get("user", row["requester_id"])
            self.assertEqual(ticket.requester_name, requester["name"])
        self.assertTrue(
            tickets[0].url.endswith(f"/agent/tickets/{tickets[0].external_id}")
        )
        partner = tickets[0].partner_id
        self.assertEqual(
            partner.zendesk_ticket_count,
            len(tickets.filtered(lambda t: t.partner_id == partner)),
        )
        checkpoint = self.backend.checkpoint_ids
        self.assertEqual(checkpoint.state, "idle")
        self.assertTrue(checkpoint.cursor)
        # second run: the parked cursor brings nothing new
        again = self._pull()
        self.assertEqual(again["created"], 0)
        self.assertEqual(again["updated"], 0)
        self.assertEqual(len(self._tickets()), self.tickets)
        self.assertLess(elapsed, 60)

    def test_second_run_resumes_from_the_parked_cursor(self):
        self._seed(tickets=40)
        calls, spy = self._export_requests()
        with spy:
            self._pull()
        # Looked up, not read from backend.checkpoint_ids: that non-stored
        # compute may have been cached before the pull created the checkpoint.
        checkpoint = self.env["connector.checkpoint"]._get_or_create(
            self.backend, "tickets"
        )
        parked = checkpoint.remote_cursor
        self.assertTrue(parked, "Zendesk's after_cursor is parked")
        self.assertIn("start_time", calls[0], "first run: start_time")
        self.assertNotIn("cursor", calls[0])
        domain = self.server.domain
        tickets = domain.store.table("ticket")
        open_id = next(
            rid for rid in tickets.live if tickets.rows[rid]["status"] != "closed"
        )
        domain.update("ticket", open_id, {"priority": "urgent", "subject": "Moved"})
        requester = tickets.rows[open_id]["requester_id"]
        new = domain.create(
            "ticket", {"description": "Printer on fire", "requester_id": requester}
        )
        calls.clear()
        with spy:
            results = self._pull()
        self.assertEqual(calls, [{"per_page": 1000, "cursor": parked}])
        self.assertEqual(results, {"created": 1, "updated": 1, "skipped": 0})
        by_number = {t.ticket_number: t for t in self._tickets()}
        self.assertEqual(by_number[open_id].name, "Moved")
        self.assertEqual(by_number[open_id].priority, "urgent")
        self.assertEqual(by_number[new["id"]].name, "Printer on fire")
        self.assertNotEqual(checkpoint.remote_cursor, parked, "cursor moved on")
        self.assertEqual(checkpoint.state, "idle")

    def test_customer_ownership_rules_do_not_freeze_ticket_fields(self):
        """A rule on the customer's name (Salesforce's default) governs the
        partner, not the subject of its tickets (the binding's own field)."""
        self.env["connector.ownership"].create(
            {
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "field_id": self.env["ir.model.fields"]._get_ids("res.partner")["name"],
                "owner": "odoo",
                "policy": "owner_wins",
            }
        )
        self._seed(tickets=10)
        self._pull()
        domain = self.server.domain
        tickets = domain.store.table("ticket")
        ticket_id = next(
            rid for rid in tickets.live if tickets.rows[rid]["status"] != "closed"
        )
        domain.update("ticket", ticket_id, {"subject": "Renamed in Zendesk"})
        self._pull()
        ticket = self._tickets().filtered(lambda t: t.ticket_number == ticket_id)
        self.assertEqual(ticket.name, "Renamed in Zendesk")

    def test_refused_cursor_falls_back_to_start_time(self):
        self._seed(tickets=25)
        checkpoint = self.env["connector.checkpoint"]._get_or_create(
            self.backend, "tickets"
        )
        checkpoint.remote_cursor = "not-a-zendesk-cursor"
        calls, spy = self._export_requests()
        with spy:
            results = self._pull()
        self.assertEqual(calls[0]["cursor"], "not-a-zendesk-cursor")
        self.assertEqual(calls[1], {"per_page": 1000, "start_time": 0})
        self.assertEqual(results["created"], 25)
        self.assertTrue(checkpoint.remote_cursor)
        self.assertNotEqual(checkpoint.remote_cursor, "not-a-zendesk-cursor")
        # an administrator rewinding the datetime drops the parked cursor
        checkpoint.cursor = "2020-01-01 00:00:00"
        self.assertFalse(checkpoint.remote_cursor)

    def test_export_endpoint_429_retries(self):
        self._seed(tickets=20)
        self.server.limits.configure(export_limit=0)
        with trap_jobs() as trap:
            self.backend.action_import_tickets()
            job = trap.enqueued_jobs[0]
            with self.assertRaises(Exception) as caught:
                job.perform()
        self.assertEqual(type(caught.exception).__name__, "RateLimited")
        self.assertGreaterEqual(caught.exception.seconds, 1)
        self.server.limits.configure(export_limit=10)
        self._pull()
        self.assertEqual(len(self._tickets()), 20)

    def test_salesperson_sees_tickets_on_partner(self):
        self._seed(tickets=30)
        self._pull()
        user = new_test_user(self.env, login="zd_sales", groups="base.group_user")
        partners = self.env["res.partner"].with_user(user)
        arch = partners.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("zendesk_ticket_count", arch)
        self.assertNotIn("zendesk_bind_ids", arch)
        ticket = self._tickets().filtered("partner_id")[0]
        partner = partners.browse(ticket.partner_id.id)
        self.assertEqual(partner.zendesk_ticket_count, len(partner.zendesk_ticket_ids))
        action = partner.action_open_zendesk_tickets()
        self.assertEqual(
            self.env["zendesk.ticket"].with_user(user).search_count(action["domain"]),
            partner.zendesk_ticket_count,
        )
