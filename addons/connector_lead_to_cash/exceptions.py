# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Business errors of the lead-to-cash flow, each a connector.exception class."""

from odoo.addons.connector_base.exceptions import ConnectorError


class PaymentFailed(ConnectorError):
    """The customer's payment of the first invoice was declined."""

    exception_class = "payment_failed"


class IdentityConflict(ConnectorError):
    """Another customer carries the same VAT or email: which one is billed?"""

    exception_class = "duplicate_suspected"


class CurrencyNotMapped(ConnectorError):
    """The order's currency cannot be billed on the customer's Stripe account."""

    exception_class = "currency_not_mapped"


class StepFailed(ConnectorError):
    """A connector step (export, import, write-back) left an exception behind;
    ``exception`` is that record, which the deal links instead of a copy."""

    exception_class = "other"

    def __init__(self, message, exception=None, payload=None):
        super().__init__(message, payload=payload)
        self.exception = exception
