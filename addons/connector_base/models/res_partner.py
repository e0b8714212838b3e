# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResPartner(models.Model):
    """Hooks between integrations that do not depend on each other.

    A billing integration (connector_stripe) knows the subscriptions; a
    support integration (connector_zendesk) publishes the customer's
    standing. Both depend on connector_base only, and meet here.
    """

    _inherit = "res.partner"

    def _connector_subscription_standing(self):
        """``{partner id: {subscription_tier, subscription_status,
        renewal_date}}`` for these partners; empty without a billing
        integration (connector_stripe overrides it)."""
        return {}

    def _connector_standing_changed(self):
        """Called by a billing integration when these customers' subscription
        standing changed (status, plan, renewal). Integrations that publish
        the standing (connector_zendesk) queue their refresh; nothing here."""
        return None
