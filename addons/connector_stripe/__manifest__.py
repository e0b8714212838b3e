# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Connector Stripe",
    "summary": "Billing and payments posted to Odoo accounting",
    "version": "18.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/odoo-connector-suite/connectors",
    "author": "Odoo Connector Suite contributors",
    "license": "LGPL-3",
    "depends": ["connector_base", "account"],
    "external_dependencies": {"python": ["stripe"]},
    "data": [
        "security/connector_stripe_security.xml",
        "security/ir.model.access.csv",
        "views/stripe_backend_views.xml",
        "views/stripe_binding_views.xml",
        "views/res_partner_views.xml",
        "views/connector_stripe_menus.xml",
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
    ],
    "installable": True,
}
