# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tests import HttpCase, tagged

from .test_workbench import WorkbenchCommon


@tagged("post_install", "-at_install")
class TestWorkbenchTours(WorkbenchCommon, HttpCase):
    """The accountant's journeys in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workbench()
        cls.backend.name = "Tour service"

    def test_dashboard_drill_down_and_fix(self):
        run = self.env["connector.reconciliation.run"].create(
            {
                **self.env["connector.reconciliation.run"]._backend_vals(self.backend),
                "object_type": "customers",
                "state": "done",
            }
        )
        line = self.env["connector.reconciliation.line"].create(
            {
                **run._backend_vals(self.backend),
                "run_id": run.id,
                "object_type": "customers",
                "bucket": "missing_odoo",
                "side": "remote",
                "external_id": "cus_tour_missing",
                "binding_model": "connector.test.partner",
                "remote_amount": 120.0,
                "difference": 120.0,
                "remote_date": fields.Datetime.now(),
            }
        )
        self.start_tour(
            "/odoo/action-connector_base.connector_dashboard_action",
            "connector_dashboard_fix_drift",
            login="wb_accountant",
        )
        self.assertEqual(line.state, "fixing")
        job = self.env["queue.job"].search([("uuid", "=", line.job_uuid)])
        self.assertEqual(job.method_name, "job_import_record")
        self.assertEqual(job.args, [self.backend, "cus_tour_missing"])
        self.assertEqual(job.user_id, self.accountant)
        self.assertEqual(job.state, "pending")

    def test_edit_payload_and_replay(self):
        exc = self._exception("cus_tour_replay")
        original = exc.payload
        self.start_tour(
            "/odoo/action-connector_base.connector_exception_action",
            "connector_exception_edit_replay",
            login="wb_manager",
        )
        self.assertEqual(exc.state, "resolved")
        self.assertEqual(exc.payload, original)
        self.assertEqual(exc.replay_count, 1)
        binding = self.env["connector.test.partner"].search(
            [
                ("backend_id", "=", self.backend.id),
                ("external_id", "=", "cus_tour_replay"),
            ]
        )
        self.assertEqual(binding.name, "Tour Customer")

    def test_bulk_ignore(self):
        excs = self._exception("cus_bulk_1") | self._exception("cus_bulk_2")
        other = self._exception("cus_bulk_3")
        self.start_tour(
            "/odoo/action-connector_base.connector_exception_action",
            "connector_exception_bulk_ignore",
            login="wb_accountant",
        )
        self.assertEqual(excs.mapped("state"), ["ignored", "ignored"])
        self.assertEqual(
            set(excs.mapped("ignore_reason")),
            {"Test customers created during the demo"},
        )
        self.assertEqual(other.state, "new")
