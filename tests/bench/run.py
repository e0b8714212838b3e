"""Backfill and webhook benchmarks on a real Odoo server (workers=2 + job runner).

    .venv/bin/python tests/bench/run.py --size 2000 --json bench-results.json
    .venv/bin/python tests/bench/run.py --sizes 2000,10000 --webhooks 2000

For each size N, side by side on the same seeded remote data:
  (a) raw ORM batch create of the same records (in this process, no HTTP);
  (b) the pipeline: page jobs of the batch importer run by queue_job's runner;
  (c) the naive pattern: one import job per record, same runner.
Then signed webhooks through Odoo's HTTP server at a bounded count and rate.
Prints a table and writes every figure to the JSON file. See docs/benchmarks.md.
"""

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import harness  # noqa: E402
import webhook_load  # noqa: E402
from workloads import load as load_workload  # noqa: E402

UNFINISHED = ("pending", "enqueued", "started", "wait_dependencies")
PHASES = ("raw_orm", "pipeline", "naive")


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def job_states(db, mark):
    return dict(
        db.rows(
            "SELECT state, count(*) FROM queue_job WHERE id > %s GROUP BY state",
            (mark,),
        )
    )


def wait_jobs(db, mark, timeout):
    """Wait until every job created after ``mark`` is finished; return states."""

    def finished():
        states = job_states(db, mark)
        busy = sum(states.get(s, 0) for s in UNFINISHED)
        return states if states and not busy else None

    states, seconds = harness.wait_until(finished, timeout, interval=0.1)
    return states or job_states(db, mark), seconds


def run_jobs_phase(ctx, label, enqueue, size):
    """Enqueue through ``enqueue(env)``, time the runner until all jobs finish."""
    db, workload, server = ctx["db"], ctx["workload"], ctx["server"]
    mark = db.value("SELECT coalesce(max(id), 0) FROM queue_job")
    with ctx["env"]() as env:
        backend_id = workload.create_backend(env, ctx["service"], f"{label} {size}")
    server.sampler.peak_by_pid.clear()
    server.sampler.peak_total = 0
    cpu_start = server.sampler.cpu_snapshot(), harness.pg_cpu(ctx["db_name"])
    with ctx["env"]() as env:
        started = time.perf_counter()
        enqueue(env, backend_id)
    states, __ = wait_jobs(db, mark, ctx["timeout"])
    seconds = time.perf_counter() - started
    odoo_cpu = server.sampler.cpu_since(cpu_start[0])
    counts = workload.count(db, backend_id)
    cpu = _cpu(ctx, odoo_cpu, cpu_start[1], counts["records"])
    result = {
        "records": counts["records"],
        "duplicates": counts["records"] - counts["distinct"],
        "seconds": round(seconds, 2),
        "records_per_s": round(counts["records"] / seconds, 1) if seconds else 0,
        "jobs": states,
        "rss": server.rss(),
        "cpu": cpu,
    }
    if hasattr(workload, "check"):
        result["check"] = workload.check(db, backend_id)
    log(f"{label}: {result}")
    return result


def _cpu(ctx, odoo_seconds, pg_snapshot, records):
    """CPU seconds of Odoo and of PostgreSQL for a phase, and per record.

    Less sensitive than wall time to what else runs on the machine: the
    server's processes (or, for the raw create, this process) plus the
    database's PostgreSQL backends; not the sandbox serving the pages.
    """
    pg_seconds = harness.pg_cpu_since(ctx["db_name"], pg_snapshot)
    total = odoo_seconds + pg_seconds
    return {
        "odoo_s": round(odoo_seconds, 2),
        "pg_s": round(pg_seconds, 2),
        "ms_per_record": round(1000 * total / records, 2) if records else None,
    }


