"""Repository-wide pytest rules.

With CONNECTOR_FAIL_ON_SKIP=1 (setup/test sets it from .odoo-ci.yml) a skipped test
fails the run: Odoo skips a tour when Chromium or websocket-client is missing, and
pytest-odoo skips HttpCase tests without --odoo-http. Either would pass silently.
"""

import os

import pytest


def _skipped(config):
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return reporter.stats.get("skipped", []) if reporter else []


def _strict():
    return os.environ.get("CONNECTOR_FAIL_ON_SKIP") == "1"


def pytest_sessionfinish(session, exitstatus):
    if _strict() and _skipped(session.config) and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = _skipped(config)
    if _strict() and skipped:
        terminalreporter.write_sep(
            "=", f"{len(skipped)} skipped test(s) fail this run", red=True
        )
        for report in skipped:
            terminalreporter.write_line(f"SKIPPED {report.nodeid}: {report.longrepr}")
