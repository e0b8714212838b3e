# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Connector Zendesk",
    "summary": "Account standing to Zendesk organizations, tickets to Odoo",
    "version": "18.0.1.0.0",
    "category": "Connector",
    "website": "https://github.com/odoo-connector-suite/connectors",
    "author": "Odoo Connector Suite contributors",
    "license": "LGPL-3",
    "depends": ["connector_base", "account"],
    "data": [
        "security/connector_zendesk_security.xml",
        "security/ir.model.access.csv",
        "views/zendesk_backend_views.xml",
        "views/zendesk_binding_views.xml",
        "views/zendesk_ticket_views.xml",
        "views/res_partner_views.xml",
        "views/connector_zendesk_menus.xml",
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
        "data/ir_cron_data.xml",
    ],
    "installable": True,
}