def bench_size(ctx, size):
    workload = ctx["workload"]
    ctx["service"] = service = workload.service(size, ctx["page_size"])
    try:
        with ctx["env"]() as env:
            raw_backend = workload.create_backend(env, service, f"raw {size}")
        pg_start = harness.pg_cpu(ctx["db_name"])
        with ctx["env"]() as env:
            started, cpu_started = time.perf_counter(), time.process_time()
            workload.raw_create(env, service, raw_backend)
            raw_seconds = time.perf_counter() - started
            raw_cpu = time.process_time() - cpu_started
        counts = workload.count(ctx["db"], raw_backend)
        raw = {
            "records": counts["records"],
            "seconds": round(raw_seconds, 2),
            "records_per_s": round(counts["records"] / raw_seconds, 1),
            "cpu": _cpu(ctx, raw_cpu, pg_start, counts["records"]),
        }
        if hasattr(workload, "check"):
            raw["check"] = workload.check(ctx["db"], raw_backend)
            raw["expected"] = workload.expected(service)
        log(f"raw ORM: {raw}")
        pipeline = run_jobs_phase(
            ctx,
            "pipeline",
            lambda env, b: workload.enqueue_pipeline(env, b),
            size,
        )
        naive = None
        if size <= ctx["naive_max"]:
            naive = run_jobs_phase(
                ctx,
                "naive",
                lambda env, b: workload.enqueue_naive(env, service, b),
                size,
            )
    finally:
        service.stop()
    return _size_result(size, raw, pipeline, naive)


def _size_result(size, raw, pipeline, naive):
    ratio = {"b_over_a": round(pipeline["records_per_s"] / raw["records_per_s"], 3)}
    if naive and naive["records_per_s"]:
        ratio["b_over_c"] = round(pipeline["records_per_s"] / naive["records_per_s"], 2)
    cpu_b = pipeline["cpu"]["ms_per_record"]
    if cpu_b:
        ratio["cpu_b_over_a"] = round(raw["cpu"]["ms_per_record"] / cpu_b, 3)
        if naive and naive["cpu"]["ms_per_record"]:
            ratio["cpu_b_over_c"] = round(naive["cpu"]["ms_per_record"] / cpu_b, 2)
    return {
        "size": size,
        "raw_orm": raw,
        "pipeline": pipeline,
        "naive": naive,
        "ratios": ratio,
        "per_record_ms": round(1000 * pipeline["seconds"] / max(size, 1), 3),
    }


def bench_webhooks(ctx, count, rate, concurrency):
    workload, db = ctx["workload"], ctx["db"]
    service = workload.service(min(count, ctx["webhook_objects"]), ctx["page_size"])
    try:
        with ctx["env"]() as env:
            backend_id = workload.create_backend(env, service, f"webhooks {count}")
        ids = workload.object_ids(service)
        requests_ = [
            workload.webhook_request(i, ids[i % len(ids)], run_tag=f"{backend_id}_")
            for i in range(count)
        ]
        mark = db.value("SELECT coalesce(max(id), 0) FROM queue_job")
        url = ctx["server"].url + workload.webhook_path(backend_id)
        load = webhook_load.send(url, requests_, rate, concurrency, ctx["timeout"])
        log(f"webhooks sent: {load['summary']}")
        wait_jobs(db, mark, ctx["timeout"])
        events = dict(
            db.rows(
                "SELECT state, count(*) FROM connector_event "
                "WHERE backend_model = %s AND backend_id = %s GROUP BY state",
                (workload.backend_model, backend_id),
            )
        )
        stored = sum(events.values())
        processed = events.get("done", 0) + events.get("superseded", 0)
        result = {
            **load["summary"],
            "stored": stored,
            "events": events,
            "processed": processed,
            "lost": load["summary"]["acked"] - stored,
            "jobs": job_states(db, mark),
            "records": workload.count(db, backend_id)["records"],
        }
    finally:
        service.stop()
    log(f"webhooks: {result}")
    return result


