# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from . import mappers


class StripeCustomer(models.Model):
    """Binding of a res.partner to a Stripe customer."""

    _name = "stripe.customer"
    _description = "Stripe Customer"
    _inherit = ["stripe.binding.mixin"]
    _inherits = {"res.partner": "odoo_id"}

    _importer = "stripe.customer.importer"
    _exporter = "stripe.customer.exporter"
    _batch_importer = "stripe.customer.batch.importer"

    odoo_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True
    )
    active = fields.Boolean(default=True)

    def write(self, vals):
        """Explicit export trigger: a user edit re-exports the customer."""
        result = super().write(vals)
        if mappers.CUSTOMER_EXPORT_FIELDS & set(vals) and not self.env.context.get(
            "connector_no_export"
        ):
            self._delay_export(self.filtered("external_id"))
        return result

    @api.model
    def _partner(self, backend, external_id):
        """Partner of a Stripe customer id, importing it when unknown."""
        if not external_id:
            return self.env["res.partner"]
        binding = self._to_internal(backend, external_id)
        if not binding:
            self.env[self._importer].run(backend, external_id)
            binding = self._to_internal(backend, external_id)
        return binding.odoo_id


class StripeCustomerImporter(models.AbstractModel):
    _name = "stripe.customer.importer"
    _inherit = "connector.importer"
    _description = "Stripe Customer Importer"

    _binding_model = "stripe.customer"
    _resource = "customers"

    def _map_record(self, backend, data):
        return mappers.customer_to_partner(data)

    def _remote_updated_at(self, data):
        return mappers.updated_at(data)

    def _match_existing(self, backend, data, vals):
        """Bind an existing partner with the same email or VAT, never duplicate."""
        partners = self.env["res.partner"].with_context(active_test=False)
        bound = (
            self.env["stripe.customer"]
            .search([("backend_id", "=", backend.id)])
            .odoo_id
        )
        for field in ("vat", "email"):
            if vals.get(field):
                found = partners.search(
                    [
                        (field, "=ilike", vals[field]),
                        ("id", "not in", bound.ids),
                        ("company_id", "in", [False, backend.company_id.id]),
                    ],
                    limit=1,
                    order="id",
                )
                if found:
                    return found
        return partners.browse()


class StripeCustomerBatchImporter(models.AbstractModel):
    """Page import; pages with an email/VAT match go record by record."""

    _name = "stripe.customer.batch.importer"
    _inherit = "connector.batch.importer"
    _description = "Stripe Customer Batch Importer"

    _binding_model = "stripe.customer"
    _importer = "stripe.customer.importer"

    def run(self, backend, records, event=None):
        emails = [r["email"] for r in records if r.get("email")]
        vats = [v for v in map(mappers.customer_vat, records) if v]
        existing = self.env["stripe.customer"]._existing_bindings(
            backend, [r["id"] for r in records]
        )
        candidates = (
            self.env["res.partner"].search(
                ["|", ("email", "in", emails), ("vat", "in", vats)]
            )
            - self.env["stripe.customer"]
            .browse([b.id for b in existing.values()])
            .odoo_id
        )
        if not candidates:
            return super().run(backend, records, event=event)
        importer = self.env[self._importer]
        for record in records:
            importer.run(backend, record["id"], data=record)
        return {"matched_one_by_one": len(records)}


class StripeCustomerExporter(models.AbstractModel):
    _name = "stripe.customer.exporter"
    _inherit = "connector.exporter"
    _description = "Stripe Customer Exporter"

    _binding_model = "stripe.customer"
    _resource = "customers"

    def _map_export(self, binding):
        return mappers.partner_to_customer(binding.odoo_id)

    def _send(self, backend, binding, payload, key):
        """Before creating, bind a Stripe customer with the same email."""
        if not binding.external_id and payload.get("email"):
            self._bind_same_email(backend, binding, payload["email"])
        return super()._send(backend, binding, payload, key)

    def _bind_same_email(self, backend, binding, email):
        """Bind the newest Stripe customer with this email that no other
        partner is bound to (then the export updates it); record why."""
        found = backend._get_adapter().search_by(backend, "customers", email=email)
        if not found:
            return
        bound = binding._existing_bindings(backend, [c["id"] for c in found])
        free = [c["id"] for c in found if c["id"] not in bound]
        if free:
            binding.external_id = free[0]
            decision = (
                f"Stripe customer {free[0]} has the email {email}: bound to it "
                f"instead of creating a duplicate ({len(found)} with this email)"
            )
        else:
            decision = (
                f"{email} is on {', '.join(bound)}, bound to other partners: "
                "a new Stripe customer is created"
            )
        self.env["connector.audit.line"]._record(
            backend,
            "export",
            "update" if free else "create",
            binding=binding,
            decision=decision,
        )
