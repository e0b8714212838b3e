# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models


class QueueJob(models.Model):
    _inherit = "queue.job"

    def related_action_connector(self):
        """Open what a connector job is about: its binding, event or backend.

        Job methods on an empty recordset (``job_import_record``) carry the
        backend and the external id as arguments: the binding is found from them.
        """
        self.ensure_one()
        target = self._connector_related_record()
        if not target:
            return None
        return {
            "name": _("Related Record"),
            "type": "ir.actions.act_window",
            "res_model": target._name,
            "res_id": target.id,
            "view_mode": "form",
        }

    def _connector_related_record(self):
        records = self.records.exists()
        args = list(self.args or [])
        if self.method_name == "job_process_event" and args:
            return args[0].exists()
        if self.method_name == "job_import_record" and len(args) >= 2:
            return records._to_internal(args[0], args[1])
        return records[:1]
