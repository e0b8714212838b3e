# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo of ``./setup/run``: backends pointed at a running sandbox."""

import importlib.util
import json
from pathlib import Path

from odoo.tests import TransactionCase, tagged

from sandbox.__main__ import _serve_options, _write_info
from sandbox.salesforce.server import SalesforceServer
from sandbox.stripe.server import StripeServer
from sandbox.zendesk.server import ZendeskServer


def _load_demo_backends():
    """setup/demo_backends.py by path: ``setup`` is not a package (and the name
    would find Odoo's own setup.py on sys.path)."""
    path = Path(__file__).resolve().parents[4] / "setup" / "demo_backends.py"
    spec = importlib.util.spec_from_file_location("connector_demo_backends", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo_backends = _load_demo_backends()


@tagged("post_install", "-at_install")
class TestDemoBackends(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.servers = [
            StripeServer().start(),
            SalesforceServer().start(),
            ZendeskServer(**_serve_options("zendesk")).start(),
        ]
        for server in cls.servers:
            cls.addClassCleanup(server.stop)

    def _info(self, tmp_name="sandbox.json"):
        path = f"{self.env['ir.attachment']._filestore()}/{tmp_name}"
        _write_info(path, self.servers)
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    def test_three_backends_connected_once_and_usable(self):
        info = self._info()
        self.assertEqual(set(info), {"stripe", "salesforce", "zendesk"})

        first = demo_backends.configure(self.env, info)
        again = demo_backends.configure(self.env, info)

        for service, model in (
            ("stripe", "stripe.backend"),
            ("salesforce", "salesforce.backend"),
            ("zendesk", "zendesk.backend"),
        ):
            backends = self.env[model].search([("name", "=", demo_backends.DEMO)])
            self.assertEqual(backends, first[service])
            self.assertEqual(backends, again[service])
            self.assertEqual(backends.state, "connected")
        stripe = first["stripe"]
        self.assertEqual(stripe.base_url, self.servers[0].url)
        self.assertTrue(stripe.journal_id and stripe.fee_account_id)
        self.assertEqual(first["zendesk"].base_url, self.servers[2].url)
        # the sandbox accepts what the demo configured: real calls succeed
        for backend in first.values():
            backend.action_test_connection()
            self.assertEqual(backend.state, "connected", backend._name)

    def test_served_zendesk_declares_the_connector_fields(self):
        options = _serve_options("zendesk")["organization_fields"]
        for key in ("open_balance", "credit_hold", "subscription_tier", "renewal_date"):
            self.assertIn(key, options)
        self.assertEqual(_serve_options("stripe"), {})
