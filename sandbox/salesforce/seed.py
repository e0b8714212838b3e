"""Seeded org generator: accounts, contacts, products with standard prices,
opportunities, and closed-won deals with line items.

Records are built directly into the store (no HTTP, no per-record validation), with
strictly increasing SystemModstamps spread over the past year, so 20k accounts and
their related rows load in about a second and paginate deterministically.
"""

import time

from .domain import STAGES
from .ids import fmt_ms

DAY_MS = 86_400_000
OPEN_STAGES = [s for s, (_p, closed, _w, _f) in STAGES.items() if not closed]
PREFIXES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka",
    "Gringotts",
]
SUFFIXES = [
    "Industries",
    "Labs",
    "Holdings",
    "Systems",
    "Foods",
    "Logistics",
    "Partners",
    "Energy",
    "Retail",
    "Media",
]
FIRST = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Ken",
    "Barbara",
    "Dennis",
    "Frances",
    "Edsger",
    "Radia",
    "Tim",
    "Katherine",
    "Guido",
    "Hedy",
]
LAST = [
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Thompson",
    "Liskov",
    "Ritchie",
    "Allen",
    "Dijkstra",
    "Perlman",
    "Berners-Lee",
    "Johnson",
    "van Rossum",
    "Lamarr",
]
INDUSTRIES = ["Technology", "Manufacturing", "Retail", "Finance", "Healthcare"]
CITIES = [
    ("Brussels", "Belgium"),
    ("Paris", "France"),
    ("Berlin", "Germany"),
    ("Austin", "USA"),
    ("Toronto", "Canada"),
    ("Madrid", "Spain"),
]
FAMILIES = ["Hardware", "Software", "Services"]  # fmt: skip


