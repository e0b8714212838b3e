# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import hmac
import logging
import time

from odoo import api, models

_logger = logging.getLogger(__name__)


class ConnectorBackendMixin(models.AbstractModel):
    """Webhook hooks and the jobs every backend runs (event processing, pulls).

    The job methods are inherited by each concrete backend, which declares a
    ``queue.job.function`` record for them on its own model and channel.
    """

    _inherit = "connector.backend.mixin"

    # ------------------------------------------------------------------
    # Webhook hooks (per service)
    # ------------------------------------------------------------------
    def _connector_verify_signature(self, headers, raw_body):
        """Return ``(ok, reason)``. Fails closed: the base refuses everything.

        Services override it, typically calling ``_connector_hmac_matches``
        and ``_connector_timestamp_fresh``.
        """
        return False, "no signature verifier for this service"

    @api.model
    def _connector_hmac_matches(self, secret, message, signature, encoder="hex"):
        if not secret or not signature:
            return False
        digest = hmac.new(secret.encode(), message, hashlib.sha256)
        if encoder == "base64":
            expected = base64.b64encode(digest.digest()).decode()
        else:
            expected = digest.hexdigest()
        return hmac.compare_digest(expected.encode(), str(signature).encode())

    def _connector_timestamp_fresh(self, timestamp):
        try:
            age = abs(time.time() - float(timestamp))
        except (TypeError, ValueError):
            return False
        return age <= (self.webhook_tolerance or 300)

    def _connector_parse_event(self, data, headers):
        """Return a dict: source_event_id, event_type, object_ref, source_ts."""
        raise NotImplementedError

    def _connector_event_route(self, event_type):
        """Return ``(binding_model, action)`` for an event type, or ``None``.

        ``action`` is ``"import"`` (re-fetch and import the object) or
        ``"delete"``. ``None`` stores the event as ignored.
        """
        return None

    def _connector_pull_objects(self):
        """Map of object name -> binding model pulled by the checkpoint cron."""
        return {}

    # ------------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------------
    def job_process_event(self, event):
        """Apply one inbox event (enqueued by the webhook with identity_key)."""
        self.ensure_one()
        return event._process(self)

    def job_pull_page(self, object_name, page_cursor=None):
        """Import one page of changed objects and enqueue the next page."""
        self.ensure_one()
        checkpoint = self.env["connector.checkpoint"]._get_or_create(self, object_name)
        return checkpoint._pull_page(self, page_cursor)
