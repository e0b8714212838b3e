# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Events a job applies on top of its own (see ``_drain``).
DRAIN_BATCH = 200


class ConnectorEvent(models.Model):
    """Webhook inbox: one row per source event, unique per backend.

    The controller inserts with ``ON CONFLICT DO NOTHING``: a duplicate
    delivery is a no-op that still answers 200. Processing re-fetches the
    object (the inbox never trusts a webhook body for business data) and a
    guard on the source timestamp skips events older than what was applied.

    Dispatch is batched: an event gets a job of its own (``dispatched``) only
    when its backend has no event job waiting to start; otherwise that waiting
    job applies it too (``_drain``). A burst of webhooks thus costs a few jobs,
    not one per event, and the request only inserts a row.
    """

    _name = "connector.event"
    _description = "Connector Webhook Event"
    _inherit = ["connector.backend.ref.mixin"]
    _order = "id desc"
    _rec_name = "source_event_id"

    source_event_id = fields.Char(required=True, readonly=True, index=True)
    event_type = fields.Char(readonly=True, index=True)
    object_ref = fields.Char(
        "Object",
        readonly=True,
        index=True,
        help="External id of the object the event is about.",
    )
    source_ts = fields.Datetime("Source timestamp", readonly=True)
    payload = fields.Text("Masked payload", readonly=True)
    signature_state = fields.Selection(
        [("valid", "Valid"), ("invalid", "Invalid")], readonly=True
    )
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("done", "Done"),
            ("superseded", "Superseded"),
            ("ignored", "Ignored"),
            ("failed", "Failed"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    result = fields.Char(readonly=True)
    received_at = fields.Datetime(default=fields.Datetime.now, readonly=True)
    dispatched = fields.Boolean(
        readonly=True,
        help="A job was enqueued for this event; it also applies the events of "
        "the same account received while it waited to start.",
    )
    processed_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "source_event_uniq",
            "unique(backend_model, backend_id, source_event_id)",
            "This event was already received.",
        )
    ]

    @api.model
    def _row(self, backend, vals):
        now = fields.Datetime.now()
        return {
            **self._backend_vals(backend),
            **vals,
            "state": "pending",
            "signature_state": "valid",
            "received_at": now,
            "create_date": now,
            "write_date": now,
            "create_uid": self.env.uid,
            "write_uid": self.env.uid,
        }

    @api.model
    def _insert_once(self, backend, vals):
        """INSERT ... ON CONFLICT DO NOTHING; return the new event or None."""
        return self._insert(backend, vals)[0]

    @api.model
    def _receive(self, backend, vals):
        """Store a webhook event and decide its dispatch in one statement.

        ``_insert_once`` with ``dispatched`` set when ``_waiting_job`` finds no
        job (same share lock, same snapshot). Returns ``(event, dispatched)``;
        the event is None for a duplicate delivery.
        """
        return self._insert(backend, vals, waiting=self._waiting_job_sql(backend))

    @api.model
    def _insert(self, backend, vals, waiting=None):
        row = {key: SQL("%s", value) for key, value in self._row(backend, vals).items()}
        if waiting is not None:
            row["dispatched"] = SQL("NOT EXISTS (SELECT 1 FROM waiting)")
        query = SQL(
            "INSERT INTO connector_event (%s) VALUES (%s) "
            "ON CONFLICT (backend_model, backend_id, source_event_id) DO NOTHING "
            "RETURNING id, dispatched",
            SQL(", ").join(SQL.identifier(column) for column in row),
            SQL(", ").join(row.values()),
        )
        if waiting is not None:
            query = SQL("WITH waiting AS (%s) %s", waiting, query)
        self.env.cr.execute(query)
        found = self.env.cr.fetchone()
        return (self.browse(found[0]), found[1]) if found else (None, False)

    @api.model
    def _waiting_job(self, backend):
        """Id of an event job of ``backend`` not started yet, or None.

        The job row is share-locked until this transaction commits: queue_job's
        runner cannot mark it enqueued (an UPDATE) before the event this request
        inserts is committed, so the job's snapshot sees the event. A job
        locked by the runner is skipped: the caller then enqueues its own.
        """
        self.env.cr.execute(self._waiting_job_sql(backend))
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @api.model
    def _waiting_job_sql(self, backend):
        return SQL(
            "SELECT job.id FROM connector_event event JOIN queue_job job "
            "ON job.identity_key = 'connector.event,' || event.id "
            "WHERE event.backend_model = %s AND event.backend_id = %s "
            "AND event.state = 'pending' AND event.dispatched "
            "AND job.state = 'pending' "
            "AND (job.eta IS NULL OR job.eta <= (now() AT TIME ZONE 'UTC')) "
            "ORDER BY event.id DESC LIMIT 1 "
            "FOR SHARE OF job SKIP LOCKED",
            backend._name,
            backend.id,
        )

    def _enqueue(self, backend):
        self.ensure_one()
        if not self.dispatched:
            self.dispatched = True
        return backend.with_delay(
            identity_key=f"connector.event,{self.id}",
            description=f"Webhook {self.event_type} {self.object_ref or ''}",
        ).job_process_event(self)

    def _process(self, backend):
        """Apply this event, then the events of the same backend that came in
        without a job of their own; called by ``backend.job_process_event``."""
        self.ensure_one()
        result = self._process_one(backend)
        if self.dispatched:
            self._drain(backend)
        return result

    def _drain(self, backend, limit=DRAIN_BATCH):
        """Apply up to ``limit`` pending, undispatched events of ``backend``,
        oldest first, claimed with ``FOR UPDATE SKIP LOCKED`` (a concurrent
        job takes others). Each runs in a savepoint: one that raises gets a
        job of its own (and its retries) instead. When more are left, the
        oldest of them gets a job, which drains the rest."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM connector_event WHERE backend_model = %s "
                "AND backend_id = %s AND state = 'pending' AND NOT dispatched "
                "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                backend._name,
                backend.id,
                limit + 1,
            )
        )
        events = self.browse(row[0] for row in self.env.cr.fetchall())
        for event in events[:limit]:
            try:
                with self.env.cr.savepoint():
                    event._process_one(backend)
            except Exception as err:  # noqa: BLE001 - retried in a job of its own
                _logger.info(
                    "Event %s left to its own job: %s", event.id, err.__class__.__name__
                )
                event._enqueue(backend)
        if len(events) > limit:
            events[limit]._enqueue(backend)
        return min(len(events), limit)

    def _process_one(self, backend):
        if self.state != "pending":
            return f"event already {self.state}"
        route = backend._connector_event_route(self.event_type)
        if not route or not self.object_ref:
            return self._finish("ignored", f"no handler for '{self.event_type}'")
        binding_model, action = route
        binding = self.env[binding_model]._to_internal(backend, self.object_ref)
        if (
            binding
            and self.source_ts
            and binding.last_event_ts
            and (self.source_ts < binding.last_event_ts)
        ):
            return self._finish("superseded", "a newer event was already applied")
        result = self._apply(backend, binding_model, binding, action)
        self._after_apply(backend, binding_model)
        state = "failed" if str(result).startswith("failed") else "done"
        return self._finish(state, result)

    def _apply(self, backend, binding_model, binding, action):
        if action == "delete":
            if binding:
                binding.write({"active": False} if "active" in binding._fields else {})
            return "archived" if binding else "nothing to delete"
        return self.env[binding_model].job_import_record(
            backend, self.object_ref, event=self
        )

    def _after_apply(self, backend, binding_model):
        """Stamp the binding and supersede older pending events of the object."""
        binding = self.env[binding_model]._to_internal(backend, self.object_ref)
        if (
            binding
            and self.source_ts
            and (not binding.last_event_ts or self.source_ts > binding.last_event_ts)
        ):
            binding.last_event_ts = self.source_ts
        older = (
            self.search(
                [
                    ("backend_model", "=", backend._name),
                    ("backend_id", "=", backend.id),
                    ("object_ref", "=", self.object_ref),
                    ("state", "=", "pending"),
                    ("id", "!=", self.id),
                    ("source_ts", "<=", self.source_ts),
                ]
            )
            if self.source_ts
            else self.browse()
        )
        older._finish("superseded", f"covered by event {self.source_event_id}")

    def _finish(self, state, result):
        self.write(
            {
                "state": state,
                "result": str(result)[:250],
                "processed_at": fields.Datetime.now(),
            }
        )
        return result

    def action_requeue(self):
        for event in self.filtered(lambda e: e.state in ("failed", "ignored")):
            event.state = "pending"
            event._enqueue(event._get_backend())
