# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.tools import float_compare

from ..exceptions import AmountMismatch
from . import mappers

SOURCE_BINDINGS = {"charge": "stripe.charge", "refund": "stripe.refund"}


class StripePayout(models.Model):
    """Binding of a payout's clearing entry (account.move) to a Stripe payout.

    The entry has one line per balance transaction of the payout (gross on
    the account where the payment landed, reconciled with it), its fee on
    its own line, and the payout itself on the liquidity transfer account,
    where the real bank statement line reconciles.
    """

    _name = "stripe.payout"
    _description = "Stripe Payout"
    _inherit = ["stripe.binding.mixin"]
    _inherits = {"account.move": "odoo_id"}

    _importer = "stripe.payout.importer"
    _batch_importer = "stripe.payout.batch.importer"

    odoo_id = fields.Many2one(
        "account.move", required=True, ondelete="cascade", index=True
    )
    statement_line_id = fields.Many2one("account.bank.statement.line", readonly=True)
    transaction_count = fields.Integer(readonly=True)


class StripePayoutImporter(models.AbstractModel):
    _name = "stripe.payout.importer"
    _inherit = "stripe.money.importer"
    _description = "Stripe Payout Importer"

    _binding_model = "stripe.payout"
    _resource = "payouts"

    def _skip_reason(self, backend, data):
        if data.get("status") != "paid":
            return f"payout {data.get('status')}: not yet on the bank account"
        return False

    def _transactions(self, backend, data):
        adapter = backend._get_adapter()
        return [
            txn
            for txn in adapter.payout_transactions(backend, data["id"])
            if txn.get("type") != "payout"
        ]

    def _txn_lines(self, backend, txn, currency):
        """(vals, counterpart move line) for one balance transaction."""
        amount = mappers.to_amount(txn["amount"], txn["currency"])
        fee = mappers.to_amount(txn.get("fee"), txn["currency"])
        source = txn.get("source")
        binding_model = SOURCE_BINDINGS.get(txn.get("type"))
        counterpart = self.env["account.move.line"]
        account = backend._clearing_account()
        if binding_model:
            binding = self.env[binding_model]._to_internal(backend, source)
            if not binding:
                self.env[self.env[binding_model]._importer].run(backend, source)
                binding = self.env[binding_model]._to_internal(backend, source)
            account = binding.outstanding_account_id or account
            counterpart = binding.move_id.line_ids.filtered(
                lambda line, acc=account: line.account_id == acc
            )
        elif str(source).startswith("dp_"):
            return self._dispute_lines(backend, txn, currency, account)
        lines = [self._line(account, -amount, currency, f"{txn['type']} {source}")]
        if fee:
            lines.append(
                self._line(backend.fee_account_id, fee, currency, f"Fee {source}")
            )
        return lines, counterpart

    def _dispute_lines(self, backend, txn, currency, account):
        """A dispute movement: net on the clearing account, matching the
        dispute's own entry (which already carries the fee)."""
        disputes = self.env["stripe.dispute"]
        binding = disputes._to_internal(backend, txn["source"])
        if not binding:
            self.env["stripe.dispute.importer"].run(backend, txn["source"])
            binding = disputes._to_internal(backend, txn["source"])
        net = mappers.to_amount(txn["net"], txn["currency"])
        name = f"{txn['type']} {txn['source']} {txn['id']}"
        counterpart = binding._clearing_lines().filtered(
            lambda line: not line.reconciled and line.amount_currency == net
        )[:1]
        return [self._line(account, -net, currency, name)], counterpart

    @staticmethod
    def _line(account, amount, currency, name):
        return {
            "account_id": account.id,
            "name": name,
            "currency_id": currency.id,
            "amount_currency": amount,
        }

    @staticmethod
    def _set_balances(backend, lines, currency, date):
        """In a foreign currency, convert each line once and put the rounding
        remainder on the last (transfer) line, so the entry balances in the
        company currency as it does in the payout's."""
        company = backend.company_id
        if currency == company.currency_id:
            return
        for vals in lines:
            vals["balance"] = currency._convert(
                vals["amount_currency"], company.currency_id, company, date
            )
        lines[-1]["balance"] -= company.currency_id.round(
            sum(vals["balance"] for vals in lines)
        )

    def _create_entry(self, backend, external_id, data):
        currency = backend._currency(data["currency"])
        transactions = self._transactions(backend, data)
        net = sum(txn["net"] for txn in transactions)
        if net != data["amount"]:
            raise AmountMismatch(
                _(
                    "Stripe payout %(payout)s of %(amount)s %(currency)s does not "
                    "add up: its %(count)s transactions net %(net)s. Check the "
                    "payout in the Stripe dashboard.",
                    payout=data["id"],
                    amount=mappers.to_amount(data["amount"], data["currency"]),
                    currency=currency.name,
                    count=len(transactions),
                    net=mappers.to_amount(net, data["currency"]),
                ),
                payload={"payout": data["id"]},
            )
        date = mappers.epoch_date(data.get("arrival_date") or data.get("created"))
        self._check_lock(backend, date, has_tax=False)
        lines, counterparts = [], []
        for txn in transactions:
            txn_lines, counterpart = self._txn_lines(backend, txn, currency)
            lines += txn_lines
            counterparts.append((txn_lines[0]["name"], counterpart))
        transfer = backend._transfer_account()
        amount = mappers.to_amount(data["amount"], data["currency"])
        lines.append(self._line(transfer, amount, currency, f"Payout {data['id']}"))
        self._set_balances(backend, lines, currency, date)
        binding = (
            self.env[self._binding_model]
            .with_company(backend.company_id)
            .create(
                {
                    "backend_id": backend.id,
                    "external_id": external_id,
                    "move_type": "entry",
                    "currency_id": currency.id,
                    "journal_id": backend.journal_id.id,
                    "date": date,
                    "ref": f"Stripe payout {data['id']}",
                    "line_ids": [(0, 0, vals) for vals in lines],
                    "transaction_count": len(transactions),
                }
            )
        )
        binding.odoo_id.action_post()
        self._reconcile_counterparts(binding, counterparts)
        return binding

    def _reconcile_counterparts(self, binding, counterparts):
        for name, counterpart in counterparts:
            if not counterpart or counterpart.reconciled:
                continue
            line = binding.line_ids.filtered(
                lambda entry_line, n=name: entry_line.name == n
            )
            if line.account_id.reconcile:
                (line | counterpart).reconcile()

    def _follow_state(self, backend, binding, data):
        journal = backend.payout_journal_id
        if not journal or binding.statement_line_id:
            return "paid"
        bank_currency = journal.currency_id or journal.company_id.currency_id
        if bank_currency != binding.currency_id:
            return "paid: in another currency than the bank journal, match it by hand"
        binding.statement_line_id = self._bank_line(backend, binding, data)
        return "paid: bank statement line created and reconciled"

    def _bank_line(self, backend, binding, data):
        """The payout as a bank statement line, reconciled with the entry."""
        amount = mappers.to_amount(data["amount"], data["currency"])
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": backend.payout_journal_id.id,
                "date": binding.date,
                "amount": amount,
                "payment_ref": f"STRIPE PAYOUT {data['id']}",
            }
        )
        transfer = backend._transfer_account()
        suspense = st_line.move_id.line_ids.filtered(
            lambda line: line.account_id != st_line.journal_id.default_account_id
        )
        st_line.move_id.with_context(skip_readonly_check=True).write(
            {"line_ids": [(1, suspense.id, {"account_id": transfer.id})]}
        )
        transfer_lines = (binding.line_ids | st_line.move_id.line_ids).filtered(
            lambda line: line.account_id == transfer and not line.reconciled
        )
        if float_compare(sum(transfer_lines.mapped("balance")), 0, 2) == 0:
            transfer_lines.reconcile()
        return st_line


class StripePayoutBatchImporter(models.AbstractModel):
    _name = "stripe.payout.batch.importer"
    _inherit = "stripe.money.batch.importer"
    _description = "Stripe Payout Batch Importer"

    _binding_model = "stripe.payout"
    _importer = "stripe.payout.importer"
