"""List pagination: cursor (``page[size]``/``page[after]``) and offset (``page``).

Zendesk recommends cursor pagination and caps ``page[size]`` at 100; offset
pagination (``page``, ``per_page``, ``next_page``, ``count``) is kept because older
clients still use it. Rows are listed in id order; a cursor is the opaque base64 of
the boundary id, so deleting rows between two requests never skips or repeats one.
"""

import base64
import bisect
from urllib.parse import urlencode

from .errors import bad_request

MAX_PAGE = 100


def encode_cursor(value):
    return base64.urlsafe_b64encode(f"zd:{value}".encode()).decode().rstrip("=")


def decode_cursor(token):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        prefix, value = raw.split(":", 1)
        if prefix != "zd":
            raise ValueError(raw)
        return value
    except (ValueError, UnicodeDecodeError):
        raise bad_request("page[after] / page[before] cursor is invalid") from None


def _cursor_id(token):
    value = decode_cursor(token)
    if not value.isdigit():
        raise bad_request("page[after] / page[before] cursor is invalid")
    return int(value)


def page_size(req, key, default=MAX_PAGE, maximum=MAX_PAGE):
    raw = req.arg(key)
    if raw is None:
        return default
    try:
        size = int(raw)
    except ValueError:
        raise bad_request(f"{key} must be an integer") from None
    if size < 1:
        raise bad_request(f"{key} must be positive")
    return min(size, maximum)


def is_cursor(req):
    return any(key.startswith("page[") for key in req.query)


def paginate(req, base_url, ids, render, plural):
    """The list body for ``ids`` (sorted ints), cursor or offset style."""
    if is_cursor(req):
        return _cursor_page(req, base_url, ids, render, plural)
    return _offset_page(req, base_url, ids, render, plural)


def _cursor_page(req, base_url, ids, render, plural):
    size = page_size(req, "page[size]")
    after, before = req.arg("page[after]"), req.arg("page[before]")
    if before:
        end = bisect.bisect_left(ids, _cursor_id(before))
        start = max(0, end - size)
        has_more = start > 0
    else:
        start = bisect.bisect_right(ids, _cursor_id(after)) if after else 0
        end = min(len(ids), start + size)
        has_more = end < len(ids)
    chunk = ids[start:end]
    first = encode_cursor(chunk[0]) if chunk else None
    last = encode_cursor(chunk[-1]) if chunk else None
    extra = _keep(req, "page[size]", "page[after]", "page[before]")
    has_prev, has_next = start > 0, end < len(ids)
    links = {
        "prev": _url(base_url, extra, {"page[size]": size, "page[before]": first})
        if first and has_prev else None,
        "next": _url(base_url, extra, {"page[size]": size, "page[after]": last})
        if last and has_next else None,
    }  # fmt: skip
    return {
        plural: [render(rid) for rid in chunk],
        "meta": {"has_more": has_more, "after_cursor": last, "before_cursor": first},
        "links": links,
    }


def _offset_page(req, base_url, ids, render, plural):
    size = page_size(req, "per_page")
    page = page_size(req, "page", default=1, maximum=10**9)
    start = (page - 1) * size
    chunk = ids[start : start + size]
    extra = _keep(req, "page", "per_page")
    more = start + size < len(ids)
    return {
        plural: [render(rid) for rid in chunk],
        "next_page": _url(base_url, extra, {"page": page + 1, "per_page": size})
        if more else None,
        "previous_page": _url(base_url, extra, {"page": page - 1, "per_page": size})
        if page > 1 else None,
        "count": len(ids),
    }  # fmt: skip


def _keep(req, *dropped):
    return [(k, v) for k, vs in req.query.items() if k not in dropped for v in vs]


def _url(base_url, extra, params):
    return f"{base_url}?{urlencode(extra + list(params.items()))}"
