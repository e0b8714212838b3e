# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from odoo.addons.connector_base.tools.masking import payload_hash

from . import mappers

STATUSES = [
    (s, s.replace("_", " ").capitalize())
    for s in (
        "incomplete",
        "incomplete_expired",
        "trialing",
        "active",
        "past_due",
        "canceled",
        "unpaid",
        "paused",
    )
]


class StripeSubscription(models.Model):
    """A Stripe subscription, read-only in Odoo (Stripe owns billing).

    Not a ``connector.binding.mixin`` binding: there is no core Odoo model to
    bind to. It offers the same binder surface (``_to_internal``,
    ``last_event_ts``, ``job_import_record``) so webhooks route to it.
    """

    _name = "stripe.subscription"
    _description = "Stripe Subscription"
    _order = "id desc"
    _rec_name = "external_id"

    backend_id = fields.Many2one(
        "stripe.backend", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="backend_id.company_id", store=True)
    external_id = fields.Char(required=True, index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", index=True, readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    status = fields.Selection(STATUSES, readonly=True)
    plan = fields.Char(readonly=True)
    quantity = fields.Integer(readonly=True)
    current_period_start = fields.Datetime(readonly=True)
    current_period_end = fields.Datetime(readonly=True)
    cancel_at_period_end = fields.Boolean(readonly=True)
    mrr = fields.Monetary("MRR", currency_field="currency_id", readonly=True)
    payload_hash = fields.Char(readonly=True)
    last_event_ts = fields.Datetime(readonly=True)
    sync_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "backend_external_uniq",
            "unique(backend_id, external_id)",
            "This Stripe subscription is already imported on this backend.",
        )
    ]

    @api.model
    def _to_internal(self, backend, external_id):
        return self.search(
            [("backend_id", "=", backend.id), ("external_id", "=", external_id)],
            limit=1,
        )

    @api.model
    def job_import_record(self, backend, external_id, event=None, data=None):
        """Import one subscription (webhooks, explicit re-sync)."""
        return self.env["stripe.subscription.importer"].run(
            backend, external_id, event=event, data=data
        )


class StripeSubscriptionImporter(models.AbstractModel):
    _name = "stripe.subscription.importer"
    _description = "Stripe Subscription Importer"

    _resource = "subscriptions"

    def _remote_updated_at(self, data):
        return mappers.updated_at(data)

    def run(self, backend, external_id, event=None, data=None):
        backend = backend.with_env(self.env)
        if data is None:
            data = backend._get_adapter().remote_read(
                backend, self._resource, external_id
            )
        record = self.env["stripe.subscription"]._to_internal(backend, external_id)
        digest = payload_hash(data)
        if record and record.payload_hash == digest:
            return "skipped: payload unchanged since the last import"
        items = (data.get("items") or {}).get("data") or []
        product = (items[0].get("price") or {}).get("product") if items else None
        vals = mappers.subscription_to_vals(
            data,
            self.env["stripe.customer"]._partner(backend, data.get("customer")).id,
            self.env["stripe.product"]._product_resolver(backend)(product),
            backend._currency(data["currency"]).id,
        )
        vals.update(payload_hash=digest, sync_date=fields.Datetime.now())
        old_status, old_standing = record.status, self._standing(record)
        if record:
            record.write(vals)
        else:
            record = record.create(
                {"backend_id": backend.id, "external_id": external_id, **vals}
            )
        if record.status != old_status and record.partner_id:
            record.partner_id.message_post(
                body=_(
                    "Stripe subscription %(sub)s (%(plan)s): %(old)s → %(new)s",
                    sub=external_id,
                    plan=record.plan,
                    old=old_status or _("new"),
                    new=record.status,
                )
            )
        if self._standing(record) != old_standing:
            # explicit trigger: support integrations republish the standing
            (record.partner_id | old_standing[0])._connector_standing_changed()
        return f"imported {external_id}: {record.status}"

    @api.model
    def _standing(self, record):
        """What ``res.partner._connector_subscription_standing`` reads."""
        return (
            record.partner_id,
            record.status,
            record.product_id,
            record.plan,
            record.current_period_end,
            record.cancel_at_period_end,
        )


class StripeSubscriptionBatchImporter(models.AbstractModel):
    _name = "stripe.subscription.batch.importer"
    _description = "Stripe Subscription Page Importer"

    def run(self, backend, records, event=None):
        importer = self.env["stripe.subscription.importer"]
        for data in records:
            importer.run(backend, data["id"], data=data)
        return {"imported": len(records)}


class StripeSubscriptionFeed(models.AbstractModel):
    """Checkpoint target of the subscription backfill (list endpoint)."""

    _name = "stripe.subscription.feed"
    _description = "Stripe Subscription Feed"

    _importer = "stripe.subscription.importer"
    _batch_importer = "stripe.subscription.batch.importer"
