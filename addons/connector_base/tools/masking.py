# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One masking utility for logs, job arguments and stored payloads."""

import hashlib
import json
import re

MASK = "***"

SENSITIVE_KEY_PARTS = (
    "secret",
    "password",
    "passwd",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "signature",
    "card_number",
    "cardnumber",
    "cvc",
    "cvv",
    "iban",
    "private_key",
    "session_id",
    "cookie",
)

# Values that look like credentials or card numbers wherever they appear.
SENSITIVE_VALUE_RE = re.compile(
    r"(?:(?:sk|rk|pk|whsec)_(?:test|live)_[A-Za-z0-9]+)"
    r"|(?:Bearer\s+[A-Za-z0-9._~+/=-]+)"
    r"|(?:Basic\s+[A-Za-z0-9+/=]{8,})"
)
CARD_RE = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")


def _luhn_ok(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _mask_card(match):
    digits = re.sub(r"\D", "", match.group(0))
    return MASK if 13 <= len(digits) <= 19 and _luhn_ok(digits) else match.group(0)


def is_sensitive_key(key, extra_keys=()):
    lowered = str(key).lower().replace("-", "_")
    parts = SENSITIVE_KEY_PARTS + tuple(k.lower() for k in extra_keys)
    return any(part in lowered for part in parts)


def mask_text(text, secrets=()):
    """Mask credential-looking substrings and the given literal secrets."""
    if not text:
        return text
    text = str(text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return CARD_RE.sub(_mask_card, SENSITIVE_VALUE_RE.sub(MASK, text))


def mask_data(data, extra_keys=(), secrets=()):
    """Return a deep copy of ``data`` with sensitive keys and values masked."""
    if isinstance(data, dict):
        return {
            key: (
                MASK
                if is_sensitive_key(key, extra_keys) and value not in (None, "")
                else mask_data(value, extra_keys, secrets)
            )
            for key, value in data.items()
        }
    if isinstance(data, list | tuple):
        return [mask_data(value, extra_keys, secrets) for value in data]
    if isinstance(data, str):
        return mask_text(data, secrets)
    return data


def mask_json(data, extra_keys=(), secrets=()):
    """Masked, stable JSON text of ``data`` (what we store on records)."""
    return json.dumps(
        mask_data(data, extra_keys, secrets), indent=1, sort_keys=True, default=str
    )


def payload_hash(data):
    """Stable hash of a payload, used to skip unchanged data."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
