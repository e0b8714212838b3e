# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.connector_base.exceptions import RateLimited

from ..models.zendesk_adapter import _HEADROOM
from .common import ZendeskMixin


@tagged("post_install", "-at_install")
class TestRateLimit(ZendeskMixin, TransactionCase):
    size = 30  # tests/slow/zendesk runs it with 200

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_zendesk()
        cls.partners = cls._make_customers(cls.size, prefix="Storm")

    def tearDown(self):
        _HEADROOM.clear()  # the headroom seen by this test must not slow the next
        self.server.limits.configure(plan_limit=700)
        self.server.faults.reset()
        super().tearDown()

    def test_slows_down_before_429(self):
        self.server.limits.configure(plan_limit=10)
        self.backend.rate_limit_reserve = 3
        adapter = self.backend._get_adapter()
        sent = 0
        with self.assertRaises(RateLimited) as caught:
            for _i in range(20):
                adapter.custom_field_keys(self.backend, "organization")
                sent += 1
        self.assertEqual(sent, 7)  # 10 - reserve 3
        self.assertGreaterEqual(caught.exception.seconds, 1)
        self.assertEqual(self.server.stats()["by_status"].get("429", 0), 0)

    def test_429_storm_converges_without_duplicates(self):
        self.server.faults.update(rate_429=0.5)
        retried = self._export_all()
        self.assertGreater(retried, 0, "the storm made jobs retry")
        self.assertGreater(self.server.stats()["faults"]["429"], 0)
        self.server.faults.reset()
        orgs = self.server.domain.store.table("organization")
        self.assertEqual(len(orgs.live), self.size, "no duplicate organization")
        xids = {orgs.rows[rid]["external_id"] for rid in orgs.live}
        self.assertEqual(xids, {self.backend._partner_xid(p.id) for p in self.partners})
        users = self.server.domain.store.table("user")
        self.assertEqual(len(users.live), self.size, "no duplicate user")
        for partner in self.partners:
            row = self._remote_org(partner)
            self.assertEqual(partner.zendesk_bind_ids.external_id, str(row["id"]))
            for key, value in self._expected(partner).items():
                self.assertEqual(row["organization_fields"][key], value)

    def test_oauth_and_refused_credentials(self):
        self.backend.write({"oauth_token": "sandbox-oauth-token"})
        self.backend.action_test_connection()
        self.assertEqual(self.backend.state, "connected")
        self.backend.write({"oauth_token": False, "api_token": "wrong"})
        with self.assertRaisesRegex(UserError, "refused our credentials"):
            self.backend.action_test_connection()
        self.assertEqual(self.backend.state, "error")
