# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Explicit hooks in connector_salesforce: won opportunities start deals, and
the payment status written back says *At risk* after a failed payment."""

from odoo import models

AT_RISK = "At risk"


class SalesforceOpportunityImporter(models.AbstractModel):
    _inherit = "salesforce.opportunity.importer"

    def _confirm(self, backend, bindings):
        """Where a won opportunity becomes an order, its deal starts."""
        result = super()._confirm(backend, bindings)
        if not backend._connector_is_preview():
            self.env["connector.deal"].sudo()._start(bindings)
        return result


class SalesforceStatusMixin(models.AbstractModel):
    _inherit = "salesforce.status.mixin"

    def _lc_deal_domain(self):
        return [("id", "=", 0)]

    def _sf_status_payload(self):
        """*At risk* as payment status after a failed payment, and the
        subscription status when the backend names a field for it."""
        payload = super()._sf_status_payload()
        backend = self.backend_id
        deals = self.env["connector.deal"].sudo().search(self._lc_deal_domain())
        if backend.sf_field_payment_status and any(deals.mapped("at_risk")):
            payload[backend.sf_field_payment_status] = AT_RISK
        if backend.sf_field_subscription_status and deals:
            payload[backend.sf_field_subscription_status] = (
                deals._lc_subscription_status()
            )
        return payload


class SalesforceOpportunity(models.Model):
    _inherit = "salesforce.opportunity"

    def _lc_deal_domain(self):
        return [("opportunity_id", "=", self.id)]


class SalesforceAccount(models.Model):
    _inherit = "salesforce.account"

    def _lc_deal_domain(self):
        return [("partner_id", "=", self.odoo_id.id)]
