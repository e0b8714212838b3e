# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.connector_base.exceptions import (
    ConcurrentUpdate,
    ConfigurationError,
    ConnectorError,
)
from odoo.addons.connector_base.models.connector_importer import CREATE_CONTEXT
from odoo.addons.connector_base.tools.masking import payload_hash

from ..exceptions import LockedPeriod
from . import mappers

_logger = logging.getLogger(__name__)

# Imported entries carry their history in the audit lines: no chatter message
# or tracking value per created or posted entry.
IMPORT_CONTEXT = {**CREATE_CONTEXT, "tracking_disable": True, "mail_notrack": True}


class _Isolate(Exception):  # noqa: N818 - control flow, never leaves the module
    """Some records of a batch must be imported one by one instead."""

    def __init__(self, xids):
        super().__init__(f"{len(xids)} record(s) to import one by one")
        self.xids = set(xids)


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

    def run(self, backend, external_id, event=None, data=None):
        env = self.env(context=dict(self.env.context, **IMPORT_CONTEXT))
        return super(StripeMoneyImporter, self.with_env(env)).run(
            backend, external_id, event=event, data=data
        )

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
        lines = self._open_receivable(moves)
        if self._reconcilable(lines):
            lines.reconcile()
        return lines

    @api.model
    def _open_receivable(self, moves):
        return moves.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
                and line.parent_state == "posted"
            )
        )

    @api.model
    def _reconcilable(self, lines):
        """Both a debit and a credit: something to reconcile."""
        return lines.filtered(lambda line: line.balance > 0) and lines.filtered(
            lambda line: line.balance < 0
        )

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
    """One page of money objects in a constant number of queries.

    One advisory-lock query and one binding query for the page; the
    customers, products and currencies the page refers to resolved once; the
    new objects mapped by the pure mappers, created by one ``create([...])``,
    posted by one ``action_post()`` and reconciled by one reconciliation plan,
    in a savepoint. Anything the batch cannot take (an update of an existing
    entry, a draft invoice, a failed payment, a record that does not map, a
    locked period, a total Odoo computes differently) goes through the record
    importer one by one, so a bad record becomes its own exception and the
    rest of the page is kept. When the batch itself fails, the whole page is
    replayed one by one.
    """

    _name = "stripe.money.batch.importer"
    _inherit = "connector.batch.importer"
    _description = "Stripe Money Batch Importer (abstract)"

    def run(self, backend, records, event=None):
        env = self.env(context=dict(self.env.context, **IMPORT_CONTEXT))
        self = self.with_env(env)
        backend = backend.with_env(env)
        by_xid = {str(rec["id"]): rec for rec in records}
        env["connector.lock"]._acquire_or_retry(
            backend, self._binding_model, list(by_xid)
        )
        existing = env[self._binding_model]._existing_bindings(backend, list(by_xid))
        counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        fresh, one_by_one = [], []
        for xid, data in by_xid.items():
            binding = existing.get(xid)
            if binding and binding.payload_hash == payload_hash(data):
                counts["skipped"] += 1
            elif binding or not self._batchable(data):
                one_by_one.append(xid)
            else:
                fresh.append(xid)
        if fresh and not backend._connector_is_preview():
            backend._check_accounting()
            created, rest = self._create_page(backend, [by_xid[x] for x in fresh])
            counts["created"] += created
            one_by_one += rest
        else:
            one_by_one += fresh
        importer = env[self._importer]
        for xid in one_by_one:
            result = importer.run(backend, xid, data=by_xid[xid])
            key = str(result).split(" ", 1)[0].rstrip(":")
            key = {"create": "created", "update": "updated", "skipped": "skipped"}.get(
                key, "failed"
            )
            counts[key] += 1
        return counts

    # Hooks -------------------------------------------------------------
    def _batchable(self, data):
        """Whether a new object of this payload can be created in the batch."""
        return False

    def _page_vals(self, backend, data, context):
        """vals of the bindings to create, one per item; pure mapping."""
        raise NotImplementedError

    def _after_create(self, backend, bindings, items):
        """Post, cancel, reconcile ``bindings``; return one decision each."""
        raise NotImplementedError

    def _isolate(self, backend, bindings, items, context):
        """External ids of created bindings that must go one by one instead."""
        return []

    # Steps -------------------------------------------------------------
    def _create_page(self, backend, datas):
        """Create the new objects of a page; return (count, xids left over).

        A record the batch finds bad after creating it (locked period, total)
        rolls the savepoint back; the batch is made again without it, once.
        """
        context = self._page_context(backend, datas)
        items, rest = self._map_page(backend, datas, context)
        for __ in range(2):
            if not items:
                break
            try:
                with self.env.cr.savepoint():
                    self._create_batch_entries(backend, items, context)
                return len(items), rest
            except _Isolate as isolated:
                rest += isolated.xids
                items = [item for item in items if item[0] not in isolated.xids]
            except psycopg2.errors.UniqueViolation as err:
                raise ConcurrentUpdate(
                    "Some objects of this page were created concurrently", seconds=5
                ) from err
            except (ConnectorError, UserError) as err:
                if isinstance(err, ConfigurationError):
                    raise
                _logger.info(
                    "Batch of %s %s failed (%s): importing them one by one",
                    len(items),
                    self._binding_model,
                    err.__class__.__name__,
                )
                break
        return 0, rest + [item[0] for item in items]

    def _map_page(self, backend, datas, context):
        """[(xid, data, vals)] the batch takes, and the xids it leaves."""
        items, rest = [], []
        for data in datas:
            xid = str(data["id"])
            try:
                vals = self._page_vals(backend, data, context)
            except ConnectorError:
                rest.append(xid)  # replayed one by one: it becomes an exception
                continue
            vals.update(
                {
                    "backend_id": backend.id,
                    "external_id": xid,
                    "sync_date": fields.Datetime.now(),
                    "remote_updated_at": mappers.updated_at(data),
                    "payload_hash": payload_hash(data),
                }
            )
            items.append((xid, data, vals))
        return items, rest

    def _page_context(self, backend, datas):
        """What the page refers to, resolved once: partners, currencies, taxes."""
        customers = self.env["stripe.customer"]
        ids = list({d["customer"] for d in datas if d.get("customer")})
        known = customers._existing_bindings(backend, ids)
        partners = {xid: binding.odoo_id.id for xid, binding in known.items()}
        for xid in set(ids) - set(partners):
            partners[xid] = customers._partner(backend, xid).id
        codes = {d.get("currency") for d in datas}
        return {
            "partners": partners,
            "currencies": {code: backend._currency(code).id for code in codes},
            "tax_for_rate": backend._tax_for_rate(),
            "locks": {},
        }

    def _locked(self, backend, binding, has_tax, context):
        """Whether the entry's date is in a locked period (cached per page)."""
        key = (binding.date, binding.journal_id.id, has_tax)
        if key not in context["locks"]:
            context["locks"][key] = bool(
                backend.company_id._get_violated_lock_dates(
                    binding.date, has_tax, binding.journal_id
                )
            )
        return context["locks"][key]

    def _create_batch_entries(self, backend, items, context):
        bindings = (
            self.env[self._binding_model]
            .with_company(backend.company_id)
            .create([vals for __, __, vals in items])
        )
        isolated = self._isolate(backend, bindings, items, context)
        if isolated:
            raise _Isolate(isolated)
        decisions = self._after_create(backend, bindings, items)
        audit = self.env["connector.audit.line"]
        audit.sudo().create(
            [
                audit._line_vals(
                    backend,
                    "import",
                    "create",
                    binding=binding,
                    external_id=item[0],
                    decision=decision,
                )
                for binding, item, decision in zip(
                    bindings, items, decisions, strict=True
                )
            ]
        )
        self.env["connector.exception"]._auto_resolve(
            backend, self._binding_model, [item[0] for item in items]
        )
        return bindings

    def _reconcile_many(self, groups):
        """Reconcile each group of moves on its own, in one reconciliation plan."""
        importer = self.env[self._importer]
        plan = []
        for moves in groups:
            lines = importer._open_receivable(moves)
            if importer._reconcilable(lines):
                plan.append(lines)
        if plan:
            self.env["account.move.line"]._reconcile_plan(plan)
        return len(plan)
