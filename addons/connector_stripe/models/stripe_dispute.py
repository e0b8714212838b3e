# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models

from . import mappers


class StripeDispute(models.Model):
    """Binding of a dispute's withdrawal entry (account.move) to a Stripe dispute.

    Created: the disputed amount leaves the Stripe balance for the disputed
    funds account, the dispute fee for the fees account. Won: the amount comes
    back (reversal entry). Lost: the disputed funds are written off.
    """

    _name = "stripe.dispute"
    _description = "Stripe Dispute"
    _inherit = ["stripe.binding.mixin"]
    _inherits = {"account.move": "odoo_id"}

    _importer = "stripe.dispute.importer"
    _batch_importer = "stripe.dispute.batch.importer"

    odoo_id = fields.Many2one(
        "account.move", required=True, ondelete="cascade", index=True
    )
    stripe_status = fields.Char(readonly=True)
    won_move_id = fields.Many2one("account.move", readonly=True)
    lost_move_id = fields.Many2one("account.move", readonly=True)

    def _clearing_lines(self):
        moves = self.odoo_id | self.won_move_id
        account = self.backend_id._clearing_account()
        return moves.line_ids.filtered(lambda line: line.account_id == account)


class StripeDisputeImporter(models.AbstractModel):
    _name = "stripe.dispute.importer"
    _inherit = "stripe.money.importer"
    _description = "Stripe Dispute Importer"

    _binding_model = "stripe.dispute"
    _resource = "disputes"

    def _entry(self, backend, data, ref, lines, date=None):
        date = date or mappers.epoch_date(data.get("created"))
        self._check_lock(backend, date, has_tax=False)
        currency = backend._currency(data["currency"])
        move = (
            self.env["account.move"]
            .with_company(backend.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": backend.journal_id.id,
                    "currency_id": currency.id,
                    "date": date,
                    "ref": ref,
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "account_id": account.id,
                                "name": ref,
                                "currency_id": currency.id,
                                "amount_currency": amount,
                            },
                        )
                        for account, amount in lines
                        if amount
                    ],
                }
            )
        )
        move.action_post()
        return move

    def _create_entry(self, backend, external_id, data):
        amount = mappers.to_amount(data["amount"], data["currency"])
        fee = mappers.to_amount(mappers.dispute_fee(data), data["currency"])
        ref = _(
            "Stripe dispute %(id)s on %(charge)s", id=data["id"], charge=data["charge"]
        )
        lines = [
            (backend.dispute_account_id, amount),
            (backend.fee_account_id, fee),
            (backend._clearing_account(), -(amount + fee)),
        ]
        move = self._entry(backend, data, ref, lines)
        binding = self.env[self._binding_model].create(
            {"backend_id": backend.id, "external_id": external_id, "odoo_id": move.id}
        )
        due = mappers.epoch_date((data.get("evidence_details") or {}).get("due_by"))
        move.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=due or fields.Date.today(),
            summary=_("Answer Stripe dispute %s", data["id"]),
            note=_(
                "Submit the evidence in Stripe before the deadline (reason: %s).",
                data.get("reason"),
            ),
            user_id=backend.create_uid.id or self.env.uid,
        )
        return binding

    def _follow_state(self, backend, binding, data):
        status = data.get("status")
        binding.stripe_status = status
        amount = mappers.to_amount(data["amount"], data["currency"])
        account = backend.dispute_account_id
        if status == "won" and not binding.won_move_id:
            ref = _("Stripe dispute %s won: funds reinstated", data["id"])
            binding.won_move_id = self._entry(
                backend,
                data,
                ref,
                [(backend._clearing_account(), amount), (account, -amount)],
                date=fields.Date.today(),
            )
        elif status == "lost" and not binding.lost_move_id:
            ref = _("Stripe dispute %s lost: written off", data["id"])
            binding.lost_move_id = self._entry(
                backend,
                data,
                ref,
                [(backend._dispute_loss_account(), amount), (account, -amount)],
                date=fields.Date.today(),
            )
        if status in ("won", "lost"):
            binding.odoo_id.activity_ids.action_feedback(
                feedback=_("Dispute %s", status)
            )
        return status


class StripeDisputeBatchImporter(models.AbstractModel):
    _name = "stripe.dispute.batch.importer"
    _inherit = "stripe.money.batch.importer"
    _description = "Stripe Dispute Batch Importer"

    _binding_model = "stripe.dispute"
    _importer = "stripe.dispute.importer"
