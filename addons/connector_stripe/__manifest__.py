# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Connector Stripe",
    "summary": "Billing and payments posted to Odoo accounting",
    "version": "18.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/odoo-connector-suite/connectors",
    "author": "Odoo Connector Suite contributors",
    "license": "LGPL-3",
    "depends": ["connector_base"],
    "data": [
        "views/connector_stripe_menus.xml",
    ],
    "installable": True,
}
