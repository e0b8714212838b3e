"""SIGKILL the Odoo server (master, HTTP workers, job runner) mid-backfill,
restart it, and count: every object imported once, no job left started.

    .venv/bin/python tests/fault/kill_scenario.py [--size 1500] [--json out.json]

Runs on its own database (``bf_fault``) and server (workers=2, queue_job
runner), with the harness of tests/bench. queue_job's runner re-queues jobs
found ``started``/``enqueued`` without a lock ("dead") once they are older
than 10 s (``requeue_dead_jobs``, run on each loop of the runner).
"""

import argparse
import json
import signal
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parents[1]))

import harness  # noqa: E402
from workloads import load  # noqa: E402

UNFINISHED = ("pending", "enqueued", "started", "wait_dependencies")


def states(db, mark):
    return dict(
        db.rows(
            "SELECT state, count(*) FROM queue_job WHERE id > %s GROUP BY state",
            (mark,),
        )
    )


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1500)
    parser.add_argument("--db", default="bf_fault")
    parser.add_argument("--timeout", type=float, default=240)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    workload = load("connector_test")
    conf = harness.write_config(args.db, tag="fault")
    harness.ensure_database(conf, args.db)
    db = harness.Db(conf, args.db)
    env = harness.open_env(conf, args.db)
    service = workload.service(args.size, page_size=100)
    service.faults.update(latency_ms=5)
    result = {"injected": "SIGKILL to the whole server process group mid-backfill"}
    try:
        with env() as e:
            backend_id = workload.create_backend(e, service, "kill")
        mark = db.value("SELECT coalesce(max(id), 0) FROM queue_job")
        server = harness.OdooServer(conf, args.db).start()
        try:
            with env() as e:
                workload.enqueue_pipeline(e, backend_id)

            def mid_run():
                done = workload.count(db, backend_id)["records"]
                started = states(db, mark).get("started", 0)
                return done >= args.size // 4 and started

            harness.wait_until(mid_run, args.timeout, interval=0.05)
            result["records_at_kill"] = workload.count(db, backend_id)["records"]
            result["jobs_at_kill"] = states(db, mark)
            server.kill(signal.SIGKILL)
            result["jobs_after_kill"] = states(db, mark)
        finally:
            server.stop()
        started = time.perf_counter()
        with harness.OdooServer(conf, args.db) as server:

            def converged():
                jobs = states(db, mark)
                busy = sum(jobs.get(s, 0) for s in UNFINISHED)
                return not busy and jobs

            harness.wait_until(converged, args.timeout, interval=0.2)
            result["seconds_to_converge_after_restart"] = round(
                time.perf_counter() - started, 1
            )
        result["jobs_final"] = states(db, mark)
        result["requeued_jobs"] = db.value(
            # perform() counts every run in `retry`: > 1 means run again after the kill
            "SELECT count(*) FROM queue_job WHERE id > %s AND retry > 1",
            (mark,),
        )
        counts = workload.count(db, backend_id)
        result.update(
            remote=args.size,
            records=counts["records"],
            duplicates=counts["records"] - counts["distinct"],
        )
    finally:
        service.stop()
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
