# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import ConnectorTestMixin


@tagged("post_install", "-at_install")
class TestImport(ConnectorTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service()
        cls.backend = cls._make_backend(cls.env)
        cls.Binding = cls.env["connector.test.partner"]

    def _import(self, cid, data=None):
        return self.Binding.job_import_record(self.backend, cid, data=data)

    def test_import_creates_then_updates_then_skips(self):
        self.service.put("cus_a", "Ada", 100, email="ada@example.com")
        self._import("cus_a")
        binding = self._bindings("cus_a")
        self.assertEqual(len(binding), 1)
        self.assertEqual(binding.odoo_id.name, "Ada")
        self.assertEqual(binding.email, "ada@example.com")
        self.assertEqual(binding.odoo_id.connector_test_bind_ids, binding)
        create = self._audit(action="create")
        self.assertEqual(create.external_id, "cus_a")
        self.assertEqual(create.record_ref, binding.odoo_id)
        self.assertIn("name", create.changed_fields.split(","))

        self._import("cus_a")  # same payload: skipped, nothing written
        self.assertEqual(len(self._audit(action="skip")), 1)

        self.service.put("cus_a", "Ada Lovelace", 200, email="ada@example.com")
        self._import("cus_a")
        self.assertEqual(binding.name, "Ada Lovelace")
        update = self._audit(action="update")
        self.assertEqual(update.changed_fields, "name")
        lineage = self.env["connector.lineage"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", binding.odoo_id.id),
                ("field_name", "=", "name"),
            ]
        )
        self.assertEqual(lineage.audit_line_id, update)
        self.assertEqual(len(self._bindings()), 1)

    def test_out_of_order_updates_keep_newest(self):
        newer = {"id": "cus_o", "name": "Newest", "updated": 300}
        older = {"id": "cus_o", "name": "Older", "updated": 200}
        self._import("cus_o", data=newer)
        result = self._import("cus_o", data=older)
        binding = self._bindings("cus_o")
        self.assertEqual(binding.name, "Newest")
        self.assertTrue(result.startswith("skipped"))
        self.assertIn("older", self._audit(action="skip").match_decision)

    def test_matches_existing_partner_is_hook(self):
        """Without a match hook an import never binds a random existing partner."""
        partner = self.env["res.partner"].create({"name": "Bob"})
        self._import("cus_b", data={"id": "cus_b", "name": "Bob", "updated": 1})
        self.assertNotEqual(self._bindings("cus_b").odoo_id, partner)

    def test_preview_mode_writes_nothing(self):
        self.backend.preview_mode = True
        partners_before = self.env["res.partner"].search_count([])
        result = self._import(
            "cus_p", data={"id": "cus_p", "name": "Dry", "updated": 1}
        )
        self.assertTrue(result.startswith("preview"))
        self.assertFalse(self._bindings("cus_p"))
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        preview = self._audit(action="preview")
        self.assertEqual(preview.external_id, "cus_p")
        self.assertIn("name", preview.changed_fields)

        self.backend.preview_mode = False
        self._import("cus_p", data={"id": "cus_p", "name": "Dry", "updated": 1})
        binding = self._bindings("cus_p")
        self.Binding.with_context(connector_preview=True).job_import_record(
            self.backend, "cus_p", data={"id": "cus_p", "name": "Changed", "updated": 2}
        )
        self.assertEqual(binding.name, "Dry")
        self.assertEqual(len(self._audit(action="preview")), 2)

    def test_ownership_blocks_non_owner_write(self):
        self.env["connector.ownership"].create(
            {
                "model_id": self.env.ref("base.model_res_partner").id,
                "field_id": self.env.ref("base.field_res_partner__name").id,
                "owner": "odoo",
                "policy": "raise",
            }
        )
        self._import(
            "cus_w", data={"id": "cus_w", "name": "Remote", "updated": 1, "phone": "1"}
        )
        binding = self._bindings("cus_w")
        self.assertEqual(binding.name, "Remote")  # creation is not a conflict
        self._import(
            "cus_w", data={"id": "cus_w", "name": "Hijack", "updated": 2, "phone": "2"}
        )
        self.assertEqual(binding.name, "Remote")
        self.assertEqual(binding.phone, "2")  # fields without a rule still sync
        update = self._audit(action="update")
        self.assertEqual(update.blocked_fields, "name")
        self.assertEqual(update.changed_fields, "phone")
        conflict = self.env["connector.exception"].search(
            [
                ("exception_class", "=", "ownership_conflict"),
                ("backend_id", "=", self.backend.id),
            ]
        )
        self.assertEqual(len(conflict), 1)
        self.assertEqual(conflict.record_ref, binding.odoo_id)

    def test_owner_wins_silently_blocks(self):
        self.env["connector.ownership"].create(
            {
                "model_id": self.env.ref("base.model_res_partner").id,
                "owner": "odoo",
                "policy": "owner_wins",
            }
        )
        self._import("cus_x", data={"id": "cus_x", "name": "First", "updated": 1})
        self._import("cus_x", data={"id": "cus_x", "name": "Second", "updated": 2})
        self.assertEqual(self._bindings("cus_x").name, "First")
        self.assertEqual(self._audit(action="blocked").blocked_fields, "name")
        self.assertFalse(
            self.env["connector.exception"].search(
                [("backend_id", "=", self.backend.id)]
            )
        )

    def test_bad_data_becomes_exception_then_auto_resolves(self):
        self.service.put("cus_e", "", 1)
        result = self._import("cus_e")
        self.assertTrue(result.startswith("failed"))
        self.assertFalse(self._bindings("cus_e"))
        exception = self.env["connector.exception"].search(
            [("external_id", "=", "cus_e"), ("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(exception.exception_class, "payload_invalid")
        self.assertEqual(exception.state, "new")
        self.assertTrue(exception.suggested_fix)
        self._import("cus_e")  # same failure counts again, no second record
        self.assertEqual(exception.occurrences, 2)

        self.service.put("cus_e", "Fixed", 2)
        self._import("cus_e")
        self.assertEqual(self._bindings("cus_e").name, "Fixed")
        self.assertEqual(exception.state, "resolved")

    def test_missing_in_backend(self):
        self._import("cus_missing")
        exception = self.env["connector.exception"].search(
            [("external_id", "=", "cus_missing"), ("backend_id", "=", self.backend.id)]
        )
        self.assertEqual(exception.exception_class, "missing_in_backend")
