"""Salesforce record ids and timestamps.

Ids are 15 case-sensitive characters (3-char key prefix, 2-char pod, 1 reserved,
9-char base62 counter) plus a 3-char case-folding checksum, because connectors key
bindings on the 18-char form and some compare the 15-char prefix.
Timestamps are stored as the API prints them (``2024-05-01T12:00:00.000+0000``):
UTC strings of one fixed width sort lexically in time order, so SOQL comparisons and
the SystemModstamp index work on plain strings.
"""

import string
import threading
import time
from datetime import datetime, timezone

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

KEY_PREFIXES = {
    "Account": "001",
    "Contact": "003",
    "User": "005",
    "Opportunity": "006",
    "OpportunityLineItem": "00k",
    "Organization": "00D",
    "Product2": "01t",
    "Pricebook2": "01s",
    "PricebookEntry": "01u",
    "QueryLocator": "01g",
    "BulkJob": "750",
}


def checksum(id15):
    """Return the 3-char suffix that makes an id case-insensitively unique."""
    out = ""
    for start in (0, 5, 10):
        bits = 0
        for i in range(5):
            if "A" <= id15[start + i] <= "Z":
                bits |= 1 << i
        out += _SUFFIX[bits]
    return out


def base62(number, width):
    digits = []
    while number:
        number, rem = divmod(number, 62)
        digits.append(BASE62[rem])
    return "".join(reversed(digits)).rjust(width, "0")


def make_id(prefix, counter, pod="5g"):
    id15 = f"{prefix}{pod}0{base62(counter, 9)}"
    return id15 + checksum(id15)


def to18(value):
    """Normalise a 15- or 18-char id to 18 chars; None when it is not an id."""
    if not isinstance(value, str) or len(value) not in (15, 18):
        return None
    if not all(ch in BASE62 for ch in value):
        return None
    id15 = value[:15]
    full = id15 + checksum(id15)
    if len(value) == 18 and value[15:].upper() != full[15:]:
        return None
    return full


class IdFactory:
    """Thread-safe per-prefix counters."""

    def __init__(self, pod="5g"):
        self.pod = pod
        self._counters = {}
        self._lock = threading.Lock()

    def new(self, sobject):
        prefix = KEY_PREFIXES.get(sobject, sobject)
        with self._lock:
            self._counters[prefix] = self._counters.get(prefix, 0) + 1
            return make_id(prefix, self._counters[prefix], self.pod)

    def reset(self):
        with self._lock:
            self._counters.clear()


def fmt_ms(ms):
    """Format epoch milliseconds as Salesforce prints datetimes (hot in seeding)."""
    t = time.gmtime(ms // 1000)
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{ms % 1000:03d}+0000"
    )


def fmt_dt(dt):
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+0000"


def parse_dt(text):
    """Parse the ISO 8601 forms clients send (Z, +0000, +00:00, no fraction)."""
    text = text.strip().replace(" ", "+")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if len(text) >= 5 and text[-5] in "+-" and ":" not in text[-5:]:
        text = text[:-2] + ":" + text[-2:]
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


class Clock:
    """Strictly increasing millisecond clock.

    Every write gets a distinct SystemModstamp, so the modstamp index stays sorted by
    appending and a ``> watermark`` cursor never skips a record written in the same
    millisecond as the previous page's last one.
    """

    def __init__(self):
        self._last = 0
        self._lock = threading.Lock()

    def now_ms(self):
        with self._lock:
            self._last = max(int(time.time() * 1000), self._last + 1)
            return self._last

    def now(self):
        return fmt_ms(self.now_ms())
