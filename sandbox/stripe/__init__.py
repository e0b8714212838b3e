"""A stateful fake of the Stripe API (see ``server.StripeServer``)."""

from .server import DEFAULT_API_KEYS, StripeServer

__all__ = ["DEFAULT_API_KEYS", "StripeServer"]
