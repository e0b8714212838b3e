# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, fields, models
from odoo.tools import float_compare

from ..exceptions import AmountMismatch
from . import mappers


class StripeInvoice(models.Model):
    """Binding of an out_invoice to a finalized Stripe invoice."""

    _name = "stripe.invoice"
    _description = "Stripe Invoice"
    _inherit = ["stripe.binding.mixin"]
    _inherits = {"account.move": "odoo_id"}

    _importer = "stripe.invoice.importer"
    _batch_importer = "stripe.invoice.batch.importer"

    odoo_id = fields.Many2one(
        "account.move", required=True, ondelete="cascade", index=True
    )
    stripe_status = fields.Char(readonly=True)
    payment_intents = fields.Char(
        readonly=True, help="Stripe payment intents that paid this invoice."
    )


class StripeInvoiceImporter(models.AbstractModel):
    _name = "stripe.invoice.importer"
    _inherit = "stripe.money.importer"
    _description = "Stripe Invoice Importer"

    _binding_model = "stripe.invoice"
    _resource = "invoices"

    def _skip_reason(self, backend, data):
        if data.get("status") == "draft":
            return "draft invoice: not posted until Stripe finalizes it"
        return None

    def _check_total(self, move, data):
        """Stripe's total wins: a rounding difference of at most one cent per
        line (Stripe rounds taxes on amounts it derived itself, e.g. credit
        notes) becomes an explicit 'Stripe rounding' line; more is an error."""
        expected = mappers.to_amount(data.get("total"), data.get("currency"))
        rounding = move.currency_id.rounding
        diff = move.currency_id.round(expected - move.amount_total)
        lines = len(move.invoice_line_ids)
        if diff and abs(diff) <= rounding * max(lines, 1) + rounding / 2:
            move.write(
                {
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": _("Stripe rounding"),
                                "quantity": 1,
                                "price_unit": diff,
                                "tax_ids": [(6, 0, [])],
                            },
                        )
                    ]
                }
            )
        if float_compare(move.amount_total, expected, precision_rounding=rounding):
            raise AmountMismatch(
                _(
                    "Stripe invoice %(number)s totals %(stripe)s but the Odoo "
                    "invoice computes %(odoo)s %(currency)s: check the tax mapping "
                    "(inclusive or exclusive) of its tax rates.",
                    number=data.get("number"),
                    stripe=expected,
                    odoo=move.amount_total,
                    currency=move.currency_id.name,
                ),
                payload={"invoice": data["id"]},
            )

    def _create_entry(self, backend, external_id, data):
        partner = self.env["stripe.customer"]._partner(backend, data.get("customer"))
        vals = mappers.invoice_to_move(
            data,
            partner.id,
            backend._currency(data["currency"]).id,
            backend._tax_for_rate(),
            self.env["stripe.product"]._product_resolver(backend),
        )
        binding = (
            self.env[self._binding_model]
            .with_company(backend.company_id)
            .create({"backend_id": backend.id, "external_id": external_id, **vals})
        )
        self._check_total(binding.odoo_id, data)
        if data.get("status") != "void":
            self._check_lock(backend, vals["date"], journal=binding.journal_id)
            binding.odoo_id.action_post()
        return binding

    def _follow_state(self, backend, binding, data):
        status = data.get("status")
        intents = mappers.invoice_payment_intents(data)
        binding.write(
            {"stripe_status": status, "payment_intents": ",".join(intents) or False}
        )
        move = binding.odoo_id
        if status == "void":
            return self._cancel_or_reverse(backend, move, _("Voided in Stripe"))
        if status == "uncollectible":
            return self._reverse_uncollectible(backend, move)
        charges = self.env["stripe.charge"].search(
            [("backend_id", "=", backend.id), ("payment_intent", "in", intents)]
        )
        if charges:
            self._reconcile(move | charges.odoo_id.move_id)
            return f"{status}: reconciled with {len(charges)} payment(s)"
        return status

    def _reverse_uncollectible(self, backend, move):
        if move.reversal_move_ids or move.state != "posted":
            return "uncollectible: already written off"
        self._check_lock(backend, fields.Date.today(), journal=move.journal_id)
        move._reverse_moves(
            [{"ref": _("Uncollectible in Stripe"), "date": fields.Date.today()}],
            cancel=True,
        )
        return "uncollectible: reversed"


