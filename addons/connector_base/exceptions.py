# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Typed errors of the sync engine.

Adapters translate every transport or client error into one of these, so the
importer, the exporter and the job runner only ever deal with this vocabulary.
Retryable ones subclass queue_job's ``RetryableJobError``: the job waits and
runs again instead of failing.
"""

from odoo.exceptions import UserError

from odoo.addons.queue_job.exception import RetryableJobError


class ConnectorError(Exception):
    """Base class of the non-retryable connector errors.

    ``exception_class`` is the business class stored on the
    ``connector.exception`` record created for it.
    """

    exception_class = "other"

    def __init__(self, message, payload=None):
        super().__init__(message)
        self.payload = payload


class IDMissingInBackend(ConnectorError):
    """The remote object does not exist (HTTP 404)."""

    exception_class = "missing_in_backend"


class AuthenticationFailed(ConnectorError):
    """The service rejected our credentials (HTTP 401/403)."""

    exception_class = "authentication_failed"


class InvalidPayload(ConnectorError):
    """The remote data cannot be mapped (missing or malformed fields)."""

    exception_class = "payload_invalid"


class MissingDependency(ConnectorError):
    """A record this one depends on cannot be found or imported."""

    exception_class = "missing_customer"


class OwnershipConflict(ConnectorError):
    """A write by a system that does not own the field, under policy 'raise'."""

    exception_class = "ownership_conflict"


class RejectedByOdoo(ConnectorError):
    """Odoo's own rules refused the record built from the service's data
    (a ``UserError``/``ValidationError`` such as an unbalanced entry)."""

    exception_class = "other"


class RemoteRequestError(ConnectorError):
    """Any other 4xx answer: our request is wrong, retrying will not help."""

    exception_class = "other"


class ConnectorRetryableError(RetryableJobError):
    """Transient failure: timeout, connection error, 5xx, lock busy."""


class RateLimited(ConnectorRetryableError):
    """HTTP 429 or our own budget exhausted; ``seconds`` is the wait."""


class ConcurrentUpdate(ConnectorRetryableError):
    """Another job holds the lock on, or just created, the same object."""


class ConfigurationError(UserError):
    """Bad backend configuration, with a message that says how to fix it."""
