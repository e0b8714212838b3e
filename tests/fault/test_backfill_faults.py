"""Backfill and exports under 429s, 5xx and timeouts: convergence, no duplicates."""

from fault_common import FaultMixin, report

from odoo.tests import TransactionCase, tagged

OBJECTS = 600  # 6 pages of 100 (connector_test's adapter page size)
SINGLE = 150  # one-record imports (webhook / re-sync path): more fault draws
EXPORTS = 60


@tagged("post_install", "-at_install")
class TestBackfillFaults(FaultMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service(seed=11)
        cls.backend = cls._make_backend(cls.env)

    def _inject(self):
        self.service.faults.update(
            rate_429=0.20, rate_5xx=0.10, rate_timeout=0.05, timeout_seconds=1.1
        )

    def _fault_counts(self):
        return self.service.stats()["faults"]

    def test_backfill_converges_under_faults(self):
        self._seed(OBJECTS)
        self._inject()
        self._pull()
        binding_model = self.env["connector.test.partner"]
        for index in range(SINGLE):
            cid = f"cus_{index:05d}"
            self.service.put(cid, f"Renamed {index}", 2000 + index)
            self._perform(
                lambda c=cid: binding_model.job_import_record(self.backend, c)
            )
        count = self.assert_converged()
        faults = self._fault_counts()
        report(
            "backfill 20% 429 / 10% 5xx / 5% timeouts",
            injected=faults,
            job_retries=self.retries,
            remote=len(self.service.customers),
            bindings=count,
            duplicates=0,
        )
        self.assertEqual(count, OBJECTS)
        self.assertGreater(
            self.retries, 0, "no fault was drawn: the case tests nothing"
        )

    def test_retried_exports_create_nothing_twice(self):
        partners = (
            self.env["connector.test.partner"]
            .with_context(connector_no_export=True)
            .create(
                [
                    {
                        "backend_id": self.backend.id,
                        "name": f"Export {i}",
                        "email": f"e{i}@x.org",
                    }
                    for i in range(EXPORTS)
                ]
            )
        )
        self._inject()
        self.service.lose_create_rate = 0.25  # created remotely, answer lost
        for binding in partners:
            self._perform(lambda b=binding: b.job_export_record("create"))
        remote_names = sorted(c["name"] for c in self.service.customers.values())
        report(
            "exports under faults + 25% lost create answers",
            injected=self._fault_counts(),
            lost_answers=self.service.lost_creates,
            job_retries=self.retries,
            exported=EXPORTS,
            created_remotely=len(self.service.customers),
        )
        self.assertEqual(len(self.service.customers), EXPORTS)
        self.assertEqual(remote_names, sorted(partners.mapped("name")))
        self.assertTrue(all(partners.mapped("external_id")))
        self.assertEqual(len(set(partners.mapped("external_id"))), EXPORTS)
        self.assertGreater(self.service.lost_creates, 0)
