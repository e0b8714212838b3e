"""A seeded, realistic Stripe dataset built straight into memory.

It goes through the same domain functions as the HTTP API (so every invariant the
API keeps holds here too) but skips HTTP and, unless ``webhooks=True``, events, and
it drives the clock itself: objects get strictly increasing ``created`` stamps over
the last ``days`` days, so ``created[gte]`` windows and backfills see history.

``size`` picks proportional defaults; each count can be given exactly instead
(``invoices`` is the total, subscription invoices included)::

    generate(state, 50, random.Random(42), customers=200, subscriptions=50,
             invoices=600, payments=100, refunds=20, disputes=5, credit_notes=15,
             payouts=12)
"""

import random

from . import (
    billing,
    catalog,
    credit_notes,
    invoice_items,
    ledger,
    payments,
    refunds,
    subscriptions,
)

CURRENCIES = (("usd", 0.5), ("eur", 0.3), ("gbp", 0.2))
PERIOD = {True: "monthly", False: "once"}
TAX_ID_TYPE = {"usd": "us_ein", "eur": "eu_vat", "gbp": "gb_vat"}
FIRST = (
    "Ada",
    "Bruno",
    "Chloé",
    "Dev",
    "Emma",
    "Farid",
    "Greta",
    "Hugo",
    "Iris",
    "Jonas",
    "Kenji",
    "Lena",
    "Marta",
    "Noah",
    "Olga",
    "Pablo",
)
LAST = (
    "Lovelace",
    "Martin",
    "Dubois",
    "Patel",
    "Schmidt",
    "Rossi",
    "Nakamura",
    "García",
    "Smith",
    "Okafor",
    "Jensen",
    "Novak",
)
COMPANY = ("Ltd", "GmbH", "SARL", "Inc.", "BV", "AB")
PRODUCTS = (
    "Starter plan",
    "Pro plan",
    "Enterprise plan",
    "Onboarding",
    "Support hours",
    "Extra seats",
    "API add-on",
    "Training day",
    "Data export",
    "Premium SLA",
)
TAX_RATES = (
    ("usd", "Sales tax", 8.875, False, "US"),
    ("eur", "VAT", 19.0, False, "DE"),
    ("eur", "VAT", 21.0, True, "NL"),
    ("gbp", "VAT", 20.0, False, "GB"),
)


