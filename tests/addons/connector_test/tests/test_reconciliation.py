# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import calendar
import time
from collections import Counter
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import ConnectorTestMixin

MATCHING = 500  # the scale test covers thousands (SQL-seeded)
NOON = 12 * 3600


class ReconciliationSeed:
    """Seed the fake service and Odoo with known drifts of every bucket."""

    @classmethod
    def _epochs(cls):
        """Yesterday, yesterday noon (UTC epoch) and a recent moment of today:
        half an hour ago, but never before today's midnight (runs just after
        midnight would otherwise put it in yesterday)."""
        yesterday = fields.Date.today() - timedelta(days=1)
        start = calendar.timegm(yesterday.timetuple())
        recent = max(int(time.time()) - 1800, start + 86400)
        return yesterday, start + NOON, recent

    def _remote(self, cid, balance, created, **extra):
        extra.setdefault("currency", "usd")
        extra.setdefault("status", "active")
        extra.setdefault("fee", 0)
        self.service.put(
            cid, f"Customer {cid}", created, balance=balance, created=created, **extra
        )

    def _odoo_vals(self, cid, balance, created, currency="USD", fee=0.0, active=True):
        return {
            "backend_id": self.backend.id,
            "external_id": cid,
            "name": f"Customer {cid}",
            "active": active,
            "test_balance": balance,
            "test_currency": currency,
            "test_fee": fee,
            "test_date": fields.Datetime.to_datetime(
                time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(created))
            ),
        }

    def _seed(self, matching=MATCHING):
        _day, noon, recent = self._epochs()
        vals = []
        for index in range(matching):
            cid = f"cus_m{index:06d}"
            self._remote(cid, 1000 + index, noon, fee=30)
            vals.append(self._odoo_vals(cid, (1000 + index) / 100.0, noon, fee=0.30))
        for cid, cents in (("cus_mo1", 10000), ("cus_mo2", 20000), ("cus_mo3", 5050)):
            self._remote(cid, cents, noon)  # missing in Odoo: 100 + 200 + 50.50
        vals.append(self._odoo_vals("cus_mr1", 70.0, noon))  # missing in service
        vals.append(self._odoo_vals("cus_mr2", 30.0, noon))
        self._remote("cus_am1", 100000, noon)  # amount: 1000 vs 990
        vals.append(self._odoo_vals("cus_am1", 990.0, noon))
        self._remote("cus_am2", 5000, noon)  # amount: 50 vs 55
        vals.append(self._odoo_vals("cus_am2", 55.0, noon))
        self._remote("cus_fee", 10000, noon, fee=290)  # fee: 2.90 vs 3.20
        vals.append(self._odoo_vals("cus_fee", 100.0, noon, fee=3.20))
        self._remote("cus_fx", 10000, noon, currency="eur")  # FX
        vals.append(self._odoo_vals("cus_fx", 100.0, noon))
        self._remote("cus_st", 10000, noon, status="archived")  # status
        vals.append(self._odoo_vals("cus_st", 100.0, noon))
        self._remote("cus_ti1", 4200, recent)  # timing: not imported yet
        vals.append(self._odoo_vals("cus_ti2", 12.0, recent))  # timing: not exported
        self._remote("cus_old", 999, noon - 5 * 86400)  # outside the period
        self.env["connector.test.partner"].create(vals)

    def _run(self, **extra):
        yesterday, _noon, _recent = self._epochs()
        run = self.env["connector.reconciliation.run"].create(
            {
                **self.env["connector.reconciliation.run"]._backend_vals(self.backend),
                "object_type": "customers",
                "period": "custom",
                "date_from": yesterday,
                "date_to": fields.Date.today(),
                "allowed_lag_hours": 2,
                **extra,
            }
        )
        run.action_run()
        return run


