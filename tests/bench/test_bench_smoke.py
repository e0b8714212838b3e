"""Smoke run of tests/bench/run.py at a small size: correctness only, never time.

It runs the real benchmark as a subprocess on its own database (``bf_smoke``,
installed on first use), with its own Odoo server (workers=2, queue_job runner):
200 objects backfilled three ways and 200 signed webhooks. The subprocess is
killed with its whole process group on failure or timeout.
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


def _run_bench(tmp_path):
    output = tmp_path / "bench.json"
    command = [
        sys.executable,
        str(BENCH / "run.py"),
        f"--size={SIZE}",
        f"--webhooks={WEBHOOKS}",
        "--db=bf_smoke",
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
    report = _run_bench(tmp_path)
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
