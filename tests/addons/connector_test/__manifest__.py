# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Connector Test Service",
    "summary": "Test-only integration exercising the connector_base sync engine",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/odoo-connector-suite/connectors",
    "author": "Odoo Connector Suite contributors",
    "license": "LGPL-3",
    "depends": ["connector_base"],
    "data": [
        "security/connector_test_security.xml",
        "security/ir.model.access.csv",
        "views/connector_test_backend_views.xml",
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
    ],
    "installable": True,
}
