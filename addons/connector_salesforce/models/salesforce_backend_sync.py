# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Jobs of the Salesforce backend: incremental pulls, Bulk 2.0 loads,
deletions and merges, payment status write-back."""

import logging
import time
from datetime import UTC, datetime, timedelta

from odoo import fields, models

from odoo.addons.connector_base.exceptions import ConnectorRetryableError

from ..const import BULK_OBJECTS

_logger = logging.getLogger(__name__)
DELETED_MAX_DAYS = 29
BULK_POLLS = 8


class SalesforceBackend(models.Model):
    _inherit = "salesforce.backend"

    # ------------------------------------------------------------------
    # Incremental pull (SystemModstamp + overlap) and its bulk variant
    # ------------------------------------------------------------------
    def job_pull_page(self, object_name, page_cursor=None, force_bulk=False):
        """One page of changed objects; the first page also applies deletions
        and switches to a Bulk 2.0 job for a first load or a large change set."""
        self.ensure_one()
        checkpoint = self.env["connector.checkpoint"]._get_or_create(self, object_name)
        if page_cursor is None:
            if object_name in BULK_OBJECTS and self._sf_use_bulk(
                checkpoint, force_bulk
            ):
                return self.job_bulk_start(object_name)
            self._sf_apply_deletions(object_name, checkpoint)
        return super().job_pull_page(object_name, page_cursor)

    def _sf_use_bulk(self, checkpoint, force_bulk):
        if force_bulk or not checkpoint.cursor:
            return True
        count = self._get_adapter().count_changed(
            self, checkpoint.object_name, checkpoint._since()
        )
        return count > self.bulk_threshold

    def job_bulk_start(self, object_name):
        """Create the Bulk 2.0 query job, then poll it from a job of its own."""
        self.ensure_one()
        checkpoint = self.env["connector.checkpoint"]._get_or_create(self, object_name)
        job_id = self._get_adapter().bulk_start(self, object_name, checkpoint._since())
        checkpoint.write(
            {
                "state": "running",
                "run_started": fields.Datetime.now(),
                "run_high_water": checkpoint.cursor,
                "records_done": 0,
            }
        )
        self._sf_enqueue_bulk_page(object_name, job_id, None)
        return f"bulk job {job_id} created"

    def _sf_enqueue_bulk_page(self, object_name, job_id, locator):
        return self.with_delay(
            identity_key=f"sf-bulk:{self.id}:{job_id}:{locator}",
            description=f"Bulk 2.0 page of {object_name} from {self.name}",
        ).job_bulk_page(object_name, job_id, locator)

    def job_bulk_page(self, object_name, job_id, locator=None):
        """Import one page of a Bulk 2.0 result; wait while the job runs."""
        self.ensure_one()
        adapter = self._get_adapter()
        if locator is None:
            state = self._sf_wait_bulk(object_name, job_id)
            if state in ("Failed", "Aborted"):
                return f"bulk job {job_id} ended {state}"
        records, next_locator = adapter.bulk_page(self, object_name, job_id, locator)
        checkpoint = self.env["connector.checkpoint"]._get_or_create(self, object_name)
        binding_model = self.env[checkpoint.binding_model]
        result = self.env[binding_model._batch_importer].run(self, records)
        checkpoint._advance(self.env[binding_model._importer], records, next_locator)
        if next_locator:
            self._sf_enqueue_bulk_page(object_name, job_id, next_locator)
        return result

    def _sf_wait_bulk(self, object_name, job_id):
        """Poll a few times (short jobs finish in seconds), then let the job
        runner call again instead of holding a worker."""
        adapter = self._get_adapter()
        for attempt in range(BULK_POLLS):
            state = adapter.bulk_state(self, object_name, job_id)
            if state in ("JobComplete", "Failed", "Aborted"):
                return state
            time.sleep(0.05 * (attempt + 1))
        raise ConnectorRetryableError(
            f"Bulk 2.0 job {job_id} of {object_name} is still {state}", seconds=10
        )

    # ------------------------------------------------------------------
    # Deletions and merges
    # ------------------------------------------------------------------
    def _sf_apply_deletions(self, object_name, checkpoint):
        if not checkpoint.cursor:
            return
        # the API ignores seconds and clamps the end to its clock: ask past now
        end = datetime.now(UTC) + timedelta(minutes=2)
        start = max(
            checkpoint._since().replace(tzinfo=UTC),
            end - timedelta(days=DELETED_MAX_DAYS),
        )
        adapter = self._get_adapter()
        deleted = adapter.deleted(self, object_name, start, end)
        if not deleted:
            return
        bindings = self.env[checkpoint.binding_model]._existing_bindings(
            self, [rec["id"] for rec in deleted]
        )
        if not bindings:
            return
        masters = adapter.merged_into(self, object_name, list(bindings))
        for external_id, binding in bindings.items():
            binding._sf_archive_deleted(masters.get(external_id))

    # ------------------------------------------------------------------
    # Payment status write-back (Odoo -> Account and Opportunity)
    # ------------------------------------------------------------------
    def _sf_delay_status_export(self):
        for backend in self:
            backend.with_delay(
                identity_key=f"sf-status:{backend.id}",
                description=f"Payment status to {backend.name}",
                eta=5,
            ).job_export_status()

    def job_export_status(self):
        """Upsert the status of every flagged account and opportunity, 200 per
        call through the sObject Collections API."""
        self.ensure_one()
        done = {}
        for model in ("salesforce.opportunity", "salesforce.account"):
            bindings = self.env[model].search(
                [("backend_id", "=", self.id), ("sf_status_pending", "=", True)]
            )
            if bindings:
                done[model] = self.env["salesforce.status.exporter"].export_many(
                    self, bindings
                )
        return done
