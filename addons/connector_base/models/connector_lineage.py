# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class ConnectorLineage(models.Model):
    """For each synced field of each record: the last operation that wrote it.

    A SQL view over the audit lines (one row per record and field), so the
    import path pays nothing extra: lineage is a by-product of the audit.
    """

    _name = "connector.lineage"
    _description = "Connector Field Lineage"
    _auto = False
    _order = "date desc"

    res_model = fields.Char("Odoo model", readonly=True)
    res_id = fields.Integer("Record ID", readonly=True)
    field_name = fields.Char(readonly=True)
    date = fields.Datetime(readonly=True)
    direction = fields.Char(readonly=True)
    audit_line_id = fields.Many2one("connector.audit.line", readonly=True)
    event_id = fields.Many2one("connector.event", readonly=True)
    job_uuid = fields.Char("Job UUID", readonly=True)
    backend_model = fields.Char(readonly=True)
    backend_id = fields.Integer(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT DISTINCT ON (a.res_model, a.res_id, f.field_name)
                       a.id * 1000 + f.ord AS id,
                       a.res_model, a.res_id, f.field_name, a.date, a.direction,
                       a.id AS audit_line_id, a.event_id, a.job_uuid,
                       a.backend_model, a.backend_id, a.company_id
                  FROM connector_audit_line a
                 CROSS JOIN LATERAL unnest(string_to_array(a.changed_fields, ','))
                       WITH ORDINALITY AS f(field_name, ord)
                 WHERE a.action IN ('create', 'update') AND a.res_id IS NOT NULL
                 ORDER BY a.res_model, a.res_id, f.field_name, a.id DESC
            )
            """,
                SQL.identifier(self._table),
            )
        )
