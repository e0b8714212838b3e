# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared by the reconciliation scale tests of the integrations: the service
side comes from memory (``connector_reconcile_remote``), the Odoo side from
rows the test inserts with SQL."""

import logging
import os
import time
from collections import Counter

_logger = logging.getLogger(__name__)


def scale_size(default):
    """Objects of a scale test: ``CONNECTOR_RECON_SCALE`` when set."""
    return int(os.environ.get("CONNECTOR_RECON_SCALE", default))


class ReconciliationScaleMixin:
    """For a TransactionCase with a ``backend``."""

    def _timed_run(self, remote, **vals):
        """Create and run a reconciliation whose service side is ``remote``;
        return the run and its duration in seconds."""
        runs = self.env["connector.reconciliation.run"]
        run = runs.with_context(connector_reconcile_remote=remote).create(
            {**runs._backend_vals(self.backend), **vals}
        )
        started = time.perf_counter()
        run.action_run()
        elapsed = time.perf_counter() - started
        _logger.info(
            "Reconciliation %s of %s objects: %.2fs (%s drift lines)",
            run.name,
            len(remote),
            elapsed,
            run.drift_count,
        )
        return run, elapsed

    def assertBuckets(self, run, expected):
        self.assertEqual(dict(Counter(run.line_ids.mapped("bucket"))), expected)
