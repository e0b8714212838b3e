# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.queue_job.tests.common import trap_jobs

SECRET = "sk_test_WORKBENCHSECRET0001"


class WorkbenchCommon:
    """A test-service backend (no HTTP needed), an accountant and a manager."""

    @classmethod
    def _setup_workbench(cls):
        cls.backend = cls.env["connector.test.backend"].create(
            {
                "name": "Workbench service",
                "api_key": SECRET,
                "webhook_secret": "whsec_test_WORKBENCH",
                "rate_limit_per_minute": 0,
                "state": "connected",
            }
        )
        cls.accountant = new_test_user(
            cls.env,
            "wb_accountant",
            groups="connector_base.connector_base_group_user",
            email="accountant@example.com",
        )
        cls.manager = new_test_user(
            cls.env,
            "wb_manager",
            groups="connector_base.connector_base_group_manager",
            email="manager@example.com",
        )

    @classmethod
    def _exception(cls, external_id="cus_9001", payload=None, **kwargs):
        return cls.env["connector.exception"]._record(
            cls.backend,
            kwargs.pop("exception_class", "payload_invalid"),
            f"Customer {external_id} has no name",
            binding_model="connector.test.partner",
            external_id=external_id,
            payload=payload or {"id": external_id, "updated": 1700000000},
            **kwargs,
        )


