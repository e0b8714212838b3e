# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import ConnectorTestMixin


@tagged("post_install", "-at_install")
class TestSecurity(ConnectorTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.backend = cls._make_backend(cls.env)
        cls.backend_b = cls._make_backend(
            cls.env, company_id=cls.company_b.id, name="B backend"
        )
        cls.user = new_test_user(
            cls.env,
            "conn_user",
            groups="connector_base.connector_base_group_user",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.manager = new_test_user(
            cls.env,
            "conn_manager",
            groups="connector_base.connector_base_group_manager",
        )

    def _event(self, backend, event_id):
        return self.env["connector.event"]._insert_once(
            backend,
            {
                "source_event_id": event_id,
                "event_type": "customer.updated",
                "object_ref": "cus_1",
                "payload": "{}",
            },
        )

    def test_user_cannot_read_secrets_manager_can(self):
        backend = self.backend.with_user(self.user)
        self.assertEqual(backend.name, "Test service")
        with self.assertRaises(AccessError):
            backend.read(["webhook_secret"])
        with self.assertRaises(AccessError):
            backend.read(["api_key"])
        self.assertNotIn("webhook_secret", backend.fields_get())
        manager_view = self.backend.with_user(self.manager)
        self.assertTrue(manager_view.read(["webhook_secret", "api_key"])[0]["api_key"])

    def test_user_cannot_configure(self):
        with self.assertRaises(AccessError):
            self.backend.with_user(self.user).write({"base_url": "http://evil"})
        with self.assertRaises(AccessError):
            self.env["connector.ownership"].with_user(self.user).create(
                {"model_id": self.env.ref("base.model_res_partner").id}
            )

    def test_company_isolation(self):
        event_a, event_b = (
            self._event(self.backend, "a1"),
            self._event(self.backend_b, "b1"),
        )
        self.assertEqual(event_b.company_id, self.company_b)
        visible = self.env["connector.event"].with_user(self.user).search([])
        self.assertIn(event_a, visible)
        self.assertNotIn(event_b, visible)
        self.env["connector.test.partner"].job_import_record(
            self.backend_b,
            "cus_b",
            data={"id": "cus_b", "name": "B only", "updated": 1},
        )
        as_user = self.env["connector.test.partner"].with_user(self.user)
        self.assertFalse(as_user.search([("external_id", "=", "cus_b")]))
        self.assertFalse(
            self.env["connector.audit.line"]
            .with_user(self.user)
            .search(
                [
                    ("backend_id", "=", self.backend_b.id),
                    ("backend_model", "=", self.backend_b._name),
                ]
            )
        )
        self.assertFalse(
            self.env["connector.test.backend"]
            .with_user(self.user)
            .search([("id", "=", self.backend_b.id)])
        )

    def test_user_resolves_exceptions(self):
        exception = self.env["connector.exception"]._record(
            self.backend, "amount_mismatch", "Totals differ"
        )
        exception.with_user(self.user).action_resolve()
        self.assertEqual(exception.state, "resolved")
