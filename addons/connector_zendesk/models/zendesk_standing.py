# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Commercial standing of customers, computed for many partners at once."""

from odoo import api, fields, models

OPEN_STATES = ("not_paid", "partial")
INVOICE_TYPES = ("out_invoice", "out_refund")


class ZendeskStanding(models.AbstractModel):
    """Grouped queries (three ``_read_group`` for any number of partners)."""

    _name = "zendesk.standing"
    _description = "Zendesk customer standing"

    @api.model
    def _open_domain(self, backend, partners):
        return [
            ("commercial_partner_id", "in", partners.ids),
            ("company_id", "=", backend.company_id.id),
            ("move_type", "in", INVOICE_TYPES),
            ("state", "=", "posted"),
            ("payment_state", "in", OPEN_STATES),
        ]

    @api.model
    def compute(self, backend, partners):
        """``{partner id: {open_balance, overdue_amount, days_overdue,
        last_payment_date, credit_hold, subscription_*, renewal_date}}``."""
        today = backend._today()
        moves = self.env["account.move"].sudo()
        open_rows = moves._read_group(
            self._open_domain(backend, partners),
            ["commercial_partner_id"],
            ["amount_residual_signed:sum"],
        )
        overdue_rows = moves._read_group(
            self._open_domain(backend, partners) + [("invoice_date_due", "<", today)],
            ["commercial_partner_id"],
            ["amount_residual_signed:sum", "invoice_date_due:min"],
        )
        open_by = {p.id: amount for p, amount in open_rows}
        overdue_by = {p.id: (amount, due) for p, amount, due in overdue_rows}
        paid_by = self._last_payments(backend, partners)
        subscriptions = partners._connector_subscription_standing()
        result = {}
        for partner in partners:
            overdue, oldest = overdue_by.get(partner.id, (0.0, None))
            days = (today - oldest).days if oldest and overdue > 0 else 0
            result[partner.id] = {
                "open_balance": round(open_by.get(partner.id, 0.0), 2),
                "overdue_amount": round(overdue, 2) if overdue > 0 else 0.0,
                "days_overdue": days,
                "last_payment_date": paid_by.get(partner.id),
                "credit_hold": bool(
                    overdue > backend.credit_hold_amount
                    and days >= backend.credit_hold_days
                ),
                "subscription_tier": None,
                "subscription_status": None,
                "renewal_date": None,
                **subscriptions.get(partner.id, {}),
            }
        return result

    @api.model
    def _last_payments(self, backend, partners):
        rows = (
            self.env["account.payment"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "child_of", partners.ids),
                    ("company_id", "=", backend.company_id.id),
                    ("payment_type", "=", "inbound"),
                    ("partner_type", "=", "customer"),
                    ("state", "in", ("in_process", "paid")),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        last = {}
        for partner, date in rows:
            pid = partner.commercial_partner_id.id
            if date and (pid not in last or date > last[pid]):
                last[pid] = date
        return last

    @api.model
    def _partners_with_overdue(self, backend):
        rows = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", backend.company_id.id),
                    ("move_type", "in", INVOICE_TYPES),
                    ("state", "=", "posted"),
                    ("payment_state", "in", OPEN_STATES),
                    ("invoice_date_due", "<", fields.Date.context_today(self)),
                ],
                ["commercial_partner_id"],
            )
        )
        return self.env["res.partner"].union(*(row[0] for row in rows))
