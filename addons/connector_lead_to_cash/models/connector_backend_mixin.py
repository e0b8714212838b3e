# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models


class ConnectorBackendMixin(models.AbstractModel):
    _inherit = "connector.backend.mixin"

    def _connector_retry_exception(self, exception):
        """An exception that stopped a deal resumes the deal at that step (the
        step re-runs the import or export that failed)."""
        deals = self.env["connector.deal"].search(
            [("exception_id", "=", exception.id), ("blocked", "=", True)]
        )
        if not deals:
            return super()._connector_retry_exception(exception)
        deals._resume()
        return _("deal %s resumes where it stopped", ", ".join(deals.mapped("name")))
