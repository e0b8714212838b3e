# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared set-up: a sandbox Stripe server, a chart of accounts, a backend."""

import hashlib
import hmac
import json
import random
import time
from collections import defaultdict

import stripe

from sandbox.stripe import StripeServer

API_KEY = "sk_test_sandbox"
WEBHOOK_SECRET = "whsec_test_connector_stripe"
# Stripe tax rates of the sandbox seeder: (percentage, inclusive) -> tax name
SEED_TAXES = {
    (8.875, False): "US sales tax 8.875%",
    (19.0, False): "DE VAT 19%",
    (21.0, True): "NL VAT 21% incl.",
    (20.0, False): "GB VAT 20%",
}


def sign(body, secret=WEBHOOK_SECRET, timestamp=None):
    """Stripe-Signature the documented way: HMAC-SHA256 of "{t}.{body}"."""
    timestamp = int(timestamp or time.time())
    payload = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class StripeCase:
    """Mixin for TransactionCase / HttpCase classes."""

    @classmethod
    def _setup_stripe(cls):
        cls.server = StripeServer(seed=3)
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)
        cls.client = stripe.StripeClient(
            API_KEY, base_addresses={"api": cls.server.url}, max_network_retries=0
        ).v1
        company = cls.env.company
        if not company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
        cls.env["res.currency"].with_context(active_test=False).search(
            [("name", "in", ("USD", "EUR", "GBP"))]
        ).write({"active": True})
        cls.journal = cls.env["account.journal"].create(
            {"name": "Stripe", "code": "STRP", "type": "bank"}
        )
        cls.bank_journal = cls.env["account.journal"].create(
            {"name": "Bank (payouts)", "code": "BNKP", "type": "bank"}
        )
        account = cls.env["account.account"]
        cls.fee_account = account.create(
            {"name": "Stripe fees", "code": "626100", "account_type": "expense"}
        )
        cls.dispute_account = account.create(
            {
                "name": "Disputed funds",
                "code": "467100",
                "account_type": "asset_current",
            }
        )
        cls.backend = cls.env["stripe.backend"].create(
            {
                "name": "Stripe sandbox",
                "base_url": cls.server.url,
                "api_key": API_KEY,
                "webhook_secret": WEBHOOK_SECRET,
                "rate_limit_per_minute": 0,
                "request_timeout": 5,
                "state": "connected",
                "journal_id": cls.journal.id,
                "fee_account_id": cls.fee_account.id,
                "payout_journal_id": cls.bank_journal.id,
                "dispute_account_id": cls.dispute_account.id,
            }
        )
        cls.taxes = {
            key: cls.env["account.tax"].create(
                {
                    "name": name,
                    "amount": key[0],
                    "type_tax_use": "sale",
                    "price_include_override": "tax_included"
                    if key[1]
                    else "tax_excluded",
                }
            )
            for key, name in SEED_TAXES.items()
        }

    @classmethod
    def _map_taxes(cls):
        """Map every Stripe tax rate of the sandbox by percentage."""
        for rate in cls.client.tax_rates.list(params={"limit": 100}).data:
            key = (rate.percentage, rate.inclusive)
            cls.env["stripe.tax.map"].create(
                {
                    "backend_id": cls.backend.id,
                    "stripe_tax_rate": rate.id,
                    "percentage": rate.percentage,
                    "inclusive": rate.inclusive,
                    "tax_id": cls.taxes[key].id,
                }
            )

    @classmethod
    def _seed(cls, **counts):
        return cls.server.seed(0, random.Random(11), **counts)

    # ------------------------------------------------------------------
    # Sandbox helpers
    # ------------------------------------------------------------------
    def _all(self, resource):
        return [
            obj.to_dict()
            for obj in getattr(self.client, resource)
            .list(params={"limit": 100})
            .auto_paging_iter()
        ]

    def _import(self, model, external_id):
        importer = self.env[self.env[model]._importer]
        return importer.run(self.backend, external_id)

    def _binding(self, model, external_id):
        return self.env[model]._to_internal(self.backend, external_id)

    def _exceptions(self, exception_class=None):
        domain = [
            ("backend_model", "=", "stripe.backend"),
            ("backend_id", "=", self.backend.id),
            ("state", "=", "new"),
        ]
        if exception_class:
            domain.append(("exception_class", "=", exception_class))
        return self.env["connector.exception"].search(domain)

    def _backfill(self):
        self.backend.with_context(queue_job__no_delay=True).action_backfill()

    # ------------------------------------------------------------------
    # Balances
    # ------------------------------------------------------------------
    def _odoo_receivables(self):
        """(stripe customer id, currency) -> receivable balance, in cents."""
        result = defaultdict(int)
        for binding in self.env["stripe.customer"].search(
            [("backend_id", "=", self.backend.id)]
        ):
            lines = self.env["account.move.line"].search(
                [
                    ("partner_id", "=", binding.odoo_id.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                ]
            )
            for line in lines:
                key = (binding.external_id, line.currency_id.name.lower())
                result[key] += round(line.amount_currency * 100)
        return {key: value for key, value in result.items() if value}

    def _stripe_receivables(self):
        """The balance Stripe implies: invoices owed minus credit notes and
        payments received, plus money refunded (void and uncollectible
        invoices are not owed)."""
        result = defaultdict(int)
        for inv in self._all("invoices"):
            if inv["status"] in ("open", "paid"):
                result[(inv["customer"], inv["currency"])] += inv["total"]
        for note in self._all("credit_notes"):
            if note["status"] == "issued":
                result[(note["customer"], note["currency"])] -= note["total"]
        charges = {}
        for charge in self._all("charges"):
            charges[charge["id"]] = charge
            if charge["status"] == "succeeded" and charge["customer"]:
                result[(charge["customer"], charge["currency"])] -= charge["amount"]
        for refund in self._all("refunds"):
            charge = charges[refund["charge"]]
            if refund["status"] in ("succeeded", "pending") and charge["customer"]:
                result[(charge["customer"], refund["currency"])] += refund["amount"]
        return {key: value for key, value in result.items() if value}

    def _event_body(self, event):
        return json.dumps(event).encode()
