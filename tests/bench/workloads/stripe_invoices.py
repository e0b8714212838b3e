"""Workload of connector_stripe: N invoices with their lines and payments.

The sandbox Stripe server (``sandbox/stripe/seed.py``) is seeded with N
finalized invoices (1 to 3 lines, Stripe tax rates; about 75 % paid, the rest
open, void or uncollectible), their charges, ``N // 5`` customers and the
catalog. Nothing else (no subscriptions, standalone payments, refunds,
disputes, credit notes or payouts), so every record counted is an invoice or
the payment of one. ``records`` = ``stripe.invoice`` + ``stripe.charge``
bindings of the backend.

(a) ``raw_create``: the same bindings (account.move with lines, account.payment)
    through batch ``create`` from the same pure mappers, one ``action_post`` per
    batch, paid invoices reconciled with their payment in one reconciliation
    plan per batch; partners and products made by plain ``create``; the
    pipeline's import context (no chatter, no tracking). No HTTP, no job, no
    audit line, no reversal of uncollectible invoices, no rounding line.
(b) ``enqueue_pipeline``: ``stripe.backend.action_backfill()``: the page jobs of
    every Stripe object (customers, products, invoices, charges ...) run by
    queue_job's runner against the sandbox.
(c) ``enqueue_naive``: one ``job_import_record`` per invoice, then one per
    charge, through the same importers (customers and products come as
    dependencies, fetched one by one).
"""

import hashlib
import hmac
import json
import random
import time

from sandbox.stripe import StripeServer
from sandbox.stripe.seed import TAX_RATES

API_KEY = "sk_test_sandbox"
WEBHOOK_SECRET = "whsec_bench_connector_stripe"
TAX_NAMES = {
    (rate[2], rate[3]): f"{rate[4]} {rate[1]} {rate[2]}%" for rate in TAX_RATES
}


