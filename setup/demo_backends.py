"""Point the demo database's backends at the running sandbox (idempotent).

Run by ``./setup/run`` through ``odoo shell`` once the sandbox has written its
connection details (``python -m sandbox serve --info-file``)::

    odoo shell -c CONF -d DB --no-http < setup/demo_backends.py

with ``CONNECTOR_SANDBOX_INFO`` naming that JSON file. A second run updates the
same three backends (found by name) instead of creating new ones. Only the
sandbox's throwaway credentials are used; no real account is ever configured.
"""

import json
import os

DEMO = "Demo sandbox"
WEBHOOK_SECRET = "whsec_demo_sandbox"  # the sandbox's, not a real secret


def _upsert(env, model, vals):
    backend = env[model].search([("name", "=", DEMO)], limit=1)
    if backend:
        backend.write(vals)
    else:
        backend = env[model].create({"name": DEMO, **vals})
    return backend


def _account(env, company, code, name, account_type):
    account = env["account.account"].search(
        [("code", "=", code), ("company_ids", "in", company.id)], limit=1
    )
    return account or env["account.account"].create(
        {"code": code, "name": name, "account_type": account_type}
    )


def _journal(env, company, code, name):
    journal = env["account.journal"].search(
        [("code", "=", code), ("company_id", "=", company.id)], limit=1
    )
    return journal or env["account.journal"].create(
        {"code": code, "name": name, "type": "bank", "company_id": company.id}
    )


def stripe_vals(env, company, info):
    return {
        "company_id": company.id,
        "base_url": info["url"],
        "api_key": info["api_key"],
        "webhook_secret": WEBHOOK_SECRET,
        "state": "connected",
        "journal_id": _journal(env, company, "STRP", "Stripe").id,
        "payout_journal_id": _journal(env, company, "BNKP", "Bank (payouts)").id,
        "fee_account_id": _account(env, company, "626100", "Stripe fees", "expense").id,
        "dispute_account_id": _account(
            env, company, "467100", "Disputed funds", "asset_current"
        ).id,
    }


def salesforce_vals(company, info):
    return {
        "company_id": company.id,
        "login_domain": info["login_domain"],
        "ca_bundle": info["ca_path"],
        "sf_username": info["username"],
        "sf_password": info["password"],
        "sf_security_token": info["security_token"],
        "state": "connected",
    }


def zendesk_vals(company, info):
    return {
        "company_id": company.id,
        "base_url": info["url"],
        "agent_email": info["email"],
        "api_token": info["api_token"],
        "webhook_secret": WEBHOOK_SECRET,
        "state": "connected",
    }


def _stripe_rate(backend, tax):
    """The Stripe tax rate of an Odoo tax: the mapped one if Stripe still has
    it (a restarted sandbox starts afresh), else a new one."""
    adapter = backend._get_adapter()
    mapped = backend.tax_map_ids.filtered(lambda m: m.tax_id == tax)[:1]
    if mapped:
        try:
            adapter.remote_read(backend, "tax_rates", mapped.stripe_tax_rate)
            return mapped.stripe_tax_rate
        except Exception:  # noqa: BLE001 (gone with the previous sandbox)
            mapped.unlink()
    payload = {"display_name": tax.name, "percentage": tax.amount, "inclusive": False}
    return adapter.remote_create(backend, "tax_rates", payload)["id"]


def lead_to_cash(env, company, backends):
    """connector_lead_to_cash: deals flow when the orders' sales tax is mapped.

    The company's default sales tax gets a Stripe rate and its mapping. One
    planted problem: customers in Canada get GST 5 % through an automatic
    fiscal position; Stripe has a 5 % rate but nobody mapped it, so their deals
    stop at *Customer validated* with *Tax mapping missing* and never reach
    Stripe until the mapping is added and the exceptions retried.
    """
    stripe_backend, salesforce = backends.get("stripe"), backends.get("salesforce")
    if "connector.deal" not in env or not stripe_backend or not salesforce:
        return
    salesforce.sf_field_subscription_status = "Odoo_Subscription_Status__c"
    sales_tax = company.account_sale_tax_id
    if not sales_tax:
        print("[demo] lead to cash: the company has no default sales tax to map")
        return
    rate = _stripe_rate(stripe_backend, sales_tax)
    if not stripe_backend.tax_map_ids.filtered(lambda m: m.tax_id == sales_tax):
        env["stripe.tax.map"].create(
            {
                "backend_id": stripe_backend.id,
                "stripe_tax_rate": rate,
                "percentage": sales_tax.amount,
                "tax_id": sales_tax.id,
            }
        )
    gst = env["account.tax"].search(
        [("name", "=", "GST 5% (demo)"), ("company_id", "=", company.id)], limit=1
    ) or env["account.tax"].create(
        {"name": "GST 5% (demo)", "amount": 5, "type_tax_use": "sale"}
    )
    unmapped = _stripe_rate(stripe_backend, gst)  # exists in Stripe, not mapped
    print(f"[demo] lead to cash: Stripe tax rate {unmapped} (5 %) left unmapped")
    if not env["account.fiscal.position"].search_count(
        [("name", "=", "Canada (demo)"), ("company_id", "=", company.id)]
    ):
        env["account.fiscal.position"].create(
            {
                "name": "Canada (demo)",
                "auto_apply": True,
                "country_id": env.ref("base.ca").id,
                "tax_ids": [
                    (0, 0, {"tax_src_id": sales_tax.id, "tax_dest_id": gst.id})
                ],
            }
        )


def configure(env, info):
    """Create or update one backend per service present in ``info``."""
    company = env.ref("base.main_company")
    if not company.chart_template:
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
    env["res.currency"].with_context(active_test=False).search(
        [("name", "in", ("USD", "EUR", "GBP"))]
    ).write({"active": True})
    backends = {}
    if "stripe" in info:
        backends["stripe"] = _upsert(
            env, "stripe.backend", stripe_vals(env, company, info["stripe"])
        )
    if "salesforce" in info:
        backends["salesforce"] = _upsert(
            env, "salesforce.backend", salesforce_vals(company, info["salesforce"])
        )
    if "zendesk" in info:
        backends["zendesk"] = _upsert(
            env, "zendesk.backend", zendesk_vals(company, info["zendesk"])
        )
    lead_to_cash(env, company, backends)
    return backends


if __name__ == "__main__":
    with open(os.environ["CONNECTOR_SANDBOX_INFO"], encoding="utf-8") as handle:
        configured = configure(env, json.load(handle))  # noqa: F821 (odoo shell)
    # The first pull now rather than at the cron's next run (every 15 minutes),
    # and Stripe's history through the list endpoints the first time.
    env["connector.checkpoint"]._cron_pull_all()  # noqa: F821
    stripe_backend = configured.get("stripe")
    if stripe_backend and not env["stripe.customer"].search_count(  # noqa: F821
        [("backend_id", "=", stripe_backend.id)]
    ):
        stripe_backend.action_backfill()
    env.cr.commit()  # noqa: F821 pylint: disable=invalid-commit (a shell script)
    for service, backend in configured.items():
        print(f"[demo] {service}: backend '{backend.name}' (id {backend.id}) ready")
