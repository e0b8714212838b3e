"""Workload of the test-only integration ``connector_test`` (customers).

The interface every workload implements (the harness calls nothing else):

``modules``                  addons installed in the benchmark database
``service(size, page_size)`` a started sandbox server seeded with ``size`` objects
``create_backend(env, service, label)``  a connected backend on that server -> id
``raw_create(env, service, backend_id, batch)``  the ceiling: plain ORM batch
                              ``create`` of the same Odoo records, no HTTP, no jobs
``enqueue_pipeline(env, backend_id)``  enqueue the paged backfill (first page job)
``enqueue_naive(env, service, backend_id)``  one import job per remote object
``count(db, backend_id)``    (records, distinct external ids) in Odoo for the backend
``webhook_path(backend_id)``, ``webhook_request(i, object_id)``  signed webhooks
``object_ids(service)``      the remote ids, for webhooks
"""

import importlib.util
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
FAKE = REPO / "tests/addons/connector_test/tests/fake_service.py"


def fake_module():
    """fake_service.py of connector_test, loaded by path (stdlib + sandbox only)."""
    spec = importlib.util.spec_from_file_location("connector_test_fake", FAKE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_FAKE = fake_module()


class BenchService(_FAKE.FakeTestService):
    """connector_test's fake, serving list pages of ``page_size`` objects.

    connector_test's adapter asks for ``limit=100``; a page size of 500 (what
    the batch importer is designed for) is served by the fake answering with
    ``max(limit, page_size)`` objects per page. ``page_size=None`` honours the
    client's limit.
    """

    page_size = None

    def __init__(self, **kw):
        super().__init__(**kw)
        self.calls = _NoList()

    def _list(self, request):
        if self.page_size:
            limit = max(int(request.arg("limit", 100)), self.page_size)
            request.query["limit"] = [str(limit)]
        return super()._list(request)


class _NoList(list):
    """The fake records every call; a benchmark does not need that memory."""

    def append(self, item):
        pass


class Workload:
    name = "connector_test"
    modules = "connector_base,connector_test"
    backend_model = "connector.test.backend"
    binding_model = "connector.test.partner"
    binding_table = "connector_test_partner"
    resource = "customers"
    service_key = "test"

    # -- remote side -----------------------------------------------------------
    def service(self, size, page_size=500):
        service = BenchService()
        service.page_size = page_size
        stamp = int(time.time()) - 3600
        for index in range(size):
            cid = f"cus_{index:07d}"
            service.put(
                cid,
                f"Bench customer {index}",
                stamp,
                email=f"c{index}@bench.example.com",
                phone=f"+32 2 555 {index % 10000:04d}",
            )
        return service.start()

    def object_ids(self, service):
        return sorted(service.customers)

    # -- Odoo side (in-process env) --------------------------------------------
    def create_backend(self, env, service, label):
        backend = env[self.backend_model].create(
            {
                "name": f"Bench {label}",
                "base_url": service.url,
                "api_key": _FAKE.API_KEY,
                "webhook_secret": _FAKE.WEBHOOK_SECRET,
                "api_version": "2024-01-01",
                "rate_limit_per_minute": 0,
                "request_timeout": 10,
                "state": "connected",
            }
        )
        return backend.id

    def _mapper(self):
        from odoo.addons.connector_test.models import mappers  # noqa: PLC0415

        return mappers

    def raw_create(self, env, service, backend_id, batch=500):
        """Ceiling: the same binding + partner rows, ORM batch create, no HTTP."""
        mappers = self._mapper()
        rows = [service.customers[cid] for cid in self.object_ids(service)]
        model = env[self.binding_model].with_context(connector_no_export=True)
        for start in range(0, len(rows), batch):
            vals_list = [
                {
                    "backend_id": backend_id,
                    "external_id": row["id"],
                    **mappers.customer_to_partner(row),
                }
                for row in rows[start : start + batch]
            ]
            model.create(vals_list)
            env.cr.commit()  # noqa: B950 - a bench driver commits like a job does
        return len(rows)

    def enqueue_pipeline(self, env, backend_id):
        backend = env[self.backend_model].browse(backend_id)
        env["connector.checkpoint"]._enqueue_page(backend, self.resource, None)

    def enqueue_naive(self, env, service, backend_id):
        backend = env[self.backend_model].browse(backend_id)
        model = env[self.binding_model]
        for cid in self.object_ids(service):
            model.with_delay(description=f"Import {cid}").job_import_record(
                backend, cid
            )

    # -- counting (psycopg2, while the server runs) ----------------------------
    def count(self, db, backend_id):
        row = db.rows(
            f"SELECT count(*), count(DISTINCT external_id) FROM {self.binding_table} "
            "WHERE backend_id = %s",
            (backend_id,),
        )[0]
        return {"records": row[0], "distinct": row[1]}

    # -- webhooks --------------------------------------------------------------
    def webhook_path(self, backend_id):
        return f"/connector/{self.service_key}/{backend_id}/webhook"

    def webhook_request(self, index, object_id, run_tag=""):
        """(body bytes, headers) of one correctly signed event."""
        body = _FAKE.event_body(
            f"evt_bench_{run_tag}{index:07d}", object_id, int(time.time())
        )
        return body, {
            "Content-Type": "application/json",
            "X-Test-Signature": _FAKE.sign(body),
        }
