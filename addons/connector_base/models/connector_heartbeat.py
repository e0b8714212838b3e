# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ConnectorHeartbeat(models.Model):
    """One row per job-runner heartbeat.

    A cron enqueues ``_job_heartbeat`` every few minutes; the row it writes
    proves that the queue_job runner picks jobs up. The dashboard shows the
    age of the newest row as "job runner alive".
    """

    _name = "connector.heartbeat"
    _description = "Connector Job Runner Heartbeat"
    _order = "id desc"

    enqueued_at = fields.Datetime(required=True, default=fields.Datetime.now)
    done_at = fields.Datetime(readonly=True)
    lag_seconds = fields.Float(readonly=True, help="Seconds between enqueue and run.")

    @api.model
    def cron_enqueue_heartbeat(self):
        heartbeat = self.create({})
        heartbeat.with_delay(
            description="Connector job runner heartbeat",
            identity_key=f"connector.heartbeat,{heartbeat.id}",
        )._job_heartbeat()
        # Keep the table small: the newest 100 beats are plenty for the dashboard.
        self.search([], offset=100).unlink()
        return heartbeat

    def _job_heartbeat(self):
        self.ensure_one()
        now = fields.Datetime.now()
        self.write(
            {
                "done_at": now,
                "lag_seconds": (now - self.enqueued_at).total_seconds(),
            }
        )
        return f"heartbeat {self.id} done"
