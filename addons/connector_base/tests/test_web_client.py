# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestWebClient(HttpCase):
    def test_connectors_menu_loads_in_chromium(self):
        """The web client boots in headless Chromium with the suite installed and the
        Connectors app opens (catches broken assets, views and menus)."""
        code = """
            const brand = document.querySelector('.o_menu_brand');
            if (brand && brand.textContent.trim() === 'Connectors') {
                console.log('test successful');
            } else {
                console.error('Connectors app did not open: ' + brand?.textContent);
            }
        """
        self.browser_js(
            "/odoo/action-connector_base.queue_job_connector_action",
            code,
            ready="!!document.querySelector('.o_menu_brand')",
            login="admin",
        )
