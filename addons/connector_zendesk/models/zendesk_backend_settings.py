# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


def _org_key(default, label):
    return fields.Char(
        f"{label} field key",
        default=default,
        help=f"Key of the Zendesk organization field receiving the {label.lower()}. "
        "Leave empty to not send it.",
    )


class ZendeskBackendSettings(models.AbstractModel):
    """Configuration fields of a Zendesk backend (account, auth, field mapping)."""

    _name = "zendesk.backend.settings"
    _description = "Zendesk Backend Settings"

    subdomain = fields.Char(
        help="Your Zendesk subdomain: 'acme' for https://acme.zendesk.com. "
        "Ignored when a base URL override is set."
    )
    agent_email = fields.Char(
        help="Email of the agent owning the API token (token authentication)."
    )
    api_token = fields.Char("API token", groups="base.group_system", copy=False)
    oauth_token = fields.Char(
        "OAuth token",
        groups="base.group_system",
        copy=False,
        help="When set, used instead of the email + API token.",
    )
    external_id_prefix = fields.Char(
        default="odoo-",
        required=True,
        help="Organizations and users are created in Zendesk with the external id "
        "<prefix><partner id>: a retried export finds them instead of creating "
        "duplicates.",
    )
    rate_limit_reserve = fields.Integer(
        default=5,
        help="When Zendesk reports this many requests or fewer left in the "
        "current minute, jobs wait for the next minute instead of hitting 429.",
    )
    credit_hold_days = fields.Integer(
        default=30,
        help="Credit hold when the oldest overdue invoice is at least this many "
        "days late...",
    )
    credit_hold_amount = fields.Float(
        default=0.0,
        help="...and the overdue amount is above this amount (company currency).",
    )
    org_field_open_balance = _org_key("open_balance", "Open balance")
    org_field_overdue_amount = _org_key("overdue_amount", "Overdue amount")
    org_field_days_overdue = _org_key("days_overdue", "Days overdue")
    org_field_last_payment_date = _org_key("last_payment_date", "Last payment date")
    org_field_credit_hold = _org_key("credit_hold", "Credit hold")
    org_field_subscription_tier = _org_key("subscription_tier", "Subscription tier")
    org_field_subscription_status = _org_key(
        "subscription_status", "Subscription status"
    )
    org_field_renewal_date = _org_key("renewal_date", "Renewal date")
    org_field_odoo_id = _org_key("odoo_id", "Odoo id")
    user_field_customer_number = fields.Char(
        "Customer number field key",
        default="customer_number",
        help="Key of the Zendesk user field receiving the partner reference.",
    )
