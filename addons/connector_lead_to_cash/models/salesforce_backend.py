# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SalesforceBackend(models.Model):
    _inherit = "salesforce.backend"

    sf_field_subscription_status = fields.Char(
        "Subscription status field",
        help="API name of a custom text field on Account and Opportunity that "
        "receives the Stripe subscription status (active, paused, canceled, "
        "at_risk...) of the deal. Empty: not sent.",
    )
