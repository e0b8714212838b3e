"""SOQL evaluation against the store: resolve, plan, filter, sort, project.

The planner uses the store's indexes for the two access paths connectors hammer:
``Id = / IN`` lookups and ``SystemModstamp > X ORDER BY SystemModstamp LIMIT n``
watermark pages, which walk the modstamp index and stop after ``n`` matches. Any
other query is a filtered scan plus a sort, fine for tens of thousands of rows.
"""

import re
from dataclasses import dataclass

from .dateliterals import keyword_range
from .errors import SalesforceError, invalid_field
from .ids import fmt_dt, parse_dt, to18
from .schema import NUMBER_TYPES, TEXT_TYPES
from .soql import Cmp, Query, parse

_NO_COLUMN = (
    "No such column '{name}' on entity '{entity}'. If you are attempting to use a "
    "custom field, be sure to append the '__c' after the custom field name. Please "
    "reference your WSDL or the describe call for the appropriate names."
)
_NO_RELATION = (
    "Didn't understand relationship '{name}' in field path. If you are attempting to "
    "use a custom relationship, be sure to append the '__r' after the custom "
    "relationship name. Please reference your WSDL or the describe call for the "
    "appropriate names."
)


@dataclass
class Path:
    """A resolved field path: relationship hops then the final field."""

    hops: list  # [(reference field, target SObjectType)]
    field: object
    label: str

    def get(self, store, rec):
        for ref, target in self.hops:
            rec = store.lookup(target.name, rec.get(ref.name))
            if rec is None:
                return None
        return rec.get(self.field.name)


def resolve(schema, stype, dotted):
    parts = dotted.split(".")
    if len(parts) > 1 and parts[0].lower() == stype.name.lower():
        parts = parts[1:]
    hops, current = [], stype
    for name in parts[:-1]:
        ref = current.relationship(name)
        if ref is None or ref.reference_to not in schema.types:
            raise invalid_field(_NO_RELATION.format(name=name))
        current = schema.types[ref.reference_to]
        hops.append((ref, current))
    field = current.field(parts[-1])
    if field is None:
        raise invalid_field(_NO_COLUMN.format(name=parts[-1], entity=current.name))
    label = ".".join([h[0].relationship_name for h in hops] + [field.name])
    return Path(hops, field, label)


def sort_key(field, value):
    if value is None:
        return None
    if field.type in TEXT_TYPES and field.type != "id":
        return value.lower()
    return value


def literal(field, lit):
    """The comparable form of a literal for ``field``: value or (start, end)."""
    if lit.kind == "null":
        return None
    if lit.kind == "keyword":
        if field.type not in ("date", "datetime"):
            raise SalesforceError(
                "INVALID_QUERY_FILTER_OPERATOR",
                f"value of filter criterion for field '{field.name}' must be of type "
                f"{field.type}",
            )
        start, end = keyword_range(lit.value, lit.arg)
        return (_date_form(field, start), _date_form(field, end))
    if field.type in ("date", "datetime") and lit.kind in ("date", "datetime"):
        return _date_form(
            field,
            parse_dt(lit.value if lit.kind == "datetime" else lit.value + "T00:00:00Z"),
        )
    if field.type in ("id", "reference") and lit.kind == "string":
        return to18(lit.value) or lit.value
    if field.type in NUMBER_TYPES or field.type == "int":
        return float(lit.value)
    return sort_key(field, lit.value)


def _date_form(field, dt):
    return dt.strftime("%Y-%m-%d") if field.type == "date" else fmt_dt(dt)


def _compare(op, value, target):
    if isinstance(target, tuple):
        start, end = target
        inside = value is not None and start <= value < end
        ranged = {"=": inside, "!=": not inside}
        if op in ranged:
            return ranged[op]
        target = {"<": start, ">=": start, "<=": end, ">": end}[op]
        op = {"<=": "<", ">": ">="}.get(op, op)
    if op == "=":
        return value == target
    if op == "!=":
        return value != target
    if value is None or target is None:
        return False
    return {
        "<": value < target,
        "<=": value <= target,
        ">": value > target,
        ">=": value >= target,
    }[op]


def _split(value):
    return set((value or "").split(";"))


def _like(pattern):
    out = []
    for ch in pattern:
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


class Compiler:
    """Turns a parsed WHERE tree into a predicate ``rec -> bool``."""

    def __init__(self, schema, store, stype):
        self.schema, self.store, self.stype = schema, store, stype

    def compile(self, expr):
        if expr is None:
            return lambda rec: True
        if isinstance(expr, Cmp):
            return self.comparison(expr)
        kind, inner = expr
        if kind == "not":
            pred = self.compile(inner)
            return lambda rec: not pred(rec)
        preds = [self.compile(part) for part in inner]
        combine = all if kind == "and" else any
        return lambda rec: combine(p(rec) for p in preds)

    def comparison(self, cmp):
        path = resolve(self.schema, self.stype, cmp.path)
        store, field = self.store, path.field

        def value(rec):
            return sort_key(field, path.get(store, rec))

        if cmp.op in ("in", "not in"):
            wanted = {literal(field, lit) for lit in cmp.value}
            negate = cmp.op == "not in"
            return lambda rec: (value(rec) in wanted) != negate
        if cmp.op in ("includes", "excludes"):
            wanted = {literal(field, lit) for lit in cmp.value}
            negate = cmp.op == "excludes"
            return lambda rec: bool(_split(value(rec)) & wanted) != negate
        if cmp.op == "like":
            regex = _like(cmp.value.value)
            return lambda rec: bool(regex.fullmatch(value(rec) or ""))
        target = literal(field, cmp.value)
        return lambda rec: _compare(cmp.op, value(rec), target)


@dataclass
class Plan:
    stype: object
    query: Query
    predicate: object
    select: list  # [Path | (child name, Plan)]
    order: list  # [(Path, desc, nulls_first)]
    aggregates: list  # [(alias, Path)]


def compile_query(schema, store, text_or_query, stype=None):
    query = parse(text_or_query) if isinstance(text_or_query, str) else text_or_query
    if stype is None:
        stype = _sobject(schema, query.sobject)
    select = [_select_item(schema, store, stype, item) for item in query.fields]
    order = [(resolve(schema, stype, p), d, n) for p, d, n in query.order]
    aggregates = [(a, resolve(schema, stype, p)) for a, p in query.aggregates]
    predicate = Compiler(schema, store, stype).compile(query.where)
    return Plan(stype, query, predicate, select, order, aggregates)


def _sobject(schema, name):
    try:
        return schema.get(name)
    except SalesforceError:
        raise SalesforceError(
            "INVALID_TYPE",
            f"sObject type '{name}' is not supported. If you are attempting to use a "
            "custom object, be sure to append the '__c' after the entity name.",
        ) from None


def _select_item(schema, store, stype, item):
    if not isinstance(item, Query):
        return resolve(schema, stype, item)
    for name, (child, _field) in stype.children.items():
        if name.lower() == item.sobject.lower():
            plan = compile_query(schema, store, item, schema.types[child])
            return (name, plan)
    raise invalid_field(_NO_RELATION.format(name=item.sobject))
