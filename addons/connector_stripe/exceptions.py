# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Business errors of the Stripe integration, each a connector.exception class."""

from odoo.addons.connector_base.exceptions import ConnectorError


class TaxMappingMissing(ConnectorError):
    """A Stripe tax rate has no account.tax in the backend's mapping table."""

    exception_class = "tax_mapping_missing"


class LockedPeriod(ConnectorError):
    """The entry would be dated in a locked accounting period."""

    exception_class = "locked_period"


class AmountMismatch(ConnectorError):
    """Odoo's computed total differs from Stripe's."""

    exception_class = "amount_mismatch"
