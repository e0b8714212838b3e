"""Webhooks delivered 3 times and shuffled; a burst drained by one job under
5xx; an endpoint outage then the pull."""

import random
import time

from fault_common import FaultMixin, fake, report

from odoo.tests import HttpCase, tagged

from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

OBJECTS = 40
OUTAGE_CHANGES = 30  # updated during the outage
OUTAGE_NEW = 10  # created during the outage


class WebhookMixin(FaultMixin):
    def _post(self, body, signature=None, backend=None):
        backend = backend or self.backend
        headers = {"Content-Type": "application/json"}
        if signature is not False:
            headers["X-Test-Signature"] = signature or fake.sign(body)
        # POST even an empty body (url_open would send a GET).
        return self.opener.post(
            f"{self.base_url()}/connector/test/{backend.id}/webhook",
            data=body,
            headers=headers,
            timeout=30,
        )

    def _events(self, backend=None):
        backend = backend or self.backend
        return self.env["connector.event"].search(
            [("backend_model", "=", backend._name), ("backend_id", "=", backend.id)]
        )

    def _run_event_jobs(self):
        jobs = self.env["queue.job"].search(
            [("state", "=", "pending"), ("method_name", "=", "job_process_event")],
            order="id",
        )
        for record in jobs:
            RunJobController._runjob(self.env, Job.load(self.env, record.uuid))
        return jobs


@tagged("post_install", "-at_install")
class TestWebhookFaults(WebhookMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service(seed=3)
        cls.backend = cls._make_backend(cls.env, request_timeout=5)

    def test_every_webhook_three_times_shuffled(self):
        now = int(time.time())
        deliveries = []
        for index in range(OBJECTS):
            cid = f"cus_w{index:03d}"
            self.service.put(cid, f"Webhook {index}", now - 100)
            kind = "customer.created" if index % 2 else "customer.updated"
            body = fake.event_body(f"evt_dup_{index}", cid, now - 50, event_type=kind)
            deliveries += [body] * 3
        random.Random(5).shuffle(deliveries)
        answers = [self._post(body) for body in deliveries]
        statuses = [a.json()["status"] for a in answers]
        jobs = self._run_event_jobs()
        events = self._events()
        count = self.assert_converged()
        report(
            "every webhook delivered 3 times, shuffled",
            delivered=len(deliveries),
            accepted=statuses.count("accepted"),
            duplicate_acks=statuses.count("duplicate"),
            events=len(events),
            jobs=len(jobs),
            records=count,
            duplicates=0,
        )
        self.assertEqual({a.status_code for a in answers}, {200})
        self.assertEqual(statuses.count("accepted"), OBJECTS)
        self.assertEqual(len(events), OBJECTS)
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(count, OBJECTS)

    def test_burst_drained_by_one_job_failures_get_their_own(self):
        """A burst makes one job (the first event's), which applies the others;
        an event whose fetch fails (5xx) gets a job of its own and its retries."""
        now = int(time.time())
        for index in range(OBJECTS):
            self.service.put(f"cus_b{index:03d}", f"Burst {index}", now - 100)
        bodies = [
            fake.event_body(f"evt_burst_{index}", f"cus_b{index:03d}", now - 50)
            for index in range(OBJECTS)
        ]
        answers = [self._post(body) for body in bodies]
        self.assertEqual({a.status_code for a in answers}, {200})
        events = self._events().sorted("id")
        self.assertEqual(events.filtered("dispatched"), events[:1])
        self.service.faults.update(rate_5xx=0.3)
        with trap_jobs() as trap:
            self._perform(lambda: self.backend.job_process_event(events[0]))
            own_jobs = list(trap.enqueued_jobs)
            for job in own_jobs:
                self._perform(job.perform)
        injected = self.service.stats()["faults"]
        self.service.faults.reset()
        count = self.assert_converged()
        report(
            "burst of webhooks drained by one job, 30% 5xx",
            events=len(events),
            jobs_at_intake=1,
            own_jobs_after_failure=len(own_jobs),
            retries=self.retries,
            injected=injected,
            records=count,
        )
        self.assertTrue(own_jobs, "30% 5xx: some events must have failed once")
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(count, OBJECTS)
        self.assertEqual(len(events.filtered("dispatched")), 1 + len(own_jobs))

    def test_endpoint_down_an_hour_then_incremental_pull(self):
        start = int(time.time()) - 4 * 3600
        for index in range(OBJECTS):
            self.service.put(f"cus_o{index:03d}", f"Before {index}", start)
        self._pull()  # initial backfill: cursor at `start`
        self.assertEqual(self.assert_converged(), OBJECTS)
        # One simulated hour of outage: the service changes objects and its
        # deliveries are dropped (never reach Odoo).
        outage = start + 3600
        dropped = []
        for index in range(OUTAGE_CHANGES):
            cid = f"cus_o{index:03d}"
            self.service.put(cid, f"During outage {index}", outage + index * 60)
            dropped.append(cid)
        for index in range(OUTAGE_NEW):
            cid = f"cus_n{index:03d}"
            self.service.put(cid, f"New during outage {index}", outage + index * 90)
            dropped.append(cid)
        stale = sum(
            1
            for b in self._bindings()
            if b.name != self.service.customers[b.external_id]["name"]
        )
        self._pull()  # the next incremental pull (checkpoint cron) catches up
        count = self.assert_converged()
        report(
            "webhook endpoint down 1 simulated hour, then incremental pull",
            dropped_deliveries=len(dropped),
            stale_before_pull=stale + OUTAGE_NEW,
            records_after_pull=count,
            remote=len(self.service.customers),
        )
        self.assertEqual(count, OBJECTS + OUTAGE_NEW)
        self.assertEqual(stale, OUTAGE_CHANGES)
