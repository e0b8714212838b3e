# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Connector Lead to Cash",
    "summary": "One governed flow: won deal, customer, order, Stripe billing, "
    "invoice, payment, status back to Salesforce and Zendesk",
    "version": "18.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/odoo-connector-suite/connectors",
    "author": "Odoo Connector Suite contributors",
    "license": "LGPL-3",
    "depends": ["connector_stripe", "connector_salesforce", "connector_zendesk"],
    "data": [
        "security/connector_lead_to_cash_security.xml",
        "security/ir.model.access.csv",
        "views/connector_deal_views.xml",
        "views/connector_xref_views.xml",
        "views/res_partner_views.xml",
        "views/salesforce_backend_views.xml",
        "views/connector_lead_to_cash_menus.xml",
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
        "data/ir_cron_data.xml",
    ],
    "assets": {
        "web.assets_tests": ["connector_lead_to_cash/static/tests/tours/*.js"],
    },
    "auto_install": True,
    "installable": True,
}
