# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models

from odoo.addons.connector_base.tools.masking import payload_hash

from ..exceptions import LockedPeriod
from . import mappers


class StripeMoneyImporter(models.AbstractModel):
    """Importer of objects that become accounting entries.

    Same steps as ``connector.importer`` (lock, fetch, skip when unchanged,
    dependencies, pure mapping, bind, audit) but an entry is never rewritten:
    it is created and posted once, then only follows Stripe's state changes
    (paid -> reconcile, void -> cancel or reverse). Re-importing the same
    object any number of times, in any order, changes nothing.
    """

    _name = "stripe.money.importer"
    _inherit = "connector.importer"
    _description = "Stripe Money Importer (abstract)"

    def _remote_updated_at(self, data):
        return mappers.updated_at(data)

    # Hooks -------------------------------------------------------------
    def _skip_reason(self, backend, data):
        """Why this object must not (yet) become an entry, or False."""
        return False

    def _create_entry(self, backend, external_id, data):
        """Create the binding with its entry, posted; return the binding."""
        raise NotImplementedError

    def _follow_state(self, backend, binding, data):
        """Apply Stripe's current state to an existing entry; return a decision."""
        return "state unchanged"

    # Steps -------------------------------------------------------------
    def _import(self, backend, external_id, data, event):
        binding = self.env[self._binding_model]._to_internal(backend, external_id)
        digest = payload_hash(data)
        if (
            binding
            and digest == binding.payload_hash
            and not self.env.context.get("connector_force")
        ):
            self._audit(backend, binding, external_id, "skip", event, decision="same")
            return "skipped: payload unchanged since the last import"
        if not binding:
            reason = self._skip_reason(backend, data)
            if reason:
                self._audit(
                    backend, binding, external_id, "skip", event, decision=reason
                )
                return f"skipped: {reason}"
        backend._check_accounting()
        self._import_dependencies(backend, data)
        # a dependency may have imported this very object (charge -> refunds)
        binding = binding or self.env[self._binding_model]._to_internal(
            backend, external_id
        )
        if backend._connector_is_preview():
            self._audit(backend, binding, external_id, "preview", event)
            return "preview"
        action = "update" if binding else "create"
        if not binding:
            binding = self._create_entry(backend, external_id, data)
        decision = self._follow_state(backend, binding, data)
        binding.with_context(connector_no_export=True).write(
            {
                "sync_date": fields.Datetime.now(),
                "remote_updated_at": self._remote_updated_at(data),
                "payload_hash": digest,
            }
        )
        self._audit(backend, binding, external_id, action, event, decision=decision)
        self._resolve_exceptions(backend, external_id)
        return f"{action} {binding._name} #{binding.id}: {decision}"

    # Accounting helpers --------------------------------------------------
    def _check_lock(self, backend, date, has_tax=True, journal=None):
        """Refuse, as an exception record, an entry dated in a locked period."""
        violated = backend.company_id._get_violated_lock_dates(
            date, has_tax, journal or backend.journal_id
        )
        if violated:
            raise LockedPeriod(
                _(
                    "This Stripe object is dated %(date)s, inside a locked period "
                    "(locked up to %(lock)s). It was not posted: post it in an open "
                    "period or ask your accountant to unlock the period, then "
                    "retry.",
                    date=date,
                    lock=max(lock for lock, __ in violated),
                )
            )

    def _reconcile(self, moves):
        """Reconcile the open receivable lines of ``moves`` together."""
        lines = moves.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
                and line.parent_state == "posted"
            )
        )
        if lines.filtered(lambda line: line.balance > 0) and lines.filtered(
            lambda line: line.balance < 0
        ):
            lines.reconcile()
        return lines

    def _cancel_or_reverse(self, backend, move, reason):
        """Take back a posted entry: cancel it when untouched, else reverse it."""
        if move.state == "cancel" or move.reversal_move_ids:
            return "already taken back"
        if move.state == "draft":
            move.button_cancel()
            return "cancelled (draft)"
        if not move.line_ids.filtered("reconciled"):
            move.button_draft()
            move.button_cancel()
            return f"cancelled: {reason}"
        self._check_lock(backend, fields.Date.today())
        move._reverse_moves([{"ref": reason, "date": fields.Date.today()}], cancel=True)
        return f"reversed: {reason}"


class StripeMoneyBatchImporter(models.AbstractModel):
    """One page: one query prefetches the bindings; changed objects are posted
    one by one (an entry is posted and reconciled individually)."""

    _name = "stripe.money.batch.importer"
    _inherit = "connector.batch.importer"
    _description = "Stripe Money Batch Importer (abstract)"

    def run(self, backend, records, event=None):
        backend = backend.with_env(self.env)
        importer = self.env[self._importer]
        existing = self.env[self._binding_model]._existing_bindings(
            backend, [str(rec["id"]) for rec in records]
        )
        counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        for record in records:
            binding = existing.get(str(record["id"]))
            if binding and binding.payload_hash == payload_hash(record):
                counts["skipped"] += 1
                continue
            result = importer.run(backend, record["id"], data=record)
            key = str(result).split(" ", 1)[0].rstrip(":")
            key = {"create": "created", "update": "updated", "skipped": "skipped"}.get(
                key, "failed"
            )
            counts[key] += 1
        return counts
