"""Seeded bulk data: organizations, users and tickets, written straight to the store.

Validation and webhooks are skipped (the rows are built valid) so 100k objects load
in a couple of seconds. Timestamps are spread over the past year in insertion order
and never before the store's clock, so the change log stays sorted and the
incremental exports see the seeded rows as history. Organizations get external ids
(``org-000001``... or the ``organization_external_ids`` given, e.g. Odoo partner
refs for the demo) and tickets hang off users of those organizations.
"""

import time

from . import fields
from .store import ID_BASE

YEAR = 365 * 24 * 3600
WORDS = ("Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli",
         "Vandelay", "Soylent", "Tyrell", "Cyberdyne", "Wonka")  # fmt: skip
SUFFIX = ("Corp", "Ltd", "GmbH", "SARL", "Inc", "BV", "SA")
SUBJECTS = ("Invoice question", "Cannot log in", "Refund request", "Shipping delay",
            "Upgrade plan", "Wrong amount charged", "Feature request",
            "Password reset", "Data export", "Contract renewal")  # fmt: skip
STATUS_WEIGHTS = {"new": 10, "open": 25, "pending": 15, "hold": 5, "solved": 30,
                  "closed": 15}  # fmt: skip
PRIORITIES = (None, "low", "normal", "normal", "high", "urgent")
TIERS = ("basic", "premium", "enterprise")


def seed_data(svc, size, rng, organizations=None, users=None, tickets=None,
              organization_external_ids=None):  # fmt: skip
    """Generate the data set; returns the counts created per object."""
    ext_ids = list(organization_external_ids or [])
    counts = {
        "organizations": len(ext_ids) or _count(organizations, size),
        "users": _count(users, size * 2),
        "tickets": _count(tickets, size * 2),
    }
    stamps = _timeline(svc.store.clock, sum(counts.values()))
    org_ids = _organizations(svc, rng, counts["organizations"], ext_ids, stamps)
    agents, requesters = _users(svc, rng, counts["users"], org_ids, stamps)
    _tickets(svc, rng, counts["tickets"], agents, requesters, stamps)
    return counts


def _count(value, default):
    return int(default if value is None else value)


def _timeline(clock, total):
    """An iterator of non-decreasing epochs over the last year, ending now."""
    now = int(time.time())
    start = max(now - YEAR, clock.last)
    step = (now - start) / max(total, 1)
    clock.last = max(clock.last, now)
    return iter(int(start + i * step) for i in range(total))


def _insert(svc, kind, values, stamps):
    row = dict(fields.DEFAULTS[kind], **values)
    return svc.store.insert(kind, row, epoch=next(stamps), notify=False)


def _organizations(svc, rng, count, ext_ids, stamps):
    table = svc.store.table("organization")
    ids = []
    for i in range(count):
        n = table.next_id - ID_BASE["organization"]
        custom = {key: None for key in svc.custom["organization"]}
        if "tier" in custom:
            custom["tier"] = rng.choice(TIERS)
        if "account_number" in custom:
            custom["account_number"] = f"AC{n:07d}"
        name = f"{rng.choice(WORDS)} {rng.choice(SUFFIX)} {n}"
        row = _insert(svc, "organization", {
            "name": name, "external_id": ext_ids[i] if ext_ids else f"org-{n:06d}",
            "domain_names": [f"org{n}.example.com"], "organization_fields": custom,
            "tags": [rng.choice(TIERS)],
        }, stamps)  # fmt: skip
        ids.append(row["id"])
    return ids


def _users(svc, rng, count, org_ids, stamps):
    table = svc.store.table("user")
    agents, requesters = [], []
    for i in range(count):
        n = table.next_id - ID_BASE["user"]
        agent = i % 20 == 0
        org_id = None if agent or not org_ids else rng.choice(org_ids)
        row = _insert(svc, "user", {
            "name": f"{'Agent' if agent else 'Customer'} {n}",
            "email": f"{'agent' if agent else 'user'}{n}@example.com",
            "role": "agent" if agent else "end-user", "verified": True,
            "external_id": None if agent else f"user-{n:06d}",
            "organization_id": org_id,
            "user_fields": {key: None for key in svc.custom["user"]},
        }, stamps)  # fmt: skip
        (agents if agent else requesters).append((row["id"], org_id))
    return [rid for rid, _org in agents], requesters


def _tickets(svc, rng, count, agents, requesters, stamps):
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    for _ in range(count):
        requester, org_id = rng.choice(requesters) if requesters else (None, None)
        status = rng.choices(statuses, weights)[0]
        assignee = rng.choice(agents) if agents and status != "new" else None
        subject = rng.choice(SUBJECTS)
        _insert(svc, "ticket", {
            "subject": subject, "description": f"{subject}: please advise.",
            "status": status, "priority": rng.choice(PRIORITIES),
            "requester_id": requester, "submitter_id": requester,
            "assignee_id": assignee, "organization_id": org_id,
            "tags": [status],
        }, stamps)  # fmt: skip
