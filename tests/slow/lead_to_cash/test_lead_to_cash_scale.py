# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Full-size lead-to-cash scenario (run with ``./setup/test tests/slow``).

The default run's scenario at 200 won deals (the five injected failures, the
four resumed after retry, the one left in the workbench, no duplicate in Odoo
or in any sandbox). The time of the run is printed.
"""

from odoo.tests import tagged

from odoo.addons.connector_lead_to_cash.tests import test_lead_to_cash


@tagged("post_install", "-at_install")
class TestLeadToCashScale(test_lead_to_cash.TestLeadToCash):
    won = 200
