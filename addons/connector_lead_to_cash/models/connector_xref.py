# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One cross-reference line per customer and system: its id there, and where
it came from (imported, exported, matched), read from the bindings and the
first audit line that wrote each binding."""

from odoo import fields, models, tools
from odoo.tools import SQL

# (service, binding table, binding model); the id offset keeps ids unique.
SOURCES = (
    ("stripe", "stripe_customer", "stripe.customer"),
    ("salesforce", "salesforce_account", "salesforce.account"),
    ("zendesk", "zendesk_organization", "zendesk.organization"),
)


class ConnectorXref(models.Model):
    _name = "connector.xref"
    _description = "Customer cross-reference"
    _auto = False
    _order = "partner_id, sequence"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    sequence = fields.Integer(readonly=True)
    service = fields.Selection(
        [
            ("odoo", "Odoo"),
            ("stripe", "Stripe"),
            ("salesforce", "Salesforce"),
            ("zendesk", "Zendesk"),
        ],
        readonly=True,
    )
    backend_id = fields.Integer("Backend id", readonly=True)
    external_id = fields.Char("Id in the system", readonly=True)
    origin = fields.Selection(
        [
            ("odoo", "Odoo record"),
            ("import", "Imported"),
            ("export", "Exported"),
            ("webhook", "Webhook"),
        ],
        readonly=True,
    )
    decision = fields.Char("How it was matched or created", readonly=True)
    sync_date = fields.Datetime("Last sync", readonly=True)

    def _source_query(self, index, service, table, model):
        return SQL(
            """
            SELECT b.id * 4 + %(index)s AS id, b.odoo_id AS partner_id,
                   %(index)s AS sequence, %(service)s AS service,
                   b.backend_id, b.external_id, a.direction AS origin,
                   COALESCE(a.match_decision, a.action) AS decision, b.sync_date
              FROM %(table)s b
              LEFT JOIN LATERAL (
                    SELECT l.direction, l.action, l.match_decision
                      FROM connector_audit_line l
                     WHERE l.binding_model = %(model)s AND l.binding_id = b.id
                       AND l.action IN ('create', 'update')
                     ORDER BY l.id
                     LIMIT 1
              ) a ON TRUE
            """,
            index=index,
            service=service,
            table=SQL.identifier(table),
            model=model,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        sources = [
            self._source_query(i + 1, *source) for i, source in enumerate(SOURCES)
        ]
        bound = SQL(" UNION ").join(
            SQL("SELECT odoo_id FROM %s", SQL.identifier(table))
            for __, table, __m in SOURCES
        )
        odoo = SQL(
            """
            SELECT p.id * 4 AS id, p.id AS partner_id, 0 AS sequence,
                   'odoo' AS service, NULL::integer AS backend_id,
                   p.id::varchar AS external_id, 'odoo' AS origin,
                   p.name AS decision, p.write_date AS sync_date
              FROM res_partner p
             WHERE p.id IN (%s)
            """,
            bound,
        )
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(" UNION ALL ").join([odoo, *sources]),
            )
        )
