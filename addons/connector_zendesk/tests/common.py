# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared setup: a Zendesk sandbox, a connected backend, customers with invoices."""

from datetime import timedelta

from odoo import fields

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

from sandbox.zendesk.fields import CONNECTOR_ORGANIZATION_FIELDS
from sandbox.zendesk.server import ZendeskServer

EMAIL, TOKEN, SECRET = "agent@example.com", "zd-token-123", "zd-webhook-secret"
# the fields an administrator creates for the connector (CONFIGURE.md)
ORG_FIELDS = {**CONNECTOR_ORGANIZATION_FIELDS, "odoo_id": "integer"}
USER_FIELDS = {"customer_number": "text"}


class ZendeskMixin:
    @classmethod
    def _setup_zendesk(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        company = cls.env.company
        if not company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
        cls.server = ZendeskServer(
            api_tokens={(EMAIL, TOKEN)},
            organization_fields=ORG_FIELDS,
            user_fields=USER_FIELDS,
        ).start()
        cls.addClassCleanup(cls.server.stop)
        cls.backend = cls.env["zendesk.backend"].create(
            {
                "name": "Zendesk sandbox",
                "base_url": cls.server.url,
                "agent_email": EMAIL,
                "api_token": TOKEN,
                "webhook_secret": SECRET,
                "rate_limit_per_minute": 0,
                "request_timeout": 10,
            }
        )
        cls.backend.action_test_connection()
        cls.today = fields.Date.context_today(cls.backend)

    def setUp(self):
        super().setUp()
        self.server.reset()

    # -- data ---------------------------------------------------------------------
    @classmethod
    def _make_customers(cls, count, prefix="Customer"):
        """Companies with one contact and one posted invoice each.

        Mixed standing: i % 3 == 0 overdue (due 40 days ago), 1 not yet due,
        2 paid in full.
        """
        partners = cls.env["res.partner"].create(
            [
                {
                    "name": f"{prefix} {i:04d}",
                    "is_company": True,
                    "ref": f"C{i:05d}",
                    "child_ids": [
                        (
                            0,
                            0,
                            {
                                "name": f"Contact {prefix} {i}",
                                "email": f"c{i}@{prefix.lower()}.test",
                            },
                        )
                    ],
                }
                for i in range(count)
            ]
        )
        moves = cls.env["account.move"].create(
            [cls._invoice_vals(p, i) for i, p in enumerate(partners)]
        )
        moves.action_post()
        cls._pay(moves.filtered(lambda m: m.ref and m.ref.endswith("-paid")))
        return partners

    @classmethod
    def _invoice_vals(cls, partner, index):
        kind = ("overdue", "current", "paid")[index % 3]
        due = cls.today + timedelta(days=-40 if kind == "overdue" else 30)
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "ref": f"{partner.ref}-{kind}",
            "invoice_date": cls.today - timedelta(days=50),
            "invoice_date_due": due,
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Service",
                        "quantity": 1,
                        "price_unit": 100.0 + index,
                        "tax_ids": [],
                    },
                )
            ],
        }

    @classmethod
    def _pay(cls, invoices, amount=None):
        for invoice in invoices:
            wizard = (
                cls.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "payment_date": cls.today,
                        **({"amount": amount} if amount else {}),
                    }
                )
            )
            wizard._create_payments()

    # -- expectations (plain ORM reads, independent of the grouped queries) ----------
    def _expected(self, partner):
        invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", partner.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )
        open_inv = invoices.filtered(
            lambda m: m.payment_state in ("not_paid", "partial")
        )
        overdue = open_inv.filtered(lambda m: m.invoice_date_due < self.today)
        days = (
            (self.today - min(overdue.mapped("invoice_date_due"))).days
            if overdue
            else 0
        )
        paid = self.env["account.payment"].search(
            [
                ("partner_id", "child_of", partner.id),
                ("payment_type", "=", "inbound"),
                ("state", "in", ("in_process", "paid")),
            ]
        )
        return {
            "open_balance": round(sum(open_inv.mapped("amount_residual")), 2),
            "overdue_amount": round(sum(overdue.mapped("amount_residual")), 2),
            "days_overdue": days,
            "last_payment_date": max(paid.mapped("date")).isoformat() if paid else None,
            "credit_hold": bool(overdue) and days >= self.backend.credit_hold_days,
            "odoo_id": partner.id,
        }

    def _remote_org(self, partner):
        xid = self.backend._partner_xid(partner.id)
        return self.server.domain.find("organization", "external_id", xid)

    # -- jobs ---------------------------------------------------------------------
    def _run_jobs(self, trap, max_rounds=60):
        """Run trapped jobs until none is left; retried ones run again."""
        retried = 0
        self.done_jobs = []
        for _round in range(max_rounds):
            jobs, trap.enqueued_jobs = trap.enqueued_jobs, []
            if not jobs:
                return retried
            for job in jobs:
                try:
                    with self.env.cr.savepoint():
                        job.perform()
                    self.done_jobs.append(job)
                except RetryableJobError:
                    retried += 1
                    trap.enqueued_jobs.append(job)
        raise AssertionError(f"jobs did not converge: {trap.enqueued_jobs}")

    def _export_all(self):
        with trap_jobs() as trap:
            self.backend.action_export_organizations()
            retried = self._run_jobs(trap)
        return retried