class Builder:
    """Creates records with system fields and monotonically spaced timestamps."""

    def __init__(self, store, rng, days=365):
        self.store, self.rng = store, rng
        self.now = int(time.time() * 1000) - 60_000
        self.start = self.now - days * DAY_MS
        self._defaults = {}

    def stamps(self, count):
        step = max(1, (self.now - self.start) // max(count, 1))
        return (self.start + i * step + self.rng.randrange(step) for i in range(count))

    def record(self, sobject, stamp, values):
        stype = self.store.schema.types[sobject]
        if sobject not in self._defaults:
            self._defaults[sobject] = {n: f.default for n, f in stype.fields.items()}
        rec = dict(self._defaults[sobject])
        created = fmt_ms(max(self.start, stamp - self.rng.randrange(3 * DAY_MS)))
        modified = fmt_ms(stamp)
        rec.update(
            values,
            Id=self.store.ids.new(sobject),
            IsDeleted=False,
            CreatedDate=created,
            CreatedById=self.store.user_id,
            LastModifiedDate=modified,
            LastModifiedById=self.store.user_id,
            SystemModstamp=modified,
        )
        return rec

    def build(self, sobject, count, make):
        rows = [
            self.record(sobject, s, make(i)) for i, s in enumerate(self.stamps(count))
        ]
        self.store.load(sobject, rows)
        return rows


def seed_org(store, rng, accounts=300, contacts=900, products=50,
             opportunities=400, closed_won=120):  # fmt: skip
    """Populate ``store``; returns the number of records created per sObject."""
    store.ensure_standard_pricebook()
    b = Builder(store, rng)
    accts = b.build("Account", accounts, lambda i: _account(rng, i))
    b.build("Contact", contacts, lambda i: _contact(rng, i, accts))
    prods = b.build("Product2", products, lambda i: _product(rng, i))
    book = store.standard_pricebook_id()
    entries = b.build(
        "PricebookEntry", len(prods), lambda i: _entry(rng, prods[i], book)
    )
    won = min(closed_won, opportunities)
    opps = b.build(
        "Opportunity",
        opportunities,
        lambda i: _opportunity(rng, i, accts, i < won, book),
    )
    items = _line_items(b, [o for o in opps if o["IsWon"]], entries)
    return {"Account": len(accts), "Contact": contacts, "Product2": len(prods),
            "PricebookEntry": len(entries), "Opportunity": len(opps),
            "OpportunityLineItem": items}  # fmt: skip


def _account(rng, i):
    city, country = rng.choice(CITIES)
    name = f"{rng.choice(PREFIXES)} {rng.choice(SUFFIXES)} {i + 1:05d}"
    return {"Name": name, "Industry": rng.choice(INDUSTRIES), "Type": "Customer",
            "BillingCity": city, "BillingCountry": country,
            "Phone": f"+1-555-{rng.randrange(10**7):07d}",
            "Website": f"https://www.example.com/{i + 1}",
            "AnnualRevenue": float(rng.randrange(1, 500) * 10_000),
            "NumberOfEmployees": rng.randrange(1, 5000)}  # fmt: skip


def _contact(rng, i, accounts):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    account = accounts[rng.randrange(len(accounts))] if accounts else None
    return {"FirstName": first, "LastName": last, "Name": f"{first} {last}",
            "Email": f"{first}.{last.replace(' ', '')}{i + 1}@example.com".lower(),
            "Title": rng.choice(["CEO", "CFO", "Buyer", "Engineer", "Accountant"]),
            "AccountId": account["Id"] if account else None}  # fmt: skip


def _product(rng, i):
    return {"Name": f"{rng.choice(FAMILIES)} Item {i + 1:04d}",
            "ProductCode": f"P-{i + 1:04d}", "IsActive": True,
            "Family": rng.choice(FAMILIES)}  # fmt: skip


def _entry(rng, product, book):
    return {"Pricebook2Id": book, "Product2Id": product["Id"],
            "UnitPrice": float(rng.randrange(10, 2000)), "IsActive": True,
            "Name": product["Name"], "ProductCode": product["ProductCode"]}  # fmt: skip


def _opportunity(rng, i, accounts, won, book):
    stage = "Closed Won" if won else rng.choice(OPEN_STAGES + ["Closed Lost"])
    probability, closed, is_won, forecast = STAGES[stage]
    account = accounts[rng.randrange(len(accounts))] if accounts else None
    close = time.gmtime(time.time() + rng.randrange(-180, 90) * 86400)
    return {"Name": f"Deal {i + 1:05d}", "StageName": stage,
            "CloseDate": time.strftime("%Y-%m-%d", close),
            "Amount": None if won else float(rng.randrange(1, 100) * 500),
            "Probability": float(probability), "ForecastCategoryName": forecast,
            "IsClosed": closed, "IsWon": is_won,
            "Pricebook2Id": book if won else None,
            "AccountId": account["Id"] if account else None}  # fmt: skip


def _line_items(builder, won, entries):
    """1-3 line items per closed-won deal; Amount is their total (the roll-up)."""
    rows, rng = [], builder.rng
    if not entries:
        return 0
    plans = [(opp, rng.sample(entries, min(len(entries), rng.randint(1, 3))))
             for opp in won]  # fmt: skip
    stamps = builder.stamps(sum(len(e) for _o, e in plans))
    for opp, picked in plans:
        total = 0.0
        for entry in picked:
            qty = float(rng.randint(1, 10))
            price = entry["UnitPrice"]
            rows.append(builder.record("OpportunityLineItem", next(stamps), {
                "OpportunityId": opp["Id"], "PricebookEntryId": entry["Id"],
                "Product2Id": entry["Product2Id"], "ProductCode": entry["ProductCode"],
                "Name": f"{opp['Name']} {entry['Name']}", "Quantity": qty,
                "UnitPrice": price, "ListPrice": price, "TotalPrice": qty * price,
            }))  # fmt: skip
            total += qty * price
        opp["Amount"] = round(total, 2)
    builder.store.load("OpportunityLineItem", rows)
    return len(rows)
