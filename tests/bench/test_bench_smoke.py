"""Smoke runs of tests/bench/run.py at a small size: correctness only, never time.

Each runs the real benchmark as a subprocess on its own database (installed on
first use), with its own Odoo server (workers=2, queue_job runner):

* connector_test (``bf_smoke``, ``bf_smoke_<CONNECTOR_TEST_DB>`` when that is
  set): 200 objects backfilled three ways and 200
  signed webhooks;
* the Stripe invoice workload (``bf_smoke_stripe``): 40 invoices with their
  lines and payments backfilled three ways, counts and amounts (in cents)
  checked against the sandbox, and 40 signed Stripe webhooks.

The subprocess is killed with its whole process group on failure or timeout.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SIZE = 200
WEBHOOKS = 200


def _db(name):
    """``name``, suffixed with the test database of a parallel run
    (``CONNECTOR_TEST_DB``), so that two runs never share a bench database."""
    suffix = os.environ.get("CONNECTOR_TEST_DB")
    return f"{name}_{suffix}" if suffix else name


def _run_bench(tmp_path, *options):
    output = tmp_path / "bench.json"
    command = [
        sys.executable,
        str(BENCH / "run.py"),
        *options,
        "--timeout=120",
        f"--json={output}",
    ]
    proc = subprocess.Popen(command, start_new_session=True, cwd=BENCH.parents[1])
    try:
        proc.wait(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # also ends its Odoo server
            proc.wait()
    assert proc.returncode == 0, f"run.py exited with {proc.returncode}"
    return json.loads(output.read_text())


def test_bench_smoke(tmp_path):
    report = _run_bench(
        tmp_path, f"--size={SIZE}", f"--webhooks={WEBHOOKS}", f"--db={_db('bf_smoke')}"
    )
    row = report["backfill"][0]
    assert row["size"] == SIZE
    assert row["raw_orm"]["records"] == SIZE
    for mode in ("pipeline", "naive"):
        result = row[mode]
        assert result["records"] == SIZE, (mode, result)
        assert result["duplicates"] == 0, (mode, result)
        assert set(result["jobs"]) == {"done"}, (mode, result["jobs"])
    assert row["naive"]["jobs"]["done"] == SIZE
    hooks = report["webhooks"]
    assert hooks["sent"] == hooks["acked"] == WEBHOOKS, hooks
    assert hooks["stored"] == WEBHOOKS and hooks["lost"] == 0, hooks
    assert hooks["processed"] == WEBHOOKS, hooks["events"]
    assert set(hooks["jobs"]) == {"done"}, hooks["jobs"]
    assert hooks["records"] == WEBHOOKS
    for key in ("cores", "ram_gib"):
        assert report["machine"][key] > 0


STRIPE_SIZE = 40


def test_bench_smoke_stripe_invoices(tmp_path):
    report = _run_bench(
        tmp_path,
        "--workload=stripe_invoices",
        f"--size={STRIPE_SIZE}",
        f"--webhooks={STRIPE_SIZE}",
        f"--db={_db('bf_smoke_stripe')}",
        "--channels=root:2,root.connector.stripe:1",
    )
    row = report["backfill"][0]
    expected = row["raw_orm"]["expected"]
    assert expected["invoices"] == STRIPE_SIZE, expected
    assert 0 < expected["charges"] < STRIPE_SIZE, expected
    records = expected["invoices"] + expected["charges"]
    raw = row["raw_orm"]["check"]
    assert row["raw_orm"]["records"] == records, row["raw_orm"]
    assert (raw["invoices"], raw["charges"]) == (STRIPE_SIZE, expected["charges"])
    assert raw["charge_cents"] == expected["charge_cents"], raw
    for mode in ("pipeline", "naive"):
        result = row[mode]
        assert result["records"] == records, (mode, result)
        assert result["duplicates"] == 0, (mode, result)
        assert set(result["jobs"]) == {"done"}, (mode, result["jobs"])
        check = result["check"]
        assert check["exceptions"] == 0, (mode, check)
        # Stripe's totals, to the cent (the importer adds Stripe's rounding line)
        for key in ("invoices", "charges", "invoice_cents", "charge_cents"):
            assert check[key] == expected[key], (mode, key, check, expected)
    hooks = report["webhooks"]
    assert hooks["sent"] == hooks["acked"] == STRIPE_SIZE, hooks
    assert hooks["stored"] == STRIPE_SIZE and hooks["lost"] == 0, hooks
    assert hooks["processed"] == STRIPE_SIZE, hooks["events"]
