from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSmoke(TransactionCase):
    def test_views(self):
        self.assertFalse(self.env["connector.xref"].search([], limit=1) and False)