class StripeInvoiceBatchImporter(models.AbstractModel):
    """A page of new finalized invoices: one create, one post, one plan."""

    _name = "stripe.invoice.batch.importer"
    _inherit = "stripe.money.batch.importer"
    _description = "Stripe Invoice Batch Importer"

    _binding_model = "stripe.invoice"
    _importer = "stripe.invoice.importer"

    def _batchable(self, data):
        return data.get("status") in ("open", "paid", "void", "uncollectible")

    def _page_context(self, backend, datas):
        context = super()._page_context(backend, datas)
        products = self.env["stripe.product"]
        ids = {
            mappers._line_product(line)
            for data in datas
            for line in (data.get("lines") or {}).get("data") or []
        } - {None}
        known = products._existing_bindings(backend, list(ids))
        found = {xid: binding.odoo_id.id for xid, binding in known.items()}
        resolve = products._product_resolver(backend)  # imports unknown ones
        context["product_for"] = lambda xid: found.get(xid) or resolve(xid)
        return context

    def _page_vals(self, backend, data, context):
        intents = mappers.invoice_payment_intents(data)
        return {
            **mappers.invoice_to_move(
                data,
                context["partners"].get(data.get("customer"), False),
                context["currencies"][data.get("currency")],
                context["tax_for_rate"],
                context["product_for"],
            ),
            "stripe_status": data.get("status"),
            "payment_intents": ",".join(intents) or False,
        }

    def _isolate(self, backend, bindings, items, context):
        """Locked periods and totals Odoo computes differently go one by one."""
        importer = self.env[self._importer]
        bad = []
        for binding, (xid, data, __) in zip(bindings, items, strict=True):
            if data.get("status") != "void" and self._locked(
                backend, binding, True, context
            ):
                bad.append(xid)
                continue
            try:
                importer._check_total(binding.odoo_id, data)
            except AmountMismatch:
                bad.append(xid)
        return bad

    def _after_create(self, backend, bindings, items):
        statuses = [data.get("status") for __, data, __v in items]
        void = bindings.browse(
            [b.id for b, s in zip(bindings, statuses, strict=True) if s == "void"]
        )
        (bindings - void).odoo_id.action_post()
        void.odoo_id.button_cancel()
        lost = bindings.filtered(lambda b: b.stripe_status == "uncollectible")
        if lost:
            self._write_off(backend, lost.odoo_id)
        reconciled = self._reconcile_paid(backend, bindings)
        decisions = {
            "void": "cancelled (draft)",
            "uncollectible": "uncollectible: reversed",
        }
        return [
            reconciled.get(binding.id) or decisions.get(status) or status
            for binding, status in zip(bindings, statuses, strict=True)
        ]

    def _write_off(self, backend, moves):
        """Reverse the uncollectible invoices of a page in one batch.

        What ``_reverse_moves(cancel=True)`` does per move (a copy of each
        invoice as a credit note dated today, posted, reconciled with it),
        but the credit notes come from one ``create`` of their lines and
        one ``_post``, not from one ``copy`` per invoice.
        """
        today = fields.Date.today()
        for journal in moves.journal_id:
            self.env[self._importer]._check_lock(backend, today, journal=journal)
        refunds = self.env["account.move"].create(
            [
                {
                    "move_type": "out_refund",
                    "reversed_entry_id": move.id,
                    "partner_id": move.partner_id.id,
                    "currency_id": move.currency_id.id,
                    "journal_id": move.journal_id.id,
                    "ref": _("Uncollectible in Stripe"),
                    "date": today,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": line.name,
                                "product_id": line.product_id.id,
                                "account_id": line.account_id.id,
                                "quantity": line.quantity,
                                "price_unit": line.price_unit,
                                "discount": line.discount,
                                "tax_ids": [Command.set(line.tax_ids.ids)],
                            }
                        )
                        for line in move.invoice_line_ids
                    ],
                }
                for move in moves
            ]
        )
        refunds.with_context(move_reverse_cancel=True)._post(soft=False)
        return refunds

    def _reconcile_paid(self, backend, bindings):
        """Paid invoices whose payments are already imported: reconcile them."""
        paid = bindings.filtered(
            lambda b: b.stripe_status == "paid" and b.payment_intents
        )
        intents = {i for b in paid for i in b.payment_intents.split(",")}
        if not intents:
            return {}
        charges = self.env["stripe.charge"].search(
            [("backend_id", "=", backend.id), ("payment_intent", "in", list(intents))]
        )
        by_intent = {}
        for charge in charges:
            by_intent.setdefault(charge.payment_intent, charges.browse())
            by_intent[charge.payment_intent] |= charge
        groups, decisions = [], {}
        for binding in paid:
            found = charges.browse()
            for intent in binding.payment_intents.split(","):
                found |= by_intent.get(intent, charges.browse())
            if found:
                groups.append(binding.odoo_id | found.odoo_id.move_id)
                decisions[binding.id] = f"paid: reconciled with {len(found)} payment(s)"
        self._reconcile_many(groups)
        return decisions


