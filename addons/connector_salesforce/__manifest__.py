# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Connector Salesforce",
    "summary": "Lead-to-cash from Salesforce CRM, payment status back",
    "version": "18.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/odoo-connector-suite/connectors",
    "author": "Odoo Connector Suite contributors",
    "license": "LGPL-3",
    "depends": ["connector_base", "sale_management"],
    "external_dependencies": {"python": ["simple-salesforce", "requests"]},
    "data": [
        "security/connector_salesforce_security.xml",
        "security/ir.model.access.csv",
        "views/salesforce_backend_views.xml",
        "views/salesforce_binding_views.xml",
        "views/connector_salesforce_menus.xml",
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
    ],
    "installable": True,
}
