# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random

from sandbox.salesforce.connector_fields import CONNECTOR_CUSTOM_FIELDS
from sandbox.salesforce.server import SalesforceServer

# the fields an administrator creates for the connector (CONFIGURE.md)
STATUS_FIELDS = CONNECTOR_CUSTOM_FIELDS["Opportunity"]
CUSTOM_FIELDS = CONNECTOR_CUSTOM_FIELDS


class SalesforceMixin:
    """Starts the sandbox org and creates a backend logged in by configuration."""

    @classmethod
    def _start_server(cls, **counts):
        cls.server = SalesforceServer(custom_fields=CUSTOM_FIELDS).start()
        cls.addClassCleanup(cls.server.stop)
        if counts:
            cls.seeded = cls.server.seed(0, random.Random(7), **counts)

    @classmethod
    def _ensure_chart(cls):
        company = cls.env.company
        if not cls.env["account.account"].search_count(
            [("company_ids", "in", company.ids)], limit=1
        ):
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )

    @classmethod
    def _make_backend(cls, **extra):
        return cls.env["salesforce.backend"].create(cls._backend_vals(**extra))

    @classmethod
    def _backend_vals(cls, **extra):
        creds = cls.server.credentials
        return {
            "name": "Sandbox org",
            "login_domain": cls.server.login_domain,
            "ca_bundle": cls.server.ca_path,
            "sf_username": creds.username,
            "sf_password": creds.password,
            "sf_security_token": creds.security_token,
            "request_timeout": 10,
            "state": "connected",
            "sf_vat_field": "VAT_Number__c",
            **extra,
        }

    def _now(self, backend=None):
        return (backend or self.backend).with_context(queue_job__no_delay=True)

    def _sync(self, backend=None):
        """The scheduled pull, run synchronously (jobs execute inline)."""
        self._now(backend).action_pull()

    def _count(self, model, backend=None):
        return (
            self.env[model]
            .with_context(active_test=False)
            .search_count([("backend_id", "=", (backend or self.backend).id)])
        )

    def _audit_actions(self, backend=None):
        backend = backend or self.backend
        groups = self.env["connector.audit.line"]._read_group(
            [("backend_model", "=", backend._name), ("backend_id", "=", backend.id)],
            ["action"],
            ["__count"],
        )
        return dict(groups)
