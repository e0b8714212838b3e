# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

from odoo.addons.connector_base.exceptions import ConfigurationError

from .mappers import epoch
from .stripe_adapter import DEFAULT_API_VERSION

# Event type -> (binding model, action). Everything else is stored as ignored.
EVENT_ROUTES = {
    "customer.created": ("stripe.customer", "import"),
    "customer.updated": ("stripe.customer", "import"),
    "customer.deleted": ("stripe.customer", "delete"),
    "product.created": ("stripe.product", "import"),
    "product.updated": ("stripe.product", "import"),
    "invoice.finalized": ("stripe.invoice", "import"),
    "invoice.paid": ("stripe.invoice", "import"),
    "invoice.updated": ("stripe.invoice", "import"),
    "invoice.voided": ("stripe.invoice", "import"),
    "invoice.marked_uncollectible": ("stripe.invoice", "import"),
    "credit_note.created": ("stripe.credit.note", "import"),
    "credit_note.updated": ("stripe.credit.note", "import"),
    "credit_note.voided": ("stripe.credit.note", "import"),
    "charge.succeeded": ("stripe.charge", "import"),
    "charge.captured": ("stripe.charge", "import"),
    "charge.failed": ("stripe.charge", "import"),
    "charge.updated": ("stripe.charge", "import"),
    "charge.refunded": ("stripe.charge", "import"),
    "refund.created": ("stripe.refund", "import"),
    "refund.updated": ("stripe.refund", "import"),
    "customer.subscription.created": ("stripe.subscription", "import"),
    "customer.subscription.updated": ("stripe.subscription", "import"),
    "customer.subscription.deleted": ("stripe.subscription", "import"),
    "charge.dispute.created": ("stripe.dispute", "import"),
    "charge.dispute.updated": ("stripe.dispute", "import"),
    "charge.dispute.closed": ("stripe.dispute", "import"),
    "charge.dispute.funds_withdrawn": ("stripe.dispute", "import"),
    "charge.dispute.funds_reinstated": ("stripe.dispute", "import"),
    "payout.paid": ("stripe.payout", "import"),
    "payout.updated": ("stripe.payout", "import"),
}
# Backfill order: dependencies first, so page jobs rarely fetch one by one.
BACKFILL_OBJECTS = (
    ("customers", "stripe.customer"),
    ("products", "stripe.product"),
    ("subscriptions", "stripe.subscription.feed"),
    ("invoices", "stripe.invoice"),
    ("credit_notes", "stripe.credit.note"),
    ("charges", "stripe.charge"),
    ("refunds", "stripe.refund"),
    ("disputes", "stripe.dispute"),
    ("payouts", "stripe.payout"),
)
EVENTS = ("events", "stripe.event.feed")