@tagged("post_install", "-at_install")
class TestWorkbench(WorkbenchCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workbench()

    def test_exception_business_fields(self):
        exc = self._exception(payload={"id": "cus_9001", "api_key": SECRET})
        self.assertEqual(exc.service, "test")
        self.assertEqual(exc.age_bucket, "today")
        self.assertEqual(
            exc.external_url,
            "https://dashboard.test-service.invalid/customers/cus_9001",
        )
        self.assertIn("fix the data there", exc.suggested_fix)
        self.assertNotIn(SECRET, exc.payload)
        self.assertEqual(json.loads(exc.payload)["id"], "cus_9001")

    def test_age_bucket_refreshed_by_digest_cron(self):
        exc = self._exception()
        self.env.cr.execute(
            SQL(
                "UPDATE connector_exception SET create_date = %s WHERE id = %s",
                fields.Datetime.now() - timedelta(days=10),
                exc.id,
            )
        )
        exc.invalidate_recordset()
        self.env["connector.exception"]._cron_daily_digest()
        self.assertEqual(exc.age_bucket, "older")
        grouped = self.env["connector.exception"]._read_group(
            [("id", "=", exc.id)], ["age_bucket"], ["__count"]
        )
        self.assertEqual(grouped, [("older", 1)])

    def test_accountant_resolves_ignores_assigns_in_bulk(self):
        excs = self._exception("cus_1") | self._exception("cus_2")
        third = self._exception("cus_3")
        as_user = excs.with_user(self.accountant)
        wizard = (
            self.env["connector.exception.ignore.wizard"]
            .with_user(self.accountant)
            .create({"exception_ids": [(6, 0, as_user.ids)], "reason": "Test data"})
        )
        wizard.action_confirm()
        self.assertEqual(set(excs.mapped("state")), {"ignored"})
        self.assertEqual(set(excs.mapped("ignore_reason")), {"Test data"})
        self.assertIn("Ignored: Test data", excs[0].message_ids[0].body)
        assign = (
            self.env["connector.exception.assign.wizard"]
            .with_user(self.accountant)
            .create({"exception_ids": [(6, 0, third.ids)], "user_id": self.manager.id})
        )
        assign.action_confirm()
        self.assertEqual(third.user_id, self.manager)
        self.assertEqual(third.activity_ids.user_id, self.manager)
        third.with_user(self.accountant).action_resolve()
        self.assertEqual(third.state, "resolved")

    def test_retry_reenqueues_import_or_event(self):
        exc = self._exception("cus_77")
        with trap_jobs() as trap:
            exc.with_user(self.accountant).action_retry()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                self.env["connector.test.partner"].job_import_record,
                args=(self.backend, "cus_77"),
            )
        event = self.env["connector.event"]._insert_once(
            self.backend,
            {
                "source_event_id": "evt_1",
                "event_type": "customer.updated",
                "object_ref": "cus_78",
                "payload": "{}",
            },
        )
        event._finish("failed", "failed: boom")
        exc2 = self._exception("cus_78", event=event)
        with trap_jobs() as trap:
            exc2.with_user(self.accountant).action_retry()
            trap.assert_jobs_count(1)
        self.assertEqual(event.state, "pending")
        self.assertIn("evt_1", exc2.last_action_result)

    def test_accountant_cannot_see_secrets_edit_backend_or_payload(self):
        backend = self.backend.with_user(self.accountant)
        self.assertEqual(backend.name, "Workbench service")
        with self.assertRaises(AccessError):
            backend.read(["api_key"])
        with self.assertRaises(AccessError):
            backend.write({"name": "hacked"})
        exc = self._exception().with_user(self.accountant)
        with self.assertRaises(AccessError):
            exc.action_edit_payload()
        with self.assertRaises(AccessError):
            exc.write({"payload_edited": "{}"})
        exc.action_resolve()
        self.assertEqual(exc.state, "resolved")

    def test_manager_edits_payload_and_replays(self):
        exc = self._exception("cus_501").with_user(self.manager)
        original = exc.payload
        exc.action_edit_payload()
        self.assertEqual(json.loads(exc.payload_edited)["id"], "cus_501")
        with self.assertRaises(ValidationError):
            exc.write({"payload_edited": "{not json"})
        data = {"id": "cus_501", "name": "Fixed Customer", "updated": 1700000001}
        exc.write({"payload_edited": json.dumps(data)})
        exc.action_replay_edited()
        self.assertEqual(exc.state, "resolved")
        self.assertEqual(exc.payload, original)
        self.assertEqual(exc.replay_count, 1)
        binding = self.env["connector.test.partner"].search(
            [("backend_id", "=", self.backend.id), ("external_id", "=", "cus_501")]
        )
        self.assertEqual(binding.name, "Fixed Customer")
        bodies = " ".join(exc.message_ids.mapped("body"))
        self.assertIn("Resolved by a later successful sync", bodies)
        self.assertIn("Edited payload replayed: created", bodies)

    def test_daily_digest_mails_assignees_once(self):
        exc = self._exception("cus_601")
        exc.action_assign(self.accountant)
        self._exception("cus_602")  # unassigned: not mailed
        self.assertEqual(self.env["connector.exception"]._cron_daily_digest(), 1)
        mail = self.env["mail.mail"].search(
            [("email_to", "ilike", "accountant@example.com")]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("cus_601", mail.body_html)
        self.assertIn("Invalid data received", mail.body_html)
        self.assertTrue(exc.digest_sent)
        self.assertEqual(self.env["connector.exception"]._cron_daily_digest(), 0)


@tagged("post_install", "-at_install")
class TestDashboardFigures(WorkbenchCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workbench()

    def _card(self):
        data = (
            self.env["connector.dashboard"]
            .with_user(self.accountant)
            .get_dashboard_data()
        )
        return next(c for c in data["cards"] if c["backend_id"] == self.backend.id)

    def test_health_figures(self):
        bindings = self.env["connector.test.partner"]
        queued = self.env["queue.job"].search_count(
            [("channel", "=like", "root.connector.test%"), ("state", "=", "pending")]
        )
        bindings.with_delay().job_import_record(self.backend, "cus_q1")
        done = bindings.with_delay().job_import_record(self.backend, "cus_q2")
        failed = bindings.with_delay().job_import_record(self.backend, "cus_q3")
        done.db_record().write({"state": "done"})
        failed.db_record().write({"state": "failed"})
        now = fields.Datetime.now()
        self.env["connector.event"]._insert_once(
            self.backend,
            {
                "source_event_id": "evt_lag",
                "event_type": "customer.updated",
                "object_ref": "cus_q1",
                "source_ts": now - timedelta(seconds=8),
                "payload": "{}",
            },
        )
        self.env["connector.audit.line"]._record(
            self.backend, "import", "create", external_id="cus_q4", decision="created"
        )
        self._exception("cus_q5")
        card = self._card()
        self.assertEqual(card["name"], "Workbench service")
        self.assertEqual(card["queue_depth"], queued + 1)
        self.assertGreaterEqual(card["queue_failed"], 1)
        self.assertGreater(card["failure_rate"], 0.0)
        self.assertGreaterEqual(card["webhook_lag"], 7.0)
        self.assertLess(card["webhook_lag"], 60.0)
        self.assertTrue(card["last_sync"])
        self.assertEqual(card["open_exceptions"], 1)
        self.assertEqual(card["drift_count"], 0)

    def test_other_company_stays_hidden(self):
        company_b = self.env["res.company"].create({"name": "Workbench B"})
        backend_b = self.env["connector.test.backend"].create(
            {"name": "B service", "company_id": company_b.id}
        )
        exc_b = self.env["connector.exception"]._record(
            backend_b, "rate_limited", "Too many requests"
        )
        run_b = self.env["connector.reconciliation.run"].create(
            {
                **self.env["connector.reconciliation.run"]._backend_vals(backend_b),
                "object_type": "customers",
            }
        )
        accountant = self.accountant
        self.assertFalse(
            self.env["connector.exception"]
            .with_user(accountant)
            .search([("id", "=", exc_b.id)])
        )
        self.assertFalse(
            self.env["connector.reconciliation.run"]
            .with_user(accountant)
            .search([("id", "=", run_b.id)])
        )
        names = [card["name"] for card in self._card_list()]
        self.assertIn("Workbench service", names)
        self.assertNotIn("B service", names)

    def _card_list(self):
        return (
            self.env["connector.dashboard"]
            .with_user(self.accountant)
            .get_dashboard_data()["cards"]
        )

    def test_server_actions_work_on_a_selection(self):
        excs = self._exception("cus_sa1") | self._exception("cus_sa2")
        action = self.env.ref("connector_base.connector_exception_server_action_ignore")
        result = (
            action.with_user(self.accountant)
            .with_context(active_model=excs._name, active_ids=excs.ids)
            .run()
        )
        self.assertEqual(result["res_model"], "connector.exception.ignore.wizard")
        wizard = (
            self.env[result["res_model"]]
            .with_user(self.accountant)
            .with_context(**result["context"])
            .create({"reason": "Duplicates of cus_1"})
        )
        self.assertEqual(wizard.exception_ids, excs)
        wizard.action_confirm()
        self.assertEqual(excs.mapped("state"), ["ignored", "ignored"])
