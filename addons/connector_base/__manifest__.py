# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Connector Base",
    "summary": "Sync engine: backends, bindings, jobs, webhook inbox, ownership, audit",
    "version": "18.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/odoo-connector-suite/connectors",
    "author": "Odoo Connector Suite contributors",
    "license": "LGPL-3",
    "depends": ["queue_job", "account", "sale_management", "contacts"],
    "data": [
        "security/connector_base_security.xml",
        "security/ir.model.access.csv",
        "views/connector_base_menus.xml",
        "views/queue_job_views.xml",
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
        "data/ir_cron_data.xml",
    ],
    "installable": True,
    "application": True,
}
