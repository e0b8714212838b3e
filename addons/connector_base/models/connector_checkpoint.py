# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, fields, models

from .connector_backend_ref_mixin import concrete_models

_logger = logging.getLogger(__name__)


class ConnectorCheckpoint(models.Model):
    """Incremental cursor per backend and object, with an overlap window.

    A pull asks for objects *updated* since ``cursor - overlap``; one job
    imports one page and enqueues the next. The cursor only moves when the
    last page is done, to the newest remote updated-at seen during the run:
    a crashed run starts again from the old cursor, and objects updated
    while the run was paging are caught by the overlap of the next run. So
    a backfill converges even when webhooks were missed.

    Services whose export hands out a resumable cursor (Zendesk's
    ``after_cursor``) also park it in ``remote_cursor``: the next run starts
    from it instead of ``cursor - overlap``, so it reads only what changed.
    The datetime stays the fallback (first run, a cursor the service refuses)
    and the watermark the other services use.
    """

    _name = "connector.checkpoint"
    _description = "Connector Sync Checkpoint"
    _inherit = ["connector.backend.ref.mixin"]
    _order = "backend_model, backend_id, object_name"

    object_name = fields.Char(required=True, readonly=True)
    binding_model = fields.Char(readonly=True)
    cursor = fields.Datetime(help="Newest remote updated-at fully imported.")
    remote_cursor = fields.Char(
        "Service cursor",
        copy=False,
        help="Opaque cursor of the service's export, parked at the end of the last "
        "run; the next run resumes from it. Empty: the next run starts from the "
        "datetime cursor. Changing the datetime cursor by hand clears it.",
    )
    overlap_seconds = fields.Integer(default=300)
    run_high_water = fields.Datetime(readonly=True)
    run_started = fields.Datetime(readonly=True)
    last_success = fields.Datetime(readonly=True)
    records_total = fields.Integer(readonly=True)
    records_done = fields.Integer(readonly=True)
    state = fields.Selection(
        [("idle", "Idle"), ("running", "Running")], default="idle", readonly=True
    )

    _sql_constraints = [
        (
            "backend_object_uniq",
            "unique(backend_model, backend_id, object_name)",
            "One checkpoint per backend and object.",
        )
    ]

    def write(self, vals):
        """A datetime cursor set without a service cursor (an administrator
        rewinding the sync) must win over the parked service cursor."""
        if "cursor" in vals and "remote_cursor" not in vals:
            vals = {**vals, "remote_cursor": False}
        return super().write(vals)

    @api.model
    def _get_or_create(self, backend, object_name):
        domain = [
            ("backend_model", "=", backend._name),
            ("backend_id", "=", backend.id),
            ("object_name", "=", object_name),
        ]
        checkpoint = self.sudo().search(domain, limit=1)
        if not checkpoint:
            checkpoint = self.sudo().create(
                {
                    **self._backend_vals(backend),
                    "object_name": object_name,
                    "binding_model": backend._connector_pull_objects().get(object_name),
                }
            )
        return checkpoint

    @api.model
    def _cron_pull_all(self):
        """Enqueue the first page of every object of every active backend."""
        for model_name in concrete_models(self.env, "connector.backend.mixin"):
            backends = self.env[model_name].search([("state", "=", "connected")])
            for backend in backends:
                for object_name in backend._connector_pull_objects():
                    self._enqueue_page(backend, object_name, None)

    @api.model
    def _enqueue_page(self, backend, object_name, page_cursor):
        return backend.with_delay(
            identity_key=f"pull:{backend._name},{backend.id},{object_name},{page_cursor}",
            description=f"Pull {object_name} from {backend.name}",
        ).job_pull_page(object_name, page_cursor)

    def _since(self):
        if not self.cursor:
            return None
        return self.cursor - timedelta(seconds=self.overlap_seconds or 0)

    def _pull_page(self, backend, page_cursor):
        """Import one page; move the cursor when the last page is done."""
        self.ensure_one()
        if page_cursor is None:
            self.write(
                {
                    "state": "running",
                    "run_started": fields.Datetime.now(),
                    "run_high_water": self.cursor,
                    "records_done": 0,
                }
            )
        binding_model = self.env[self.binding_model]
        importer = self.env[binding_model._importer]
        records, next_cursor, resume_cursor = backend._get_adapter().pull_page(
            backend,
            importer._resource,
            updated_since=self._since(),
            cursor=page_cursor,
            resume_cursor=None if page_cursor else self.remote_cursor,
        )
        result = self.env[binding_model._batch_importer].run(backend, records)
        self._advance(importer, records, next_cursor, resume_cursor)
        if next_cursor:
            self._enqueue_page(backend, self.object_name, next_cursor)
        return result

    def _advance(self, importer, records, next_cursor, resume_cursor=None):
        stamps = [importer._remote_updated_at(rec) for rec in records]
        high = max(
            [s for s in stamps if s]
            + [self.run_high_water or fields.Datetime.to_datetime("1970-01-01")]
        )
        vals = {
            "run_high_water": high,
            "records_done": self.records_done + len(records),
            "records_total": max(self.records_total, self.records_done + len(records)),
        }
        if not next_cursor:
            vals.update(
                {
                    "cursor": high,
                    "remote_cursor": resume_cursor or False,
                    "state": "idle",
                    "last_success": fields.Datetime.now(),
                }
            )
        self.write(vals)