def default_counts(size):
    return {
        "customers": size,
        "products": max(3, size // 10),
        "subscriptions": size // 2,
        "invoices": size,
        "payments": size // 2,
        "refunds": max(1, size // 20),
        "disputes": max(1, size // 50),
        "credit_notes": max(1, size // 25),
        "payouts": max(1, size // 25),
    }


def generate(state, size=50, rng=None, webhooks=False, days=365, **counts):
    """Build the dataset; returns the number of objects of each kind."""
    rng = rng or random.Random(0)
    unknown = set(counts) - set(default_counts(0))
    if unknown:
        raise ValueError(f"unknown seed count(s): {', '.join(sorted(unknown))}")
    plan = dict(default_counts(int(size)), **{k: int(v) for k, v in counts.items()})
    if plan["invoices"] < plan["subscriptions"]:
        raise ValueError(
            "invoices counts subscription invoices: need invoices >= subscriptions"
        )
    seeder = _Seeder(state, rng, plan, days)
    previous = state.emit_events
    state.emit_events = webhooks
    try:
        seeder.run()
    finally:
        state.emit_events = previous
        state.fixed_now = None
    kinds = (
        "customer",
        "product",
        "price",
        "tax_rate",
        "subscription",
        "invoice",
        "line_item",
        "credit_note",
        "payment_intent",
        "charge",
        "refund",
        "dispute",
        "balance_transaction",
        "payout",
    )
    return {kind: state.store.count(kind) for kind in kinds}


class _Seeder:
    def __init__(self, state, rng, plan, days):
        self.state, self.rng, self.plan = state, rng, plan
        operations = sum(plan.values()) + 10
        self.step = days * 86400 / operations
        self.clock = state.now() - days * 86400
        self.customers, self.charges, self.paid = [], [], []
        self.prices = {}  # (currency, recurring) -> [price]
        self.rates = {}

    def tick(self):
        self.clock += self.step * self.rng.uniform(0.5, 1.5)
        self.state.fixed_now = int(self.clock)

    def run(self):
        self.catalog()
        for _ in range(self.plan["customers"]):
            self.tick()
            self.customer()
        manual = self.plan["invoices"] - self.plan["subscriptions"]
        ops = (
            ["subscription"] * self.plan["subscriptions"]
            + ["invoice"] * manual
            + ["payment"] * self.plan["payments"]
        )
        self.rng.shuffle(ops)
        payouts = self.plan["payouts"]
        for index in range(payouts, 0, -1):  # evenly spread, funds in between
            ops.insert(len(ops) * index // (payouts + 1) + 1, "payout")
        for op in ops:
            self.tick()
            getattr(self, op)()
        self.aftermath()

    def catalog(self):
        for currency, name, percent, inclusive, country in TAX_RATES:
            self.tick()
            rate = catalog.create_tax_rate(
                self.state,
                {
                    "display_name": name,
                    "percentage": percent,
                    "country": country,
                    "inclusive": "true" if inclusive else "false",
                },
            )
            self.rates.setdefault(currency, []).append(rate["id"])
        for index in range(self.plan["products"]):
            self.tick()
            name = PRODUCTS[index % len(PRODUCTS)]
            if index >= len(PRODUCTS):
                name = f"{name} {index // len(PRODUCTS) + 1}"
            product = catalog.create_product(self.state, {"name": name})
            base = self.rng.choice((900, 1900, 4900, 9900, 29900))
            for currency, _ in CURRENCIES:
                for recurring in (True, False):
                    price = catalog.create_price(
                        self.state,
                        {
                            "product": product["id"],
                            "currency": currency,
                            "unit_amount": base if recurring else base * 3,
                            "recurring": {"interval": "month"} if recurring else None,
                            "nickname": f"{name} ({PERIOD[recurring]})",
                        },
                    )
                    self.prices.setdefault((currency, recurring), []).append(price)

    def customer(self):
        rng = self.rng
        currency = rng.choices([c for c, _ in CURRENCIES], [w for _, w in CURRENCIES])[
            0
        ]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        params = {
            "name": f"{first} {last}",
            "email": f"{first}.{last}.{len(self.customers)}@example.com".lower(),
            "metadata": {"segment": rng.choice(("smb", "mid", "enterprise"))},
        }
        if rng.random() < 0.3:
            params["name"] = f"{last} {rng.choice(COMPANY)}"
            params["tax_id_data"] = [
                {
                    "type": TAX_ID_TYPE[currency],
                    "value": f"{currency[:2].upper()}{rng.randrange(10**8, 10**9)}",
                }
            ]
        self.customers.append(catalog.create_customer(self.state, params, currency))

    def _rates(self, currency):
        rates = self.rates.get(currency, [])
        return [self.rng.choice(rates)] if rates and self.rng.random() < 0.8 else []

    def subscription(self):
        customer = self.rng.choice(self.customers)
        price = self.rng.choice(self.prices[(customer["currency"], True)])
        sub = subscriptions.create_subscription(
            self.state,
            {
                "customer": customer["id"],
                "default_tax_rates": self._rates(customer["currency"]),
                "items": [
                    {
                        "price": price["id"],
                        "quantity": str(self.rng.choice((1, 1, 2, 5))),
                    }
                ],
            },
        )
        self._track(self.state.store.get("invoice", sub["latest_invoice"]))

    def invoice(self):
        state, rng = self.state, self.rng
        customer = rng.choice(self.customers)
        invoice = billing.new_invoice(
            state,
            customer,
            customer["currency"],
            rate_ids=self._rates(customer["currency"]),
        )
        for _ in range(rng.choice((1, 1, 2, 3))):
            price = rng.choice(self.prices[(customer["currency"], False)])
            quantity = rng.choice((1, 1, 2, 4))
            invoice_items.add_item(
                state,
                customer,
                price["unit_amount"] * quantity,
                customer["currency"],
                quantity,
                price,
                invoice,
            )
        billing.finalize(state, invoice)
        fate = rng.random()
        if fate < 0.75:
            billing.pay(state, invoice)
        elif fate < 0.85:
            billing._transition("void", "voided_at", "invoice.voided")(
                state, invoice, {}
            )
        elif fate < 0.92:
            billing._transition(
                "uncollectible",
                "marked_uncollectible_at",
                "invoice.marked_uncollectible",
            )(state, invoice, {})
        self._track(invoice)

    def _track(self, invoice):
        if invoice["status"] == "paid" and invoice["amount_paid"] > 0:
            self.paid.append(invoice)
            for record in invoice["payments"]["data"]:
                intent = self.state.store.find(record["payment"]["payment_intent"])
                self.charges.append(
                    self.state.store.get("charge", intent["latest_charge"])
                )

    def payment(self):
        customer = self.rng.choice(self.customers)
        intent = payments.create_intent(
            self.state,
            {
                "amount": str(self.rng.randrange(500, 50000, 100)),
                "currency": customer["currency"],
                "customer": customer["id"],
                "description": "One-off payment",
            },
        )
        payments.confirm(self.state, intent, payments.DEFAULT_METHOD)
        self.charges.append(self.state.store.get("charge", intent["latest_charge"]))

    def aftermath(self):
        """Refunds, disputes and credit notes on earlier money, then payouts."""
        rng, state = self.rng, self.state
        pool = list(self.charges)
        rng.shuffle(pool)
        for charge in pool[: self.plan["refunds"]]:
            self.tick()
            amount = charge["amount"] if rng.random() < 0.5 else charge["amount"] // 2
            refunds.refund_charge(
                state, charge, max(amount, 1), "requested_by_customer"
            )
        undisputed = [c for c in pool[self.plan["refunds"] :] if not c["refunded"]]
        for charge in undisputed[: self.plan["disputes"]]:
            self.tick()
            ledger.create_dispute(
                state,
                charge,
                rng.choice(
                    ("fraudulent", "product_not_received", "duplicate", "general")
                ),
            )
        invoices = [i for i in self.paid if not i["post_payment_credit_notes_amount"]]
        rng.shuffle(invoices)
        for invoice in invoices[: self.plan["credit_notes"]]:
            self.tick()
            credit_notes.create_credit_note(
                state,
                {
                    "invoice": invoice["id"],
                    "amount": str(max(invoice["total"] // 4, 1)),
                    "reason": "order_change",
                    "credit_amount": str(max(invoice["total"] // 4, 1)),
                },
            )

    def payout(self):
        """One payout, rotating currencies; none if no currency has funds."""
        codes = [code for code, _ in CURRENCIES]
        self.payout_runs = getattr(self, "payout_runs", 0) + 1
        for shift in range(len(codes)):
            code = codes[(self.payout_runs + shift) % len(codes)]
            if ledger.run_payouts(self.state, code):
                return
