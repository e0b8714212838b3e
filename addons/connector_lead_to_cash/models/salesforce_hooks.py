# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Explicit hooks in connector_salesforce: won opportunities start deals, and
the payment status written back says *At risk* after a failed payment."""

from odoo import models

AT_RISK = "At risk"


class SalesforceOpportunityImporter(models.AbstractModel):
    _inherit = "salesforce.opportunity.importer"

    def _confirm(self, backend, bindings):
        """Where a won opportunity becomes an order, its deal starts."""
        super()._confirm(backend, bindings)
        if not backend._connector_is_preview():
            self.env["connector.deal"].sudo()._start(bindings)


class SalesforceStatusMixin(models.AbstractModel):
    _inherit = "salesforce.status.mixin"

    def _lc_deal_domain(self):
        return [("id", "=", 0)]

    def _sf_status_payload(self):
        payload = super()._sf_status_payload()
        field = self.backend_id.sf_field_payment_status
        at_risk = self.env["connector.deal"].sudo().search_count(
            self._lc_deal_domain() + [("at_risk", "=", True)], limit=1
        )
        if field and at_risk:
            payload[field] = AT_RISK
        return payload


class SalesforceOpportunity(models.Model):
    _inherit = "salesforce.opportunity"

    def _lc_deal_domain(self):
        return [("opportunity_id", "=", self.id)]


class SalesforceAccount(models.Model):
    _inherit = "salesforce.account"

    def _lc_deal_domain(self):
        return [("partner_id", "=", self.odoo_id.id)]
