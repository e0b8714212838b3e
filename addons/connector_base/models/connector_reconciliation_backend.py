# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import _, models


# Kept apart from connector_backend_jobs.py: these hooks belong to the workbench.
class ConnectorBackendMixin(models.AbstractModel):
    """Workbench and reconciliation hooks every backend may override.

    * ``_connector_external_url(model, external_id)``: link to the object in the
      service's own dashboard, or False.
    * ``_connector_retry_exception(exception)``: re-enqueue what failed.
    * ``_connector_reconcile_sources(run)``: remote and Odoo rows per object type
      (contract in readme/USAGE.md, worked example in connector_test).
    * ``_connector_reconcile_fix_mode(line)``: what *Fix* enqueues for a line.
    """

    _inherit = "connector.backend.mixin"

    def _connector_external_url(self, model, external_id):
        return False

    def _connector_reconcile_sources(self, run):
        """``{object_type: {"binding_model": str, "remote": rows, "odoo": rows}}``.

        ``rows`` maps an external id to a ``ReconRow`` (amount, currency, status,
        date, fee). The base backend has nothing to reconcile.
        """
        return {}

    def _connector_reconcile_object_types(self):
        """Selection values ``[(code, label)]`` offered on a run."""
        return []

    def _connector_reconcile_fix_mode(self, line):
        """``"export"`` (Odoo wins) or ``"import"`` (the service wins).

        By default the service wins, except for an object only Odoo has whose
        binding model can export. Override where Odoo is the system of record
        of the compared figures (a status or fields written back)."""
        exporter = getattr(self.env[line.binding_model], "_exporter", None)
        return "export" if line.side == "odoo" and exporter else "import"

    def _connector_retry_exception(self, exception):
        """Replay the event, else re-import the object, else requeue the job.

        The job runs with the sync's own rights, like a webhook's or a cron's:
        the caller checked that the user may act on the exception, and an
        accountant who may retry need not be allowed to post entries by hand."""
        self.ensure_one()
        backend = self.sudo()
        if exception.event_id:
            event = exception.event_id.sudo()
            event.state = "pending"
            event._enqueue(backend)
            return _("event %s queued again", event.source_event_id)
        if exception.binding_model and exception.external_id:
            job = (
                backend.env[exception.binding_model]
                .with_delay(
                    identity_key=f"retry,{exception.binding_model},{self._name},"
                    f"{self.id},{exception.external_id}",
                    description=f"Retry import {exception.external_id}",
                )
                .job_import_record(backend, exception.external_id)
            )
            return _("import of %s queued", exception.external_id) if job else ""
        job = (
            self.env["queue.job"]
            .sudo()
            .search([("uuid", "=", exception.job_uuid)], limit=1)
        )
        if job and exception.job_uuid:
            job.requeue()
            return _("job %s queued again", job.uuid)
        return _("nothing to retry: the exception has no object, event or job")
