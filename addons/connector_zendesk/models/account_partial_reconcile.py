# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    """The payment-state trigger.

    Every change of an invoice's ``payment_state`` (payment, credit note,
    write-off, unreconcile) goes through the creation or deletion of a
    partial reconciliation, whatever the UI path: hooking here is explicit and
    catches them all, where overriding the stored compute would also fire on
    onchanges and drafts.
    """

    _inherit = "account.partial.reconcile"

    def _zendesk_partners(self):
        lines = self.debit_move_id | self.credit_move_id
        moves = lines.move_id.filtered(
            lambda m: m.is_sale_document(include_receipts=True)
        )
        return moves.commercial_partner_id

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["zendesk.organization"]._refresh_partners(partials._zendesk_partners())
        return partials

    def unlink(self):
        partners = self._zendesk_partners()
        result = super().unlink()
        self.env["zendesk.organization"]._refresh_partners(partners)
        return result
