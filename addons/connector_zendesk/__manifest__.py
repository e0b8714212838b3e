# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Connector Zendesk",
    "summary": "Account standing to Zendesk, tickets to Odoo",
    "version": "18.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/odoo-connector-suite/connectors",
    "author": "Odoo Connector Suite contributors",
    "license": "LGPL-3",
    "depends": ["connector_base"],
    "data": [
        "views/connector_zendesk_menus.xml",
    ],
    "installable": True,
}
