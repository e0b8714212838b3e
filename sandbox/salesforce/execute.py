"""Run a compiled SOQL plan: pick candidates, filter, sort, page, project."""

from .ids import to18
from .query import Path, compile_query, literal, sort_key
from .soql import Cmp


def _conjuncts(where):
    if isinstance(where, Cmp):
        return [where]
    if isinstance(where, tuple) and where[0] == "and":
        return [c for c in where[1] if isinstance(c, Cmp)]
    return []


def _plain(plan, cmp, name):
    return "." not in cmp.path and cmp.path.lower() == name.lower()


def _ordered_by_modstamp(plan):
    order = plan.query.order
    return bool(order) and order[0][0].lower() == "systemmodstamp" and not order[0][1]


def candidates(store, plan):
    """Yield candidate records, and say whether they already come sorted."""
    table = store.tables[plan.stype.name]
    conj = _conjuncts(plan.query.where)
    for cmp in conj:
        if _plain(plan, cmp, "Id") and cmp.op in ("=", "in"):
            ids = sorted(_ids(cmp))
            return [table.records[i] for i in ids if i in table.records], False
    by_stamp = _ordered_by_modstamp(plan)
    for cmp in conj:
        if _plain(plan, cmp, "SystemModstamp") and cmp.op in (">", ">="):
            bound = literal(plan.stype.fields["SystemModstamp"], cmp.value)
            if isinstance(bound, tuple):
                bound = bound[1] if cmp.op == ">" else bound[0]
                return table.by_modstamp(bound, inclusive=True), by_stamp
            return table.by_modstamp(bound, inclusive=cmp.op == ">="), by_stamp
    if by_stamp:
        return table.by_modstamp(), True
    return table.records.values(), False


def _ids(cmp):
    values = cmp.value if isinstance(cmp.value, list) else [cmp.value]
    return {to18(v.value) for v in values if isinstance(v.value, str) and to18(v.value)}


def run(store, plan, include_deleted=False):
    """Return the matching records, ordered, with OFFSET and LIMIT applied."""
    rows, presorted = candidates(store, plan)
    wanted = None
    if plan.query.limit is not None and presorted:
        wanted = plan.query.offset + plan.query.limit
    matched = []
    for rec in rows:
        if rec["IsDeleted"] and not include_deleted:
            continue
        if plan.predicate(rec):
            matched.append(rec)
            if wanted is not None and len(matched) >= wanted:
                break
    if not presorted:
        matched = sort_records(store, plan.order, matched)
    end = None if plan.query.limit is None else plan.query.offset + plan.query.limit
    return matched[plan.query.offset : end]


def sort_records(store, order, records):
    """Stable multi-key sort, last key first; nulls placed per key."""
    for path, desc, nulls_first in reversed(order):
        keyed = [(path_key(store, path, r), r) for r in records]
        nulls = [r for k, r in keyed if k is None]
        values = [(k, r) for k, r in keyed if k is not None]
        values.sort(key=lambda pair: pair[0], reverse=desc)
        ordered = [r for _k, r in values]
        records = nulls + ordered if nulls_first else ordered + nulls
    return records


def path_key(store, path, rec):
    return sort_key(path.field, path.get(store, rec))


def attributes(sobject, rid, version):
    url = f"/services/data/v{version}/sobjects/{sobject}/{rid}"
    return {"type": sobject, "url": url}


def project(store, plan, rec, version):
    """Shape one record as the query endpoint does, nested relationships included."""
    out = {"attributes": attributes(plan.stype.name, rec["Id"], version)}
    for item in plan.select:
        if isinstance(item, Path):
            _put_path(store, out, item, rec, version)
        else:
            out[item[0]] = _children(store, plan, item, rec, version)
    return out


def _put_path(store, out, path, rec, version):
    target = out
    for ref, stype in path.hops:
        rec = store.lookup(stype.name, rec.get(ref.name)) if rec else None
        name = ref.relationship_name
        if rec is None:
            target[name] = None
            return
        if target.get(name) is None:
            target[name] = {"attributes": attributes(stype.name, rec["Id"], version)}
        target = target[name]
    target[path.field.name] = rec.get(path.field.name)


def _children(store, plan, item, rec, version):
    name, child_plan = item
    child, field = plan.stype.children[name]
    table = store.tables[child]
    rows = [table.records[i] for i in table.child_ids(field, rec["Id"])]
    rows = sorted(rows, key=lambda r: r["Id"])
    rows = [r for r in rows if not r["IsDeleted"] and child_plan.predicate(r)]
    rows = sort_records(store, child_plan.order, rows)
    q = child_plan.query
    rows = rows[q.offset : None if q.limit is None else q.offset + q.limit]
    if not rows:
        return None
    records = [project(store, child_plan, r, version) for r in rows]
    return {"totalSize": len(records), "done": True, "records": records}


def aggregate_row(store, plan, rows):
    out = {"attributes": {"type": "AggregateResult"}}
    for alias, path in plan.aggregates:
        out[alias] = sum(1 for r in rows if path.get(store, r) is not None)
    return out


def execute(store, text, version, include_deleted=False):
    """Run ``text`` once: ``(plan, rows)``; rows are raw store records."""
    plan = compile_query(store.schema, store, text)
    return plan, run(store, plan, include_deleted)