def sign(body, timestamp=None):
    """Stripe-Signature: HMAC-SHA256 of "{t}.{body}" (Stripe's documented scheme)."""
    timestamp = int(timestamp or time.time())
    payload = f"{timestamp}.".encode() + body
    digest = hmac.new(WEBHOOK_SECRET.encode(), payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def seed_counts(size):
    return {
        "customers": max(1, size // 5),
        "products": 10,
        "subscriptions": 0,
        "invoices": size,
        "payments": 0,
        "refunds": 0,
        "disputes": 0,
        "credit_notes": 0,
        "payouts": 0,
    }


class Workload:
    name = "stripe_invoices"
    modules = "connector_base,connector_stripe"
    backend_model = "stripe.backend"
    binding_table = "stripe_invoice"

    # -- remote side -----------------------------------------------------------
    def service(self, size, page_size=None):
        server = StripeServer(seed=3)
        server.seed(0, random.Random(11), **seed_counts(size))
        return server.start()

    def object_ids(self, service):
        return [c["id"] for c in service.state.store.all("customer")]

    def _api(self, service, kind):
        store = service.state.store
        return [json.loads(json.dumps(store.render(o))) for o in store.all(kind)]

    def expected(self, service):
        """What Odoo must hold: counts and totals (cents) of the remote side."""
        invoices = self._api(service, "invoice")
        charges = [
            c for c in self._api(service, "charge") if c["status"] == "succeeded"
        ]
        return {
            "invoices": len(invoices),
            "charges": len(charges),
            "invoice_cents": sum(i["total"] for i in invoices),
            "charge_cents": sum(c["amount"] for c in charges),
        }

    # -- Odoo side (in-process env) --------------------------------------------
    def _accounting(self, env):
        """Chart of accounts, currencies, Stripe journal and taxes (once)."""
        company = env.company
        if not company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
        env["res.currency"].with_context(active_test=False).search(
            [("name", "in", ("USD", "EUR", "GBP"))]
        ).write({"active": True})
        journal = env["account.journal"].search([("code", "=", "BSTR")], limit=1)
        if not journal:
            journal = journal.create(
                {"name": "Stripe bench", "code": "BSTR", "type": "bank"}
            )
        taxes = {}
        for key, name in TAX_NAMES.items():
            tax = env["account.tax"].search([("name", "=", name)], limit=1)
            taxes[key] = tax or tax.create(
                {
                    "name": name,
                    "amount": key[0],
                    "type_tax_use": "sale",
                    "price_include_override": "tax_included"
                    if key[1]
                    else "tax_excluded",
                }
            )
        return journal, taxes

    def create_backend(self, env, service, label):
        journal, taxes = self._accounting(env)
        backend = env["stripe.backend"].create(
            {
                "name": f"Bench {label}",
                "base_url": service.url,
                "api_key": API_KEY,
                "webhook_secret": WEBHOOK_SECRET,
                "rate_limit_per_minute": 0,
                "request_timeout": 10,
                "state": "connected",
                "journal_id": journal.id,
            }
        )
        for rate in service.state.store.all("tax_rate"):
            key = (rate["percentage"], rate["inclusive"])
            env["stripe.tax.map"].create(
                {
                    "backend_id": backend.id,
                    "stripe_tax_rate": rate["id"],
                    "percentage": rate["percentage"],
                    "inclusive": rate["inclusive"],
                    "tax_id": taxes[key].id,
                }
            )
        return backend.id

    def raw_create(self, env, service, backend_id, batch=500):
        """Ceiling: the same invoices and payments by batch create + post."""
        from odoo.addons.connector_stripe.models import mappers  # noqa: PLC0415
        from odoo.addons.connector_stripe.models.stripe_money_importer import (  # noqa: PLC0415
            IMPORT_CONTEXT,
        )

        # the pipeline's context (no chatter, no tracking): the ceiling stays one
        env = env(context=dict(env.context, **IMPORT_CONTEXT))
        backend = env["stripe.backend"].browse(backend_id)
        partners = self._raw_partners(env, service)
        products = self._raw_products(env, service)
        invoices = self._api(service, "invoice")
        charges = [
            c for c in self._api(service, "charge") if c["status"] == "succeeded"
        ]
        currency = {c: backend._currency(c).id for c in ("usd", "eur", "gbp")}
        tax_for = backend._tax_for_rate()
        by_intent = {}
        for start in range(0, len(invoices), batch):
            chunk = invoices[start : start + batch]
            vals = [
                {
                    "backend_id": backend_id,
                    "external_id": inv["id"],
                    "stripe_status": inv["status"],
                    **mappers.invoice_to_move(
                        inv,
                        partners[inv["customer"]],
                        currency[inv["currency"]],
                        tax_for,
                        products.get,
                    ),
                }
                for inv in chunk
            ]
            bindings = env["stripe.invoice"].with_context(connector_no_export=True)
            bindings = bindings.create(vals)
            void = bindings.filtered(lambda b: b.stripe_status == "void")
            (bindings - void).odoo_id.action_post()
            void.odoo_id.button_cancel()
            for inv, binding in zip(chunk, bindings, strict=True):
                for intent in mappers.invoice_payment_intents(inv):
                    by_intent[intent] = binding.odoo_id
            env.cr.commit()  # noqa: B950 - a bench driver commits like a job does
        journal = backend.journal_id.id
        for start in range(0, len(charges), batch):
            chunk = charges[start : start + batch]
            vals = [
                {
                    "backend_id": backend_id,
                    "external_id": ch["id"],
                    "payment_intent": ch["payment_intent"],
                    **mappers.charge_to_payment(
                        ch, partners[ch["customer"]], currency[ch["currency"]], journal
                    ),
                }
                for ch in chunk
            ]
            bindings = env["stripe.charge"].with_context(connector_no_export=True)
            bindings = bindings.create(vals)
            bindings.odoo_id.action_post()
            plan = []
            for binding in bindings:
                move = by_intent.get(binding.payment_intent)
                if move:
                    plan.append(self._receivable(move | binding.odoo_id.move_id))
            # one reconciliation plan per batch, each pair on its own
            env["account.move.line"]._reconcile_plan([p for p in plan if len(p) > 1])
            env.cr.commit()  # noqa: B950
        return len(invoices) + len(charges)

    def _receivable(self, moves):
        return moves.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        )

    def _raw_partners(self, env, service):
        customers = service.state.store.all("customer")
        partners = env["res.partner"].create(
            [{"name": c["name"], "email": c["email"]} for c in customers]
        )
        return {c["id"]: p.id for c, p in zip(customers, partners, strict=True)}

    def _raw_products(self, env, service):
        products = service.state.store.all("product")
        records = env["product.product"].create(
            [{"name": p["name"], "type": "service"} for p in products]
        )
        return {p["id"]: r.id for p, r in zip(products, records, strict=True)}

    def enqueue_pipeline(self, env, backend_id):
        env["stripe.backend"].browse(backend_id).action_backfill()

    def enqueue_naive(self, env, service, backend_id):
        backend = env["stripe.backend"].browse(backend_id)
        for kind, model in (("invoice", "stripe.invoice"), ("charge", "stripe.charge")):
            for obj in service.state.store.all(kind):
                env[model].with_delay(
                    description=f"Import {obj['id']}"
                ).job_import_record(backend, obj["id"])

    # -- counting (psycopg2, while the server runs) ----------------------------
    def count(self, db, backend_id):
        records = distinct = 0
        for table in ("stripe_invoice", "stripe_charge"):
            row = db.rows(
                f"SELECT count(*), count(DISTINCT external_id) FROM {table} "
                "WHERE backend_id = %s",
                (backend_id,),
            )[0]
            records, distinct = records + row[0], distinct + row[1]
        return {"records": records, "distinct": distinct}

    def check(self, db, backend_id):
        """Counts and totals in cents of what Odoo holds for the backend."""
        invoices = db.rows(
            "SELECT count(*), coalesce(sum(round(m.amount_total * 100)), 0) "
            "FROM stripe_invoice b JOIN account_move m ON m.id = b.odoo_id "
            "WHERE b.backend_id = %s",
            (backend_id,),
        )[0]
        charges = db.rows(
            "SELECT count(*), coalesce(sum(round(p.amount * 100)), 0) "
            "FROM stripe_charge b JOIN account_payment p ON p.id = b.odoo_id "
            "WHERE b.backend_id = %s",
            (backend_id,),
        )[0]
        exceptions = db.value(
            "SELECT count(*) FROM connector_exception WHERE backend_model = "
            "'stripe.backend' AND backend_id = %s",
            (backend_id,),
        )
        return {
            "invoices": invoices[0],
            "invoice_cents": int(invoices[1]),
            "charges": charges[0],
            "charge_cents": int(charges[1]),
            "exceptions": exceptions,
        }

    # -- webhooks --------------------------------------------------------------
    def webhook_path(self, backend_id):
        return f"/connector/stripe/{backend_id}/webhook"

    def webhook_request(self, index, object_id, run_tag=""):
        """(body bytes, headers) of one signed ``customer.updated`` event."""
        now = int(time.time())
        body = json.dumps(
            {
                "id": f"evt_bench_{run_tag}{index:07d}",
                "object": "event",
                "type": "customer.updated",
                "created": now,
                "data": {"object": {"id": object_id, "object": "customer"}},
            }
        ).encode()
        return body, {
            "Content-Type": "application/json",
            "Stripe-Signature": sign(body),
        }
