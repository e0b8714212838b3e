# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.tests import BaseCase, tagged

from odoo.addons.connector_base.exceptions import InvalidPayload
from odoo.addons.connector_base.tools.masking import mask_data, mask_text, payload_hash

from ..models import mappers


@tagged("post_install", "-at_install")
class TestMappers(BaseCase):
    def test_customer_to_partner(self):
        data = {"id": "cus_1", "name": "Ada", "email": "ada@example.com", "updated": 0}
        self.assertEqual(
            mappers.customer_to_partner(data),
            {
                "name": "Ada",
                "email": "ada@example.com",
                "phone": False,
                "comment": False,
            },
        )
        self.assertEqual(mappers.remote_updated_at(data), datetime(1970, 1, 1))

    def test_customer_without_name_is_invalid(self):
        with self.assertRaises(InvalidPayload):
            mappers.customer_to_partner({"id": "cus_1", "name": ""})

    def test_masking(self):
        data = {
            "api_key": "k",
            "nested": [{"Authorization": "Bearer abc"}],
            "note": "card 4242 4242 4242 4242, key sk_live_abc123",
            "n": 5,
        }
        masked = mask_data(data, extra_keys=("note",))
        self.assertEqual(masked["api_key"], "***")
        self.assertEqual(masked["nested"][0]["Authorization"], "***")
        self.assertEqual(masked["note"], "***")
        self.assertEqual(masked["n"], 5)
        self.assertEqual(mask_text("x sk_test_abc y", secrets=["y"]), "x *** y")
        self.assertEqual(
            mask_text("my-literal-secret!", secrets=["literal-secret"]), "my-***!"
        )
        self.assertEqual(payload_hash({"a": 1, "b": 2}), payload_hash({"b": 2, "a": 1}))
