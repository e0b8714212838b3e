# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Login methods, error translation and the daily API budget, against the
sandbox org through simple-salesforce."""

import time
from pathlib import Path

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.connector_base.exceptions import (
    ConnectorRetryableError,
    IDMissingInBackend,
    RateLimited,
)

from .common import SalesforceMixin


@tagged("post_install", "-at_install")
class TestAdapter(SalesforceMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_server(
            accounts=5, contacts=5, products=2, opportunities=2, closed_won=1
        )

    def setUp(self):
        super().setUp()
        self.server.faults.reset()
        self.server.limits.reset()
        self.backend = self._make_backend()
        self.adapter = self.backend._get_adapter()

    def test_password_login_and_limits(self):
        self.backend.action_test_connection()
        self.assertEqual(self.backend.state, "connected")
        self.assertEqual(self.backend.instance_url, self.server.url)
        self.assertEqual(self.backend.api_usage_max, 100_000)

    def test_oauth_client_credentials_and_jwt(self):
        creds = self.server.credentials
        oauth = self._make_backend(
            auth_method="client_credentials",
            sf_consumer_key=creds.consumer_key,
            sf_consumer_secret=creds.consumer_secret,
        )
        oauth.action_test_connection()
        self.assertEqual(oauth.state, "connected")
        jwt = self._make_backend(
            auth_method="jwt",
            sf_consumer_key=creds.consumer_key,
            sf_private_key=Path(self.server.jwt_key_path).read_text(),
        )
        jwt.action_test_connection()
        self.assertEqual(jwt.state, "connected")

    def test_bad_password_is_a_business_error(self):
        backend = self._make_backend(sf_password="wrong")
        with self.assertRaises(UserError) as caught:
            backend.action_test_connection()
        self.assertIn("refused the login", str(caught.exception))
        self.assertNotIn("wrong", str(caught.exception))

    def test_errors_are_typed(self):
        with self.assertRaises(IDMissingInBackend):
            self.adapter.remote_read(self.backend, "Account", "001000000000000AAA")
        self.server.faults.update(rate_429=1.0, retry_after=7)
        with self.assertRaises(RateLimited):
            self.adapter.count_changed(self.backend, "Account", None)
        self.server.faults.update(rate_429=0.0, rate_5xx=1.0)
        with self.assertRaises(ConnectorRetryableError):
            self.adapter.count_changed(self.backend, "Account", None)
        self.server.faults.reset()
        self.server.auth.expire_all()  # the client logs in again by itself
        self.assertEqual(self.adapter.count_changed(self.backend, "Account", None), 5)

    def test_budget_exhausted_pauses_until_reset(self):
        self.backend.write({"api_budget_percent": 50, "api_budget_wait": 1})
        self.server.limits.set(daily_max=1000, used=600)
        self.adapter.count_changed(self.backend, "Account", None)  # learns 601/1000
        with self.assertRaises(RateLimited) as caught:
            self.backend.job_pull_page("Account")
        self.assertGreaterEqual(caught.exception.seconds, 1)
        self.assertIn("daily API allocation", str(caught.exception))
        with self.assertRaises(RateLimited):  # still waiting: no call at all
            self.backend.job_pull_page("Account")
        self.server.limits.reset()
        time.sleep(1.1)
        self.backend.with_context(queue_job__no_delay=True).job_pull_page("Account")
        self.assertEqual(self._count("salesforce.account"), 5)

    def test_org_out_of_calls_waits(self):
        self.server.limits.set(daily_max=10, used=10)
        with self.assertRaises(RateLimited) as caught:
            self.adapter.count_changed(self.backend, "Account", None)
        self.assertEqual(caught.exception.seconds, self.backend.api_budget_wait)
