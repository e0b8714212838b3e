# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.controllers.main import RunJobController


@tagged("post_install", "-at_install")
class TestSmoke(TransactionCase):
    def test_suite_installed_together(self):
        modules = self.env["ir.module.module"].search(
            [
                (
                    "name",
                    "in",
                    [
                        "connector_base",
                        "connector_stripe",
                        "connector_salesforce",
                        "connector_zendesk",
                        "queue_job",
                    ],
                )
            ]
        )
        self.assertEqual(
            sorted(modules.mapped("name")),
            [
                "connector_base",
                "connector_salesforce",
                "connector_stripe",
                "connector_zendesk",
                "queue_job",
            ],
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        menu = self.env.ref("connector_base.connector_base_menu_root")
        self.assertEqual(menu.name, "Connectors")

    def test_with_delay_job_is_enqueued_and_runs(self):
        heartbeat = self.env["connector.heartbeat"].create({})
        delayed = heartbeat.with_delay()._job_heartbeat()
        record = delayed.db_record()
        self.assertEqual(record.state, "pending")
        self.assertEqual(record.channel, "root.connector")
        self.assertEqual(record.model_name, "connector.heartbeat")
        self.assertFalse(heartbeat.done_at)

        RunJobController._runjob(self.env, delayed)

        record.invalidate_recordset()
        self.assertEqual(record.state, "done")
        self.assertEqual(record.result, f"heartbeat {heartbeat.id} done")
        self.assertTrue(heartbeat.done_at)
        self.assertGreaterEqual(heartbeat.lag_seconds, 0.0)

    def test_cron_enqueues_one_identified_job(self):
        before = self.env["queue.job"].search_count([])
        heartbeat = self.env["connector.heartbeat"].cron_enqueue_heartbeat()
        jobs = self.env["queue.job"].search([], offset=before)
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.identity_key, f"connector.heartbeat,{heartbeat.id}")
