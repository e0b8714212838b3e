# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Full-size Salesforce scenarios (run with ``./setup/test tests/slow``).

- lead-to-cash at the brief's size: 300 accounts, 900 contacts, 50 products,
  400 opportunities of which 120 closed-won with line items;
- a Bulk API 2.0 first load of 20,000 accounts (its time is printed).
"""

import random
import time

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import SQL

from odoo.addons.connector_salesforce.tests.common import SalesforceMixin
from odoo.addons.connector_salesforce.tests.test_scenario import ScenarioAssertions
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.job import Job

FULL = {
    "accounts": 300,
    "contacts": 900,
    "products": 50,
    "opportunities": 400,
    "closed_won": 120,
}
BULK_ACCOUNTS = 20_000


@tagged("post_install", "-at_install")
class TestLeadToCashFullSize(SalesforceMixin, ScenarioAssertions, TransactionCase):
    sizes = FULL

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_server(**FULL)
        cls._ensure_chart()
        cls.backend = cls._make_backend()
        start = time.perf_counter()
        cls.backend.with_context(queue_job__no_delay=True).action_first_load()
        cls.elapsed = time.perf_counter() - start

    def test_full_size_lead_to_cash_and_idempotence(self):
        print(f"\nfull-size first load: {self.elapsed:.1f}s")
        self.assert_lead_to_cash()
        orders = self.env["sale.order"].search_count([])
        actions = self._audit_actions()
        self._sync()
        self.assertEqual(self.env["sale.order"].search_count([]), orders)
        after = self._audit_actions()
        for action in ("create", "update", "delete", "blocked", "error"):
            self.assertEqual(after.get(action, 0), actions.get(action, 0), action)


@tagged("post_install", "-at_install")
class TestBulkFirstLoad(SalesforceMixin, BaseCase):
    """20k accounts through Bulk 2.0, one committed transaction per job as the
    job runner does it (a single test transaction would hold 20k advisory
    locks). Everything it commits is deleted at the end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls._start_server()
        cls.server.seed(
            0,
            random.Random(3),
            accounts=BULK_ACCOUNTS,
            contacts=0,
            products=0,
            opportunities=0,
            closed_won=0,
        )

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def _run_pending_jobs(self, backend_id):
        done = 0
        while True:
            with self.registry.cursor() as cr:
                env = self._env(cr)
                job = env["queue.job"].search(
                    [
                        ("model_name", "=", "salesforce.backend"),
                        ("state", "=", "pending"),
                        ("records", "!=", False),
                    ],
                    order="id",
                    limit=1,
                )
                if not job or done > 100:
                    return done
                RunJobController._runjob(env, Job.load(env, job.uuid))
                done += 1

    def test_bulk_first_load_of_20k_accounts(self):
        with self.registry.cursor() as cr:
            # The first Salesforce backend brings the default ownership rules:
            # committed here, so the cleanup deletes them again.
            rules = self._env(cr)["connector.ownership"].with_context(active_test=False)
            self.rules_before = rules.search([]).ids
            backend = self._env(cr)["salesforce.backend"].create(self._backend_vals())
            backend_id = backend.id
            backend.with_delay().job_pull_page("Account", force_bulk=True)
        try:
            start = time.perf_counter()
            jobs = self._run_pending_jobs(backend_id)
            elapsed = time.perf_counter() - start
            print(
                f"\nBulk 2.0 first load of {BULK_ACCOUNTS} accounts: {elapsed:.1f}s "
                f"in {jobs} jobs"
            )
            with self.registry.cursor() as cr:
                env = self._env(cr)
                backend = env["salesforce.backend"].browse(backend_id)
                self.assertEqual(
                    env["salesforce.account"].search_count(
                        [("backend_id", "=", backend_id)]
                    ),
                    BULK_ACCOUNTS,
                )
                checkpoint = env["connector.checkpoint"]._get_or_create(
                    backend, "Account"
                )
                self.assertEqual(checkpoint.records_done, BULK_ACCOUNTS)
                self.assertEqual(checkpoint.state, "idle")
                self.assertTrue(checkpoint.cursor)
        finally:
            self._cleanup(backend_id)

    def _cleanup(self, backend_id):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT odoo_id FROM salesforce_account WHERE backend_id = %s",
                (backend_id,),
            )
            partner_ids = [row[0] for row in cr.fetchall()]
            ref = ("salesforce.backend", backend_id)
            cr.execute(
                "DELETE FROM salesforce_account WHERE backend_id = %s", (backend_id,)
            )
            cr.execute("DELETE FROM res_partner WHERE id = ANY(%s)", (partner_ids,))
            for table in ("connector_audit_line", "connector_checkpoint"):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE backend_model = %s AND backend_id = %s",
                        SQL.identifier(table),
                        *ref,
                    )
                )
            cr.execute("DELETE FROM queue_job WHERE model_name = 'salesforce.backend'")
            cr.execute("DELETE FROM salesforce_backend WHERE id = %s", (backend_id,))
            cr.execute(
                "DELETE FROM connector_ownership WHERE id <> ALL(%s)",
                (self.rules_before,),
            )