class StripeBackend(models.Model):
    _name = "stripe.backend"
    _description = "Stripe Account"
    _inherit = ["connector.backend.mixin", "mail.thread"]

    _connector_service = "stripe"
    _adapter = "stripe.adapter"
    _connector_secret_fields = ("webhook_secret", "api_key")

    api_key = fields.Char(
        "Secret key",
        groups="base.group_system",
        copy=False,
        help="Secret key (sk_...) or restricted key (rk_...) with read access to "
        "customers, products, invoices, credit notes, charges and refunds.",
    )
    api_version = fields.Char(default=DEFAULT_API_VERSION)
    journal_id = fields.Many2one(
        "account.journal",
        "Stripe journal",
        domain="[('type', '=', 'bank'), ('company_id', '=', company_id)]",
        help="Bank-type journal standing for the Stripe balance (clearing).",
    )
    fee_account_id = fields.Many2one(
        "account.account", "Stripe fees account", check_company=True
    )
    payout_journal_id = fields.Many2one(
        "account.journal",
        "Payout bank journal",
        domain="[('type', '=', 'bank'), ('company_id', '=', company_id)]",
        help="Your real bank account. Each Stripe payout becomes one statement "
        "line here, reconciled with the payout's clearing entry.",
    )
    dispute_account_id = fields.Many2one(
        "account.account", "Disputed funds account", check_company=True
    )
    dispute_loss_account_id = fields.Many2one(
        "account.account",
        "Lost disputes account",
        check_company=True,
        help="Expense account of lost disputes; the fees account when empty.",
    )
    tax_map_ids = fields.One2many("stripe.tax.map", "backend_id", "Tax mapping")
    customer_ids = fields.One2many("stripe.customer", "backend_id")
    customer_count = fields.Integer(compute="_compute_counts")
    invoice_count = fields.Integer(compute="_compute_counts")
    payment_count = fields.Integer(compute="_compute_counts")

    def _compute_counts(self):
        for backend in self:
            domain = [("backend_id", "=", backend.id)]
            backend.customer_count = self.env["stripe.customer"].search_count(domain)
            backend.invoice_count = self.env["stripe.invoice"].search_count(domain)
            backend.payment_count = self.env["stripe.charge"].search_count(domain)

    # ------------------------------------------------------------------
    # Webhook hooks
    # ------------------------------------------------------------------
    def _connector_verify_signature(self, headers, raw_body):
        """Stripe's scheme, as ``stripe.Webhook.construct_event`` checks it."""
        items = [
            part.split("=", 1)
            for part in (headers.get("Stripe-Signature") or "").split(",")
            if "=" in part
        ]
        timestamp = next((v for k, v in items if k == "t"), None)
        signatures = [v for k, v in items if k == "v1"]
        if not timestamp or not signatures:
            return False, "signature header missing"
        if not self._connector_timestamp_fresh(timestamp):
            return False, "stale timestamp"
        message = timestamp.encode() + b"." + raw_body
        secret = self.sudo().webhook_secret
        if not any(
            self._connector_hmac_matches(secret, message, sig) for sig in signatures
        ):
            return False, "signature mismatch"
        return True, "valid"

    def _connector_parse_event(self, data, headers):
        return {
            "source_event_id": data["id"],
            "event_type": data["type"],
            "object_ref": data["data"]["object"]["id"],
            "source_ts": epoch(data["created"]),
        }

    def _connector_event_route(self, event_type):
        return EVENT_ROUTES.get(event_type)

    def _connector_pull_objects(self):
        objects = dict([EVENTS])
        if self.env.context.get("stripe_backfill"):
            objects.update(BACKFILL_OBJECTS)
        return objects

    # ------------------------------------------------------------------
    # Accounting helpers
    # ------------------------------------------------------------------
    def _check_accounting(self):
        self.ensure_one()
        if not self.journal_id:
            raise ConfigurationError(
                _(
                    "Set the Stripe journal on %(name)s before importing money.",
                    name=self.name,
                )
            )

    def _clearing_account(self):
        """Account where Stripe payments land before the payout."""
        self.ensure_one()
        line = self.journal_id.inbound_payment_method_line_ids[:1]
        if line.payment_account_id:
            return line.payment_account_id
        chart = self.env["account.chart.template"].with_company(self.company_id)
        return chart.ref("account_journal_payment_debit_account_id", False)

    def _dispute_loss_account(self):
        self.ensure_one()
        return self.dispute_loss_account_id or self.fee_account_id

    def _transfer_account(self):
        """Account between the Stripe balance and the bank during a payout."""
        self.ensure_one()
        account = self.company_id.transfer_account_id
        if not account:
            raise ConfigurationError(
                _(
                    "Set the internal transfer account of %(company)s.",
                    company=self.company_id.name,
                )
            )
        return account

    @api.model
    def _currency(self, code):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", (code or "").upper())], limit=1)
        )
        if not currency:
            raise ConfigurationError(_("Currency %(code)s is unknown.", code=code))
        if not currency.active:
            currency.active = True
        return currency

    def _tax_for_rate(self):
        """Callable Stripe tax rate id -> account.tax id (None if not mapped)."""
        mapping = {m.stripe_tax_rate: m.tax_id.id for m in self.tax_map_ids}
        return mapping.get

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_backfill(self):
        """Enqueue the first page of every object, dependencies first."""
        checkpoints = self.env["connector.checkpoint"]
        for backend in self:
            backend._check_accounting()
            scoped = backend.with_context(stripe_backfill=True)
            for name, __ in BACKFILL_OBJECTS:
                checkpoint = checkpoints._get_or_create(scoped, name)
                checkpoint.write({"records_done": 0, "records_total": 0})
                checkpoints._enqueue_page(backend, name, None)
        return True

    def action_pull_events(self):
        checkpoints = self.env["connector.checkpoint"]
        for backend in self:
            checkpoints._get_or_create(backend, EVENTS[0])
            checkpoints._enqueue_page(backend, EVENTS[0], None)
        return True

    def _action_bindings(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("backend_id", "=", self.id)],
        }

    def action_open_customers(self):
        return self._action_bindings("stripe.customer", _("Stripe customers"))

    def action_open_invoices(self):
        return self._action_bindings("stripe.invoice", _("Stripe invoices"))

    def action_open_payments(self):
        return self._action_bindings("stripe.charge", _("Stripe payments"))