class StripeCreditNote(models.Model):
    """Binding of an out_refund to a Stripe credit note."""

    _name = "stripe.credit.note"
    _description = "Stripe Credit Note"
    _inherit = ["stripe.binding.mixin"]
    _inherits = {"account.move": "odoo_id"}

    _importer = "stripe.credit.note.importer"
    _batch_importer = "stripe.credit.note.batch.importer"

    odoo_id = fields.Many2one(
        "account.move", required=True, ondelete="cascade", index=True
    )
    stripe_status = fields.Char(readonly=True)


class StripeCreditNoteImporter(models.AbstractModel):
    _name = "stripe.credit.note.importer"
    _inherit = "stripe.money.importer"
    _description = "Stripe Credit Note Importer"

    _binding_model = "stripe.credit.note"
    _resource = "credit_notes"

    def _invoice_binding(self, backend, data):
        invoices = self.env["stripe.invoice"]
        binding = invoices._to_internal(backend, data.get("invoice"))
        if not binding and data.get("invoice"):
            self.env["stripe.invoice.importer"].run(backend, data["invoice"])
            binding = invoices._to_internal(backend, data["invoice"])
        return binding

    def _create_entry(self, backend, external_id, data):
        invoice = self._invoice_binding(backend, data)
        partner = self.env["stripe.customer"]._partner(backend, data.get("customer"))
        vals = mappers.credit_note_to_move(
            data,
            partner.id,
            backend._currency(data["currency"]).id,
            backend._tax_for_rate(),
            invoice.odoo_id.id,
        )
        binding = (
            self.env[self._binding_model]
            .with_company(backend.company_id)
            .create({"backend_id": backend.id, "external_id": external_id, **vals})
        )
        self.env["stripe.invoice.importer"]._check_total(binding.odoo_id, data)
        self._check_lock(backend, vals["date"], journal=binding.journal_id)
        binding.odoo_id.action_post()
        if invoice:
            self._reconcile(binding.odoo_id | invoice.odoo_id)
        return binding

    def _follow_state(self, backend, binding, data):
        binding.stripe_status = data.get("status")
        if data.get("status") == "void":
            return self._cancel_or_reverse(
                backend, binding.odoo_id, _("Credit note voided in Stripe")
            )
        return data.get("status") or "issued"


class StripeCreditNoteBatchImporter(models.AbstractModel):
    _name = "stripe.credit.note.batch.importer"
    _inherit = "stripe.money.batch.importer"
    _description = "Stripe Credit Note Batch Importer"

    _binding_model = "stripe.credit.note"
    _importer = "stripe.credit.note.importer"
