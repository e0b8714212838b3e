# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .fake_service import API_KEY, WEBHOOK_SECRET, FakeTestService


class ConnectorTestMixin:
    """Starts the fake service and creates a connected backend pointed at it."""

    @classmethod
    def _start_service(cls):
        cls.service = FakeTestService().start()
        cls.addClassCleanup(cls.service.stop)

    @classmethod
    def _backend_vals(cls, **extra):
        return {
            "name": "Test service",
            "base_url": cls.service.url,
            "api_key": API_KEY,
            "webhook_secret": WEBHOOK_SECRET,
            "api_version": "2024-01-01",
            "rate_limit_per_minute": 0,
            "request_timeout": 5,
            "state": "connected",
            **extra,
        }

    @classmethod
    def _make_backend(cls, env, **extra):
        return env["connector.test.backend"].create(cls._backend_vals(**extra))

    def _bindings(self, external_id=None):
        domain = [("backend_id", "=", self.backend.id)]
        if external_id:
            domain.append(("external_id", "=", external_id))
        return self.env["connector.test.partner"].search(domain)

    def _audit(self, **filters):
        domain = [
            ("backend_model", "=", self.backend._name),
            ("backend_id", "=", self.backend.id),
        ]
        domain += [(key, "=", value) for key, value in filters.items()]
        return self.env["connector.audit.line"].search(domain)

    def setUp(self):
        super().setUp()
        # These tests own the partner ownership matrix: rules shipped by the real
        # integrations (Salesforce owns a partner's name) are set aside for the
        # duration of the test transaction.
        self.env["connector.ownership"].search(
            [("model_id.model", "=", "res.partner")]
        ).unlink()
        self.service.customers.clear()
        self.service.idempotency.clear()
        self.service.faults.reset()
        self.service.read_delay = 0.0
        self.service.drop_after_create = False
