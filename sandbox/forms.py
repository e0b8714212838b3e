"""Form and query-string decoding the way Stripe (and Rails/Rack) read it.

``a[b][c]=1`` becomes ``{"a": {"b": {"c": "1"}}}``; ``items[0][price]=x`` and
``expand[]=y`` become lists. Dicts whose keys are all digits are turned into lists
in index order, which is what stripe-python sends for arrays (``expand[0]=...``).
"""

import re
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


class FormError(ValueError):
    """A key that cannot be parsed, or a key used both as a value and a hash."""


def parse_pairs(pairs):
    """Nested structure from ``[(key, value), ...]`` pairs."""
    root = {}
    for key, value in pairs:
        _insert(root, _split(key), value)
    return _listify(root)


def parse_form(data):
    """Nested structure from an ``application/x-www-form-urlencoded`` string."""
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    return parse_pairs(parse_qsl(data, keep_blank_values=True))


def _split(key):
    match = _KEY.match(key)
    if not match:
        raise FormError(f"Invalid parameter name: {key}")
    return [match.group(1)] + _PART.findall(match.group(2))


def _insert(node, parts, value):
    for depth, part in enumerate(parts[:-1]):
        if part == "":
            part = str(_next_index(node))
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise FormError(f"Invalid parameter: {'.'.join(parts[: depth + 1])}")
        node = child
    last = parts[-1] if parts[-1] != "" else str(_next_index(node))
    if isinstance(node.get(last), dict):
        raise FormError(f"Invalid parameter: {'.'.join(parts)}")
    node[last] = value


def _next_index(node):
    return len(node)


def _listify(node):
    if not isinstance(node, dict):
        return node
    items = {key: _listify(value) for key, value in node.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items
