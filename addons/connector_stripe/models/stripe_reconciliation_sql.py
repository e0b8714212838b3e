# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Odoo side of the Stripe reconciliation: one query per object type.

Each selects, per binding of the backend dated in the period: external id,
amount, currency, status, date, fee and binding id (the columns
``connector.reconciliation.run._rows_from_sql`` reads). Statuses use the words
of ``stripe_reconciliation``: an invoice is ``open``, ``paid`` or
``cancelled`` (cancelled or reversed: Stripe's void and uncollectible); a
payment or refund ``succeeded`` or ``canceled``; a dispute ``open``, ``won`` or
``lost``; a payout ``paid`` once its entry is posted.
"""

from odoo.tools import SQL

# An entry taken back by a posted reversal (a void invoice that was paid,
# a refund that failed after it was posted).
REVERSED = SQL(
    "EXISTS (SELECT 1 FROM account_move r WHERE r.reversed_entry_id = m.id "
    "AND r.state = 'posted')"
)


def _invoices():
    return SQL(
        "SELECT b.external_id, m.amount_total, c.name, "
        "CASE WHEN m.state = 'cancel' OR m.payment_state = 'reversed' OR %s "
        "THEN 'cancelled' WHEN m.payment_state IN ('paid', 'in_payment') "
        "THEN 'paid' ELSE 'open' END, m.date, 0.0, b.id "
        "FROM stripe_invoice b JOIN account_move m ON m.id = b.odoo_id "
        "JOIN res_currency c ON c.id = m.currency_id",
        REVERSED,
    )


def _payments(table):
    return SQL(
        "SELECT b.external_id, p.amount, c.name, "
        "CASE WHEN p.state = 'canceled' OR m.state = 'cancel' OR %s "
        "THEN 'canceled' ELSE 'succeeded' END, p.date, 0.0, b.id "
        "FROM %s b JOIN account_payment p ON p.id = b.odoo_id "
        "LEFT JOIN account_move m ON m.id = p.move_id "
        "JOIN res_currency c ON c.id = p.currency_id",
        REVERSED,
        SQL.identifier(table),
    )


def _disputes():
    """Amount on the disputed funds account, fee on the fees account."""
    return SQL(
        "SELECT b.external_id, "
        "coalesce(sum(l.amount_currency) FILTER "
        "(WHERE l.account_id = k.dispute_account_id), 0), c.name, "
        "CASE WHEN b.won_move_id IS NOT NULL THEN 'won' "
        "WHEN b.lost_move_id IS NOT NULL THEN 'lost' ELSE 'open' END, m.date, "
        "coalesce(sum(l.amount_currency) FILTER "
        "(WHERE l.account_id = k.fee_account_id), 0), b.id "
        "FROM stripe_dispute b JOIN stripe_backend k ON k.id = b.backend_id "
        "JOIN account_move m ON m.id = b.odoo_id "
        "JOIN res_currency c ON c.id = m.currency_id "
        "LEFT JOIN account_move_line l ON l.move_id = m.id"
    )


def _payouts(with_fees):
    """Amount on the transfer account (the payout line), fees on the fees
    account (``fees`` only: ``payouts`` compares the amounts)."""
    fee = (
        SQL(
            "coalesce(sum(l.amount_currency) FILTER "
            "(WHERE l.account_id = k.fee_account_id), 0)"
        )
        if with_fees
        else SQL("0.0")
    )
    return SQL(
        "SELECT b.external_id, "
        "coalesce(sum(l.amount_currency) FILTER "
        "(WHERE l.account_id = co.transfer_account_id), 0), c.name, "
        "CASE m.state WHEN 'posted' THEN 'paid' WHEN 'cancel' THEN 'canceled' "
        "ELSE m.state END, m.date, %s, b.id "
        "FROM stripe_payout b JOIN stripe_backend k ON k.id = b.backend_id "
        "JOIN res_company co ON co.id = k.company_id "
        "JOIN account_move m ON m.id = b.odoo_id "
        "JOIN res_currency c ON c.id = m.currency_id "
        "LEFT JOIN account_move_line l ON l.move_id = m.id",
        fee,
    )


# b.* depends on b.id (its primary key)
GROUP_BY = SQL(" GROUP BY b.id, c.name, m.state, m.date")


def odoo_query(object_type, backend_id, start, end):
    """The query of ``object_type`` for one backend and [start, end)."""
    date, group = SQL("m.date"), GROUP_BY
    if object_type == "invoices":
        select, group = _invoices(), SQL()
    elif object_type in ("payments", "refunds"):
        table = "stripe_charge" if object_type == "payments" else "stripe_refund"
        select, date, group = _payments(table), SQL("p.date"), SQL()
    elif object_type == "disputes":
        select = _disputes()
    else:
        select = _payouts(object_type == "fees")
    return SQL(
        "%s WHERE b.backend_id = %s AND b.external_id IS NOT NULL "
        "AND %s >= %s AND %s < %s%s",
        select,
        backend_id,
        date,
        start.date(),
        date,
        end.date(),
        group,
    )