def machine():
    return {
        "cores": psutil.cpu_count(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def print_table(report):
    print()
    print(f"Benchmark {report['date']}  workload={report['workload']}")
    m = report["machine"]
    load = m["load_avg_at_start"]
    print(f"machine: {m['cores']} cores, {m['ram_gib']} GiB, load {load}")
    head = f"{'N':>7} {'raw ORM/s':>10} {'pipeline/s':>11} {'naive/s':>9}"
    print(head + f" {'b/a':>6} {'b/c':>6} {'ms/rec':>7} {'dup':>4} {'worker MiB':>10}")
    for row in report["backfill"]:
        naive = row["naive"]["records_per_s"] if row["naive"] else float("nan")
        print(
            f"{row['size']:>7} {row['raw_orm']['records_per_s']:>10,.0f} "
            f"{row['pipeline']['records_per_s']:>11,.0f} {naive:>9,.1f} "
            f"{row['ratios']['b_over_a']:>6.2f} "
            f"{row['ratios'].get('b_over_c', 0):>6.1f} "
            f"{row['per_record_ms']:>7.2f} {row['pipeline']['duplicates']:>4} "
            f"{row['pipeline']['rss']['worker_peak_mib']:>10}"
        )
    if report["backfill"]:
        print("CPU (Odoo + PostgreSQL) ms per record, and the ratios by CPU:")
    for row in report["backfill"]:
        cpu = [row[k]["cpu"]["ms_per_record"] if row[k] else None for k in PHASES]
        ratios = row["ratios"]
        print(
            f"{row['size']:>7} raw {cpu[0]} pipeline {cpu[1]} naive {cpu[2]} "
            f"b/a {ratios.get('cpu_b_over_a')} b/c {ratios.get('cpu_b_over_c')}"
        )
    if report.get("scaling"):
        print(f"scaling: {report['scaling']}")
    hook = report.get("webhooks")
    if hook:
        print(
            f"webhooks: sent {hook['sent']} acked {hook['acked']} at "
            f"{hook['events_per_s']}/s, p50 {hook['p50_ms']} ms "
            f"p99 {hook['p99_ms']} ms "
            f"max {hook['max_ms']} ms; stored {hook['stored']} processed "
            f"{hook['processed']} lost {hook['lost']} errors {hook['errors']}"
        )


def scaling(rows):
    if len(rows) < 2:
        return None
    first, last = rows[0], rows[-1]
    drift = last["per_record_ms"] / first["per_record_ms"] - 1
    cpu = [row["pipeline"]["cpu"]["ms_per_record"] for row in (first, last)]
    cpu_drift = cpu[1] / cpu[0] - 1 if all(cpu) else None
    return {
        "sizes": [first["size"], last["size"]],
        "per_record_ms": [first["per_record_ms"], last["per_record_ms"]],
        "drift_pct": round(100 * drift, 1),
        "within_15pct": abs(drift) <= 0.15,
        "cpu_ms_per_record": cpu,
        "cpu_drift_pct": round(100 * cpu_drift, 1) if cpu_drift is not None else None,
    }


def _cancel_leftovers(db):
    """Jobs an interrupted earlier run left unfinished would compete with the
    measured ones once the runner starts: cancel them (benchmark database)."""
    left = db.value(
        "WITH gone AS (UPDATE queue_job SET state = 'cancelled' "
        "WHERE state = ANY(%s) RETURNING 1) SELECT count(*) FROM gone",
        (list(UNFINISHED),),
    )
    if left:
        log(f"cancelled {left} unfinished job(s) left by an earlier run")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--sizes", help="comma-separated sizes (overrides --size)")
    parser.add_argument("--webhooks", type=int, default=2000)
    parser.add_argument("--webhook-rate", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--naive-max", type=int, default=10**9)
    parser.add_argument("--workload", default="connector_test")
    parser.add_argument("--db", help="database (default bf_bench, bf_<workload>)")
    parser.add_argument("--workers", type=int, default=2, help="Odoo HTTP workers")
    parser.add_argument("--channels", default="root:2", help="queue_job channels")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--json", default="bench-results.json")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    sizes = [int(s) for s in (args.sizes or str(args.size)).split(",") if int(s)]
    workload = load_workload(args.workload)
    if not args.db:
        args.db = (
            "bf_bench" if workload.name == "connector_test" else f"bf_{workload.name}"
        )
    conf = harness.write_config(args.db, workers=args.workers, channels=args.channels)
    harness.ensure_database(conf, args.db, log=log, modules=workload.modules)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "workload": workload.name,
        "database": args.db,
        "settings": {
            "workers": args.workers,
            "channels": args.channels,
            "page_size": args.page_size,
        },
    }
    ctx = {
        "db": harness.Db(conf, args.db),
        "db_name": args.db,
        "workload": workload,
        "env": harness.open_env(conf, args.db),
        "page_size": args.page_size,
        "naive_max": args.naive_max,
        "timeout": args.timeout,
        "webhook_objects": args.webhooks,
    }
    _cancel_leftovers(ctx["db"])
    log(f"starting odoo (workers={args.workers}, {args.channels}) on {args.db}")
    with harness.OdooServer(conf, args.db) as server:
        ctx["server"] = server
        report["backfill"] = [bench_size(ctx, size) for size in sizes]
        report["scaling"] = scaling(report["backfill"])
        if args.webhooks:
            report["webhooks"] = bench_webhooks(
                ctx, args.webhooks, args.webhook_rate, args.concurrency
            )
        report["rss_server_total"] = server.rss()
    Path(args.json).write_text(json.dumps(report, indent=2))
    print_table(report)
    log(f"wrote {args.json}")
    return report


if __name__ == "__main__":
    main()
