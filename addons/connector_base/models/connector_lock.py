# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib

from odoo import api, models
from odoo.tools import SQL

from ..exceptions import ConcurrentUpdate


class ConnectorLock(models.AbstractModel):
    """Transaction-level advisory locks on remote objects.

    ``pg_try_advisory_xact_lock`` never waits: when another transaction holds
    the lock the job is retried a few seconds later. The lock is released at
    commit or rollback, so a crashed worker never leaves it behind.
    """

    _name = "connector.lock"
    _description = "Connector advisory locks"

    @api.model
    def _lock_key(self, backend, model_name, external_id):
        text = f"{backend._name},{backend.id},{model_name},{external_id}"
        digest = hashlib.sha1(text.encode(), usedforsecurity=False).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    @api.model
    def _acquire_or_retry(self, backend, model_name, external_ids, seconds=5):
        """Lock all ``external_ids`` in one query, or raise ``ConcurrentUpdate``."""
        keys = [self._lock_key(backend, model_name, xid) for xid in external_ids]
        if not keys:
            return
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FILTER (WHERE NOT pg_try_advisory_xact_lock(k)) "
                "FROM unnest(%s::bigint[]) AS k",
                keys,
            )
        )
        busy = self.env.cr.fetchone()[0]
        if busy:
            raise ConcurrentUpdate(
                f"{busy} {model_name} object(s) are being imported by another job",
                seconds=seconds,
            )
