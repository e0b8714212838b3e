# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from . import mappers


class StripeEventFeed(models.AbstractModel):
    """The ``/v1/events`` feed, pulled through a connector.checkpoint.

    Pulled events go through the same inbox as webhooks (unique per event
    id), so an event received both ways is applied once, and events whose
    webhook was lost are applied by the next pull.
    """

    _name = "stripe.event.feed"
    _description = "Stripe Event Feed"

    _importer = "stripe.event.importer"
    _batch_importer = "stripe.event.batch.importer"


class StripeEventImporter(models.AbstractModel):
    _name = "stripe.event.importer"
    _description = "Stripe Event Reader"

    _resource = "events"

    def _remote_updated_at(self, data):
        return mappers.epoch(data.get("created"))


class StripeEventBatchImporter(models.AbstractModel):
    _name = "stripe.event.batch.importer"
    _description = "Stripe Event Page Importer"

    def run(self, backend, records, event=None):
        """Store the page's unseen events in the inbox, then apply them, oldest
        first."""
        inbox = self.env["connector.event"].with_company(backend.company_id)
        stored = []
        for data in sorted(records, key=lambda rec: (rec["created"], rec["id"])):
            meta = backend._connector_parse_event(data, {})
            new = inbox._insert_once(
                backend,
                {
                    "source_event_id": meta["source_event_id"],
                    "event_type": meta["event_type"],
                    "object_ref": meta["object_ref"],
                    "source_ts": meta["source_ts"],
                    "payload": False,
                },
            )
            if new:
                stored.append(new)
        applied = 0
        for new in stored:
            if not backend._connector_event_route(new.event_type):
                new._finish("ignored", f"no handler for '{new.event_type}'")
                continue
            new._process(backend)
            applied += 1
        return {"new_events": len(stored), "applied": applied}
