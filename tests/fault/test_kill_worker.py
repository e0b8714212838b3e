"""The job runner's server killed with SIGKILL mid-backfill, then restarted."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from fault_common import report

SCENARIO = Path(__file__).resolve().parent / "kill_scenario.py"
SIZE = 1500
# A database per parallel test run (CONNECTOR_TEST_DB), as the bench smoke does.
DB = "_".join(filter(None, ("bf_fault", os.environ.get("CONNECTOR_TEST_DB"))))


def test_sigkill_mid_backfill_converges(tmp_path):
    output = tmp_path / "kill.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            str(SCENARIO),
            f"--size={SIZE}",
            f"--db={DB}",
            f"--json={output}",
        ],
        start_new_session=True,
    )
    try:
        proc.wait(timeout=900)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0
    result = json.loads(output.read_text())
    report("SIGKILL mid-backfill", **result)
    assert result["jobs_at_kill"].get("started", 0) >= 1, "killed while nothing ran"
    assert result["records_at_kill"] < SIZE
    assert result["records"] == SIZE
    assert result["duplicates"] == 0
    assert set(result["jobs_final"]) == {"done"}, result["jobs_final"]
    assert result["requeued_jobs"] >= 1
