# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One won deal and its way to cash: seven visible, gated checkpoints."""

import psycopg2

from odoo import _, api, fields, models

from odoo.addons.connector_base.exceptions import ConcurrentUpdate, ConnectorError
from odoo.addons.queue_job.delay import chain

from ..exceptions import StepFailed

# The checkpoints, in order. ``state`` is the last one reached; the next one
# runs only when it is reached (gating), and a failure blocks the deal there.
STATES = [
    ("won", "Opportunity won"),
    ("customer", "Customer validated"),
    ("order", "Order confirmed"),
    ("billing", "Billing activated"),
    ("invoiced", "First invoice posted"),
    ("paid", "Paid"),
    ("done", "Status synced"),
]
NEXT = {STATES[i][0]: STATES[i + 1][0] for i in range(len(STATES) - 1)}
# Which backend an exception of a step belongs to (the service at fault).
STEP_SERVICE = {
    "customer": "stripe",
    "order": "salesforce",
    "billing": "stripe",
    "invoiced": "stripe",
    "paid": "stripe",
    "done": "salesforce",
}
# What a step returns besides True (reached): wait for an outside event, or
# run the same step again in a new job (each remote creation commits first).
WAIT, AGAIN = "wait", "again"


class ConnectorDeal(models.Model):
    _name = "connector.deal"
    _description = "Lead-to-cash deal"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    state = fields.Selection(
        STATES, default="won", required=True, readonly=True, tracking=True, index=True
    )
    blocked_step = fields.Selection(
        STATES[1:], readonly=True, tracking=True, help="The step that failed."
    )
    blocked = fields.Boolean(compute="_compute_blocked", store=True, index=True)
    exception_id = fields.Many2one(
        "connector.exception", "Open exception", readonly=True, tracking=True
    )
    exception_class = fields.Selection(related="exception_id.exception_class")
    at_risk = fields.Boolean(
        readonly=True,
        tracking=True,
        help="A payment failed: Salesforce and Zendesk show the customer at risk.",
    )
    # --- the records the flow connects ------------------------------------
    salesforce_backend_id = fields.Many2one(
        "salesforce.backend", required=True, readonly=True, ondelete="cascade"
    )
    opportunity_id = fields.Many2one(
        "salesforce.opportunity", required=True, readonly=True, ondelete="cascade"
    )
    sale_order_id = fields.Many2one(
        related="opportunity_id.odoo_id", store=True, string="Order"
    )
    partner_id = fields.Many2one(
        "res.partner", compute="_compute_partner", store=True, index=True
    )
    amount_total = fields.Monetary(related="sale_order_id.amount_total")
    currency_id = fields.Many2one(related="sale_order_id.currency_id")
    stripe_backend_id = fields.Many2one(
        "stripe.backend", required=True, readonly=True, ondelete="restrict"
    )
    zendesk_backend_id = fields.Many2one(
        "zendesk.backend", readonly=True, ondelete="set null"
    )
    stripe_customer_id = fields.Many2one("stripe.customer", readonly=True)
    subscription_ref = fields.Char(
        "Stripe subscription", readonly=True, copy=False, index="btree_not_null"
    )
    subscription_id = fields.Many2one("stripe.subscription", readonly=True)
    subscription_status = fields.Selection(related="subscription_id.status")
    mrr = fields.Monetary(related="subscription_id.mrr", currency_field="currency_id")
    invoice_ref = fields.Char(
        "Stripe invoice", readonly=True, copy=False, index="btree_not_null"
    )
    invoice_id = fields.Many2one("account.move", "First invoice", readonly=True)
    payment_state = fields.Selection(related="invoice_id.payment_state")

    _sql_constraints = [
        (
            "opportunity_uniq",
            "unique(opportunity_id)",
            "This opportunity already has a lead-to-cash deal.",
        )
    ]

    @api.depends("blocked_step")
    def _compute_blocked(self):
        for deal in self:
            deal.blocked = bool(deal.blocked_step)

    @api.depends("sale_order_id.partner_id")
    def _compute_partner(self):
        for deal in self:
            deal.partner_id = deal.sale_order_id.partner_id.commercial_partner_id

    # ------------------------------------------------------------------
    # Start: the Salesforce importer hands over the won opportunities
    # ------------------------------------------------------------------
    @api.model
    def _start(self, opportunities):
        """One deal per won opportunity (unique), then its first step."""
        known = self.search([("opportunity_id", "in", opportunities.ids)])
        vals = []
        for opp in opportunities - known.opportunity_id:
            stripe = self._billing_backend(opp.backend_id.company_id)
            if not stripe:
                continue
            zendesk = self.env["zendesk.backend"].search(
                [
                    ("company_id", "=", opp.backend_id.company_id.id),
                    ("state", "=", "connected"),
                ],
                limit=1,
            )
            vals.append(
                {
                    "name": f"{opp.client_order_ref or opp.external_id} "
                    f"({opp.odoo_id.name})",
                    "company_id": opp.backend_id.company_id.id,
                    "salesforce_backend_id": opp.backend_id.id,
                    "opportunity_id": opp.id,
                    "stripe_backend_id": stripe.id,
                    "zendesk_backend_id": zendesk.id,
                }
            )
        deals = self.create(vals)
        deals._delay_advance()
        return deals

    @api.model
    def _billing_backend(self, company):
        return self.env["stripe.backend"].search(
            [("company_id", "=", company.id), ("state", "=", "connected")], limit=1
        )

    # ------------------------------------------------------------------
    # The engine: one step per job, gated on the state reached
    # ------------------------------------------------------------------
    def _delay_advance(self):
        for deal in self:
            deal.with_delay(
                identity_key=f"connector.deal,{deal.id},advance",
                description=f"Lead to cash: advance {deal.name}",
            ).job_advance()

    def job_advance(self):
        """Run the step after the one reached; queue the next when it succeeds.

        The steps post entries and write bindings with the sync's own rights:
        whoever clicked *Retry* only needs write access to the deal.
        """
        self.ensure_one()
        deal = self.sudo().with_context(connector_deal_step=True)
        step = NEXT.get(deal.state)
        if not step:
            return "done"
        if deal.blocked:
            return f"blocked at {deal.blocked_step}: retry its exception first"
        try:
            result = getattr(deal, f"_step_{step}")()
        except ConnectorError as err:
            deal._block(step, err)
            return f"blocked at {step}: {err}"
        if result == WAIT:
            return f"waiting at {step}"
        if result != AGAIN:
            deal._reach(step)
        deal._delay_advance()
        return f"{step}: {'again' if result == AGAIN else 'reached'}"

    def _reach(self, step):
        exception = self.exception_id
        self.write({"state": step, "blocked_step": False, "exception_id": False})
        shared = self.search_count([("exception_id", "=", exception.id)], limit=1)
        if exception.state == "new" and not shared:
            exception.action_resolve()
            exception.message_post(body=_("Resolved: deal %s went on.", self.name))

    def _block(self, step, error):
        exception = getattr(error, "exception", None)
        if not exception:
            exception = self.env["connector.exception"]._record_error(
                self._step_backend(step),
                error,
                binding_model=self._name,
                external_id=str(self.id),
                record=self,
            )
            exception._lc_fill_fix()
        self.write({"blocked_step": step, "exception_id": exception.id})
        self.message_post(
            body=_(
                "Stopped at %(step)s: %(reason)s",
                step=dict(STATES)[step],
                reason=exception.name,
            )
        )

    def _step_backend(self, step):
        if STEP_SERVICE[step] == "stripe":
            return self.stripe_backend_id
        return self.salesforce_backend_id

    @api.model
    def _create_once(self, model, vals):
        """Create a binding-like record two deals of one customer may both
        want: the loser of the race retries (and then finds it)."""
        try:
            with self.env.cr.savepoint():
                return (
                    self.env[model].with_context(connector_no_export=True).create(vals)
                )
        except psycopg2.errors.UniqueViolation as err:
            raise ConcurrentUpdate(f"{model} created concurrently", seconds=5) from err

    def _step_failed(self, message, backend, binding_model, external_id=False):
        """The open exception a connector service recorded for its object."""
        exception = self.env["connector.exception"].search(
            [
                ("backend_model", "=", backend._name),
                ("backend_id", "=", backend.id),
                ("binding_model", "=", binding_model),
                ("external_id", "=", external_id or False),
                ("state", "=", "new"),
            ],
            order="id desc",
            limit=1,
        )
        return StepFailed(message, exception=exception)

    # ------------------------------------------------------------------
    # Workbench: a retried exception resumes its deals where they stopped
    # ------------------------------------------------------------------
    def _resume(self):
        blocked = self.filtered("blocked_step")
        blocked.write({"blocked_step": False})
        self._delay_advance()
        return blocked

    def action_resume(self):
        """Button *Retry*: run the stopped step again."""
        self.check_access("write")
        self._resume()
        return True

    @api.model
    def _wake(self, backend, domain):
        """An import brought news (invoice, payment): the deals waiting for it
        look again, unless an open exception still stops them (a failed
        payment does not: the customer paying is its fix). Not from inside a
        deal's own step, which reads the result itself."""
        if self.env.context.get("connector_deal_step"):
            return self
        deals = (
            self.sudo()
            .search(
                [("stripe_backend_id", "=", backend.id), ("state", "!=", "done")]
                + domain
            )
            .filtered(
                lambda d: (
                    not d.blocked
                    or d.exception_id.state != "new"
                    or d.blocked_step == "paid"
                )
            )
        )
        deals._resume()
        return deals

    @api.model
    def _cron_advance(self):
        """Deals waiting for an outside event (payment, invoice) look again;
        covers webhooks that never arrived."""
        self.search([("state", "!=", "done"), ("blocked", "=", False)])._delay_advance()

    # ------------------------------------------------------------------
    # Amendments: Odoo is updated (the importer), then Salesforce, then Zendesk
    # ------------------------------------------------------------------
    def _on_amendment(self, kind):
        for deal in self:
            deal.message_post(
                body=_(
                    "Stripe amendment (%(kind)s) of %(sub)s: now %(status)s, "
                    "%(plan)s x %(qty)s, MRR %(mrr)s.",
                    kind=kind,
                    sub=deal.subscription_ref,
                    status=deal.subscription_id.status,
                    plan=deal.subscription_id.plan,
                    qty=deal.subscription_id.quantity,
                    mrr=deal.mrr,
                )
            )
            chain(
                deal.delayable(
                    description=f"Lead to cash: {kind} of {deal.name} to Salesforce"
                ).job_sync_salesforce(),
                deal.delayable(
                    description=f"Lead to cash: {kind} of {deal.name} to Zendesk"
                ).job_sync_zendesk(),
            ).delay()

    def _lc_subscription_status(self):
        """One word for these deals' subscriptions: the most alive wins."""
        words = []
        for deal in self:
            sub = deal.subscription_id
            if deal.at_risk:
                words.append("at_risk")
            elif sub.paused and sub.status != "canceled":
                words.append("paused")
            elif sub:
                words.append(sub.status)
        for word in ("at_risk", "active", "past_due", "paused", "trialing"):
            if word in words:
                return word
        return words[0] if words else None

    def job_sync_salesforce(self):
        """Amendment, first leg: the status of the opportunity and account."""
        self.ensure_one()
        failure = self.sudo()._push_salesforce()
        return f"salesforce: {failure or 'sent'}"

    def job_sync_zendesk(self):
        """Amendment, second leg: the organization's subscription standing."""
        self.ensure_one()
        failure = self.sudo()._push_zendesk()
        return f"zendesk: {failure or 'sent'}"

    # ------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------
    def action_open_exception(self):
        self.ensure_one()
        return self._open(self.exception_id)

    def action_open_order(self):
        self.ensure_one()
        return self._open(self.sale_order_id)

    def action_open_invoice(self):
        self.ensure_one()
        return self._open(self.invoice_id)

    def _open(self, record):
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }
