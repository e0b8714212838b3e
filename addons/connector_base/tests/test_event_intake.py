# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .test_workbench import WorkbenchCommon


@tagged("post_install", "-at_install")
class TestEventIntake(WorkbenchCommon, TransactionCase):
    """``connector.event._receive``: one statement stores and decides dispatch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_workbench()

    def _vals(self, event_id):
        return {
            "source_event_id": event_id,
            "event_type": "customer.updated",
            "object_ref": "cus_1",
            "payload": "{}",
        }

    def test_first_event_dispatched_next_ones_wait_duplicates_dropped(self):
        events = self.env["connector.event"]
        first, dispatched = events._receive(self.backend, self._vals("evt_1"))
        self.assertTrue(dispatched)
        self.assertTrue(first.dispatched)
        self.assertEqual(first.state, "pending")
        first._enqueue(self.backend)
        job = self.env["queue.job"].search(
            [("identity_key", "=", f"connector.event,{first.id}")]
        )
        self.assertEqual(job.state, "pending")
        second, dispatched = events._receive(self.backend, self._vals("evt_2"))
        self.assertFalse(dispatched)
        self.assertFalse(second.dispatched)
        self.assertEqual(events._waiting_job(self.backend), job.id)
        again, dispatched = events._receive(self.backend, self._vals("evt_2"))
        self.assertIsNone(again)
        self.assertFalse(dispatched)
