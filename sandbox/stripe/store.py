"""In-memory object store: ids, newest-first cursor lists, and ``expand``.

Objects are stored as the JSON dicts the API returns, with references held as ids
(``"customer": "cus_..."``); ``expand`` swaps ids for objects at render time only,
so stored state never nests stale copies. Every kind keeps its ids in creation
order, which makes ``starting_after``/``ending_before`` an index lookup: a
2,500-object walk costs one slice per page, not one scan.
"""

import string

from . import errors

ALPHABET = string.ascii_letters + string.digits
MAX_EXPAND_DEPTH = 4


class Store:
    def __init__(self, rng):
        self.rng = rng
        self.clear()

    def clear(self):
        self.objects = {}
        self.kinds = {}  # id -> kind
        self.order = {}  # kind -> [id, ...] oldest first
        self.position = {}  # id -> index in order[kind]

    def new_id(self, prefix, length=24):
        return f"{prefix}_{''.join(self.rng.choices(ALPHABET, k=length))}"

    def add(self, kind, obj):
        ids = self.order.setdefault(kind, [])
        self.position[obj["id"]] = len(ids)
        ids.append(obj["id"])
        self.objects[obj["id"]] = obj
        self.kinds[obj["id"]] = kind
        return obj

    def get(self, kind, id_, param="id"):
        obj = self.objects.get(id_)
        if obj is None or self.kinds.get(id_) != kind:
            raise errors.missing(kind, id_, param)
        return obj

    def find(self, id_):
        return self.objects.get(id_)

    def delete(self, id_):
        self.objects.pop(id_, None)

    def count(self, kind):
        return sum(1 for id_ in self.order.get(kind, ()) if id_ in self.objects)

    def all(self, kind):
        """Live objects of a kind, oldest first."""
        objects = self.objects
        return [objects[i] for i in self.order.get(kind, ()) if i in objects]

    # -- lists -----------------------------------------------------------------
    def page(self, kind, params, url, match=None):
        """A Stripe list object, newest first, honoring the cursor params."""
        limit = page_limit(params)
        created = _created_filter(params.get("created"))
        ids = self.order.get(kind, [])
        after, before = params.get("starting_after"), params.get("ending_before")
        if before:
            indexes = range(self._cursor(kind, before, "ending_before") + 1, len(ids))
        else:
            start = self._cursor(kind, after, "starting_after") if after else len(ids)
            indexes = range(start - 1, -1, -1)
        found = []
        for index in indexes:
            obj = self.objects.get(ids[index])
            if obj is None or (created and not created(obj.get("created", 0))):
                continue
            if match is None or match(obj):
                found.append(obj)
                if len(found) > limit:
                    break
        has_more = len(found) > limit
        found = found[:limit]
        if before:
            found.reverse()
        return list_object(found, url, has_more)

    def _cursor(self, kind, id_, param):
        if self.kinds.get(id_) != kind:
            raise errors.missing(kind, id_, param)
        return self.position[id_]

    # -- expand ----------------------------------------------------------------
    def render(self, obj, expand=()):
        for path in expand:
            parts = str(path).split(".")
            if len(parts) > MAX_EXPAND_DEPTH:
                raise errors.invalid(
                    f"You cannot expand more than {MAX_EXPAND_DEPTH} levels of a "
                    f"property. Property: {path}",
                    "expand",
                )
            obj = self._expand(obj, parts, path, top=True)
        return obj

    def _expand(self, value, parts, path, top=False):
        if isinstance(value, list):
            return [self._expand(item, parts, path) for item in value]
        if isinstance(value, str):
            value = self.objects.get(value, value)
        if not isinstance(value, dict):
            return value
        head, rest = parts[0], parts[1:]
        if head not in value:
            if top:
                raise errors.invalid(
                    f"This property cannot be expanded ({path}).", "expand"
                )
            return value
        copy = dict(value)
        target = copy[head]
        if rest:
            copy[head] = self._expand(target, rest, path)
        elif isinstance(target, list):
            copy[head] = [
                self.objects.get(item, item) if isinstance(item, str) else item
                for item in target
            ]
        elif isinstance(target, str):
            copy[head] = self.objects.get(target, target)
        return copy


def list_object(data, url, has_more=False):
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


def page_limit(params):
    value = params.get("limit")
    if value in (None, ""):
        return 10
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise errors.invalid(f"Invalid integer: {value}", "limit") from None
    if not 1 <= limit <= 100:
        raise errors.invalid(
            "This value must be greater than or equal to 1 and less than or equal "
            "to 100.",
            "limit",
        )
    return limit


def _created_filter(value, name="created"):
    """A predicate for ``created=N`` or ``created[gt|gte|lt|lte]=N``."""
    if value in (None, ""):
        return None
    bounds = value if isinstance(value, dict) else {"eq": value}
    tests = {
        "eq": int.__eq__,
        "gt": int.__gt__,
        "gte": int.__ge__,
        "lt": int.__lt__,
        "lte": int.__le__,
    }
    checks = []
    for op, raw in bounds.items():
        if op not in tests:
            raise errors.unknown_parameter(f"{name}[{op}]")
        try:
            checks.append((tests[op], int(raw)))
        except (TypeError, ValueError):
            raise errors.invalid(f"Invalid integer: {raw}", f"{name}[{op}]") from None
    return lambda created: all(test(created, bound) for test, bound in checks)


def range_filter(value, name):
    return _created_filter(value, name)
