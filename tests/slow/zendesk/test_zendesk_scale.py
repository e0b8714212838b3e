# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Full-size Zendesk scenarios (``./setup/test tests/slow``).

The same tests as ``connector_zendesk/tests`` at the sizes of the brief: 500
customers with mixed invoice standing, 2,000 tickets, a 429 storm over 200
customers (two bulk batches and their contacts).
"""

from odoo.tests import tagged

from odoo.addons.connector_zendesk.tests import (
    test_export,
    test_rate_limit,
    test_tickets,
)


@tagged("post_install", "-at_install")
class TestExportFullSize(test_export.TestExport):
    size = 500


@tagged("post_install", "-at_install")
class TestTicketsFullSize(test_tickets.TestTickets):
    tickets = 2000
    orgs = 200


@tagged("post_install", "-at_install")
class TestRateLimitFullSize(test_rate_limit.TestRateLimit):
    size = 200
