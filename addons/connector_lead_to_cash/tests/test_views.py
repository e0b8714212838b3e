# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestViews(TransactionCase):
    def test_views_load(self):
        views = self.env["connector.deal"].get_views(
            [(False, "kanban"), (False, "list"), (False, "form"), (False, "search")]
        )
        self.assertIn('default_group_by="state"', views["views"]["kanban"]["arch"])
        self.assertIn("statusbar", views["views"]["form"]["arch"])
        partner_form = self.env["res.partner"].get_views([(False, "form")])
        self.assertIn(
            "action_open_connector_xref", partner_form["views"]["form"]["arch"]
        )

    def test_xref_lists_odoo_row_for_bound_partners_only(self):
        partner = self.env["res.partner"].create(
            {"name": "Unbound", "is_company": True}
        )
        self.assertFalse(
            self.env["connector.xref"].search([("partner_id", "=", partner.id)])
        )
