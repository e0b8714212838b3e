"""SOQL date keywords (TODAY, LAST_N_DAYS:n, ...) as half-open UTC ranges.

A keyword names a span, so ``= THIS_MONTH`` means "inside the span" and ``>`` means
"after its end"; the evaluator maps each operator onto the range bounds.
"""

from datetime import datetime, timedelta, timezone

from .errors import malformed_query


def _day(now, offset=0):
    start = datetime(now.year, now.month, now.day, tzinfo=timezone.utc)
    return start + timedelta(days=offset)


def _week(now, offset=0):
    sunday = _day(now) - timedelta(days=(now.weekday() + 1) % 7)
    start = sunday + timedelta(weeks=offset)
    return start, start + timedelta(weeks=1)


def _month(now, offset=0):
    index = now.year * 12 + now.month - 1 + offset
    start = datetime(index // 12, index % 12 + 1, 1, tzinfo=timezone.utc)
    nxt = index + 1
    return start, datetime(nxt // 12, nxt % 12 + 1, 1, tzinfo=timezone.utc)


def _year(now, offset=0):
    year = now.year + offset
    return (
        datetime(year, 1, 1, tzinfo=timezone.utc),
        datetime(year + 1, 1, 1, tzinfo=timezone.utc),
    )


def _days(start_offset, length):
    return lambda now, n: (
        _day(now, start_offset(n)),
        _day(now, start_offset(n) + length(n)),
    )


_FIXED = {
    "TODAY": lambda now: (_day(now), _day(now, 1)),
    "YESTERDAY": lambda now: (_day(now, -1), _day(now)),
    "TOMORROW": lambda now: (_day(now, 1), _day(now, 2)),
    "LAST_WEEK": lambda now: _week(now, -1),
    "THIS_WEEK": lambda now: _week(now),
    "NEXT_WEEK": lambda now: _week(now, 1),
    "LAST_MONTH": lambda now: _month(now, -1),
    "THIS_MONTH": lambda now: _month(now),
    "NEXT_MONTH": lambda now: _month(now, 1),
    "LAST_YEAR": lambda now: _year(now, -1),
    "THIS_YEAR": lambda now: _year(now),
    "NEXT_YEAR": lambda now: _year(now, 1),
    "LAST_90_DAYS": lambda now: (_day(now, -90), _day(now, 1)),
    "NEXT_90_DAYS": lambda now: (_day(now, 1), _day(now, 91)),
}
_WITH_N = {
    "LAST_N_DAYS": _days(lambda n: -n, lambda n: n + 1),
    "NEXT_N_DAYS": _days(lambda n: 1, lambda n: n),
    "N_DAYS_AGO": _days(lambda n: -n, lambda n: 1),
    "N_DAYS_FROM_NOW": _days(lambda n: n, lambda n: 1),
    "LAST_N_WEEKS": lambda now, n: (_week(now, -n)[0], _week(now)[0]),
    "NEXT_N_WEEKS": lambda now, n: (_week(now, 1)[0], _week(now, n + 1)[0]),
    "LAST_N_MONTHS": lambda now, n: (_month(now, -n)[0], _month(now)[0]),
    "NEXT_N_MONTHS": lambda now, n: (_month(now, 1)[0], _month(now, n + 1)[0]),
}


def keyword_range(word, arg, now=None):
    """Return ``(start, end)`` datetimes for a date keyword."""
    now = now or datetime.now(timezone.utc)
    if arg is None and word in _FIXED:
        return _FIXED[word](now)
    if arg is not None and word in _WITH_N:
        return _WITH_N[word](now, arg)
    raise malformed_query(f"unexpected token: '{word}'")
