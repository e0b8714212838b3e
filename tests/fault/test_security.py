"""Signatures (forged, stale, replayed, no secret), secret leaks, access rights."""

import json
import logging
import time

from fault_common import fake, report
from test_webhook_faults import WebhookMixin

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

SECRETS = (fake.API_KEY, fake.WEBHOOK_SECRET)
LEAK_TABLES = (
    "queue_job",
    "connector_event",
    "connector_exception",
    "connector_audit_line",
)
LOGGERS = ("", "odoo", "odoo.addons", "odoo.addons.connector_base", "werkzeug")


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@tagged("post_install", "-at_install")
class TestSecurity(WebhookMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service(seed=5)
        cls.backend = cls._make_backend(cls.env, request_timeout=5)
        cls.company_b = cls.env["res.company"].create({"name": "Fault Company B"})
        cls.backend_b = cls._make_backend(
            cls.env, name="B", company_id=cls.company_b.id, request_timeout=5
        )
        cls.user_a = new_test_user(
            cls.env,
            login="bf_fault_user_a",
            groups="connector_base.connector_base_group_user",
            company_id=cls.env.company.id,
            company_ids=[cls.env.company.id],
        )

    def _body(self, event_id, cid="cus_s1", created=None):
        return fake.event_body(event_id, cid, created or int(time.time()))

    def test_signatures(self):
        self.service.put("cus_s1", "Signed", 100)
        now = int(time.time())
        body = self._body("evt_sig_1")
        forged = self._post(body, fake.sign(body, secret="whsec_WRONG"))
        stale = self._post(body, fake.sign(body, timestamp=now - 3600))
        missing = self._post(body, signature=False)
        good = fake.sign(body)
        first, replay = self._post(body, good), self._post(body, good)
        tampered = self._post(self._body("evt_sig_2"), good)  # old signature, new body
        self.backend.sudo().webhook_secret = False
        no_secret = self._post(body, fake.sign(body, secret=""))
        self.backend.sudo().webhook_secret = fake.WEBHOOK_SECRET
        statuses = {
            "forged": forged.status_code,
            "stale": stale.status_code,
            "missing": missing.status_code,
            "first": first.status_code,
            "replay": replay.json()["status"],
            "tampered": tampered.status_code,
            "no_secret": no_secret.status_code,
        }
        report("signatures", **statuses, events=len(self._events()))
        self.assertEqual(
            statuses,
            {
                "forged": 403,
                "stale": 403,
                "missing": 403,
                "first": 200,
                "replay": "duplicate",
                "tampered": 403,
                "no_secret": 403,
            },
        )
        self.assertEqual(len(self._events()), 1)

    def test_secrets_never_leak(self):
        capture = _Capture()
        capture.setFormatter(logging.Formatter("%(name)s %(message)s %(args)s"))
        loggers = [logging.getLogger(name) for name in LOGGERS]
        levels = [logger.level for logger in loggers]
        logging.getLogger().addHandler(capture)
        for logger in loggers:
            logger.setLevel(logging.DEBUG)
        # SQL statement tracing (a developer switch) would show the test's own
        # writes of the key; what the connector itself logs is what is checked.
        sql_logger = logging.getLogger("odoo.sql_db")
        loggers.append(sql_logger)
        levels.append(sql_logger.level)
        sql_logger.setLevel(logging.INFO)
        try:
            self._leak_scenario()
        finally:
            logging.getLogger().removeHandler(capture)
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)
        self.env.flush_all()
        found = {}
        for table in LEAK_TABLES:
            self.env.cr.execute(
                f"SELECT count(*) FROM {table} t WHERE "  # noqa: S608 - fixed names
                "row_to_json(t)::text LIKE ANY(%s)",
                ([f"%{s}%" for s in SECRETS],),
            )
            found[table] = self.env.cr.fetchone()[0]
        leaks = [line for line in capture.lines if any(s in line for s in SECRETS)]
        in_logs = len(leaks)
        report(
            "secret leak grep",
            log_lines=len(capture.lines),
            log_lines_with_secret=in_logs,
            **{f"rows_with_secret_{t}": n for t, n in found.items()},
        )
        self.assertGreater(len(capture.lines), 20)
        self.assertEqual(in_logs, 0, leaks)
        self.assertEqual(set(found.values()), {0}, found)

    def _leak_scenario(self):
        """Webhooks (good, refused, malformed) carrying the secrets, jobs, export,
        a 401 from the service: everything that logs, enqueues or stores."""
        self.service.put("cus_leak", "Leak", 100, description=fake.API_KEY)
        leaky = json.loads(self._body("evt_leak", "cus_leak"))
        leaky["data"]["object"]["note"] = f"{fake.WEBHOOK_SECRET} {fake.API_KEY}"
        body = json.dumps(leaky).encode()
        self._post(body)
        self._post(body, fake.sign(body, secret="whsec_WRONG"))
        broken = f'{{"id": "{fake.API_KEY}", "secret": "{fake.WEBHOOK_SECRET}"'.encode()
        self._post(broken)
        self._run_event_jobs()
        binding = (
            self.env["connector.test.partner"]
            .with_context(connector_no_export=True)
            .create({"backend_id": self.backend.id, "name": "Export leak"})
        )
        binding.job_export_record("create")
        self.backend.sudo().api_key = "sk_test_WRONGKEY"  # -> 401 from the service
        try:
            binding.with_context(connector_no_export=True).write({"name": "Again"})
            binding.job_export_record()
        except Exception as err:  # noqa: BLE001 - only the leak matters here
            self.assertNotIn(fake.API_KEY, str(err))
        finally:
            self.backend.sudo().api_key = fake.API_KEY

    def test_access_rights_and_companies(self):
        self.service.put("cus_b1", "Company B customer", 100)
        body = self._body("evt_b1", "cus_b1")
        self.assertEqual(self._post(body, backend=self.backend_b).status_code, 200)
        self._post(b'{"broken', fake.sign(b'{"broken'), backend=self.backend_b)
        event_b = self._events(self.backend_b)
        env_a = self.env(user=self.user_a)
        seen_events = env_a["connector.event"].search([("id", "=", event_b.id)])
        seen_exceptions = env_a["connector.exception"].search_count(
            [("backend_id", "=", self.backend_b.id)]
        )
        with self.assertRaises(AccessError):
            env_a["connector.test.backend"].browse(self.backend.id).read(
                ["webhook_secret"]
            )
        with self.assertRaises(AccessError):
            env_a["connector.test.backend"].browse(self.backend.id).read(["api_key"])
        report(
            "access rights",
            company_b_event=event_b.company_id.name,
            events_visible_to_company_a_user=len(seen_events),
            exceptions_visible_to_company_a_user=seen_exceptions,
            connector_user_reads_secret="AccessError",
        )
        self.assertEqual(event_b.company_id, self.company_b)
        self.assertFalse(seen_events)
        self.assertEqual(seen_exceptions, 0)