@tagged("post_install", "-at_install")
class TestReconciliation(ReconciliationSeed, ConnectorTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service()
        cls.backend = cls._make_backend(cls.env)
        cls.accountant = new_test_user(
            cls.env,
            "recon_accountant",
            groups="connector_base.connector_base_group_user",
        )

    def test_every_bucket_found_exactly(self):
        self._seed()
        started = time.perf_counter()
        run = self._run()
        elapsed = time.perf_counter() - started
        by_bucket = Counter(run.line_ids.mapped("bucket"))
        self.assertEqual(
            dict(by_bucket),
            {
                "missing_odoo": 3,
                "missing_remote": 2,
                "amount": 2,
                "fee": 1,
                "fx": 1,
                "status": 1,
                "timing": 2,
            },
        )
        lines = {line.external_id: line for line in run.line_ids}
        missing = run.line_ids.filtered(lambda li: li.bucket == "missing_odoo")
        self.assertAlmostEqual(sum(missing.mapped("difference")), 350.50)
        gone = run.line_ids.filtered(lambda li: li.bucket == "missing_remote")
        self.assertAlmostEqual(sum(gone.mapped("difference")), -100.0)
        self.assertAlmostEqual(lines["cus_am1"].difference, 10.0)
        self.assertAlmostEqual(lines["cus_am2"].difference, -5.0)
        self.assertAlmostEqual(lines["cus_fee"].difference, -0.30)
        self.assertEqual(
            (lines["cus_fx"].remote_currency, lines["cus_fx"].odoo_currency),
            ("EUR", "USD"),
        )
        self.assertEqual(lines["cus_st"].remote_status, "archived")
        self.assertEqual(lines["cus_ti1"].side, "remote")
        self.assertEqual(lines["cus_ti2"].side, "odoo")
        self.assertEqual(lines["cus_am1"].binding_ref.external_id, "cus_am1")
        self.assertIn("cus_mo1", lines["cus_mo1"].external_url)
        self.assertNotIn("cus_old", lines)
        self.assertEqual(run.remote_count, MATCHING + 3 + 6)
        self.assertEqual(run.odoo_count, MATCHING + 2 + 6)
        self.assertEqual(run.drift_count, 12)
        self.assertAlmostEqual(
            run.drift_amount, 350.50 + 100.0 + 10.0 + 5.0 + 0.30 + 42.0 + 12.0
        )
        self.assertLess(elapsed, 30)

    def test_fix_enqueues_import_and_closes_the_drift(self):
        self._seed(matching=5)
        run = self._run()
        line = run.line_ids.filtered(lambda li: li.external_id == "cus_mo1")
        amount = run.line_ids.filtered(lambda li: li.external_id == "cus_am1")
        with trap_jobs() as trap:
            (line | amount).with_user(self.accountant).action_fix()
            trap.assert_jobs_count(2)
            trap.assert_enqueued_job(
                self.env["connector.test.partner"].job_import_record,
                args=(self.backend, "cus_mo1"),
            )
            trap.perform_enqueued_jobs()
        self.assertEqual(line.state, "fixing")
        self.assertEqual(self._bindings("cus_mo1").test_balance, 100.0)
        self.assertEqual(self._bindings("cus_am1").test_balance, 1000.0)
        run.action_run()
        self.assertEqual((line | amount).mapped("state"), ["fixed", "fixed"])
        self.assertEqual(len(run.line_ids.filtered(lambda li: li.state == "open")), 10)

    def test_fix_exports_what_the_service_lacks(self):
        self._seed(matching=0)
        run = self._run()
        line = run.line_ids.filtered(lambda li: li.external_id == "cus_mr1")
        with trap_jobs() as trap:
            line.with_user(self.accountant).action_fix()
            trap.assert_enqueued_job(
                self._bindings("cus_mr1").job_export_record, args=("create",)
            )
        self.assertEqual(line.state, "fixing")

    def test_wizard_cron_and_dashboard(self):
        self._seed(matching=3)
        yesterday, _noon, _recent = self._epochs()
        wizard = (
            self.env["connector.reconciliation.wizard"]
            .with_user(self.accountant)
            .create(
                {
                    "backend_ref": f"{self.backend._name},{self.backend.id}",
                    "period": "month",
                    "date_from": yesterday.replace(day=1),
                    "date_to": yesterday.replace(day=28),
                }
            )
        )
        wizard._onchange_period()
        action = wizard.action_run()
        run = self.env["connector.reconciliation.run"].search(action["domain"])
        self.assertEqual(run.object_type, "customers")
        self.assertEqual(run.state, "done")
        self.assertGreater(run.date_to, yesterday.replace(day=27))
        runs = self.env["connector.reconciliation.run"]._cron_reconcile()
        mine = runs.filtered(lambda r: r.backend_id == self.backend.id)
        self.assertEqual(mine.mapped("object_type"), ["customers"])
        self.assertEqual(mine.state, "done")
        # Yesterday only, default lag 48 h: the 5 one-sided objects of yesterday
        # are "not synced yet"; today's two are outside the period.
        self.assertEqual(
            dict(Counter(mine.line_ids.mapped("bucket"))),
            {"amount": 2, "fee": 1, "fx": 1, "status": 1, "timing": 5},
        )
        data = (
            self.env["connector.dashboard"]
            .with_user(self.accountant)
            .get_dashboard_data()
        )
        card = next(c for c in data["cards"] if c["backend_id"] == self.backend.id)
        self.assertEqual(card["service"], "test")
        self.assertEqual(card["drift_count"], len(run.line_ids) + len(mine.line_ids))
        self.assertGreater(card["drift_amount"], 0)
