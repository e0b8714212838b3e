# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Connector Salesforce",
    "summary": "Lead-to-cash from Salesforce CRM, payment status back",
    "version": "18.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/odoo-connector-suite/connectors",
    "author": "Odoo Connector Suite contributors",
    "license": "LGPL-3",
    "depends": ["connector_base"],
    "data": [
        "views/connector_salesforce_menus.xml",
    ],
    "installable": True,
}
