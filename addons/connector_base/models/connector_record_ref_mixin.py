# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ConnectorRecordRefMixin(models.AbstractModel):
    """The Odoo record a connector row is about (audit lines, exceptions).

    Stored as model name + id so a row survives the record's deletion and can
    point at any model; ``record_ref`` gives the form a clickable link.
    """

    _name = "connector.record.ref.mixin"
    _description = "Connector Odoo Record Reference (abstract)"

    res_model = fields.Char("Odoo model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        model_field="res_model", readonly=True, index=True
    )
    record_ref = fields.Reference(
        selection="_selection_record_ref",
        compute="_compute_record_ref",
        string="Odoo record",
    )

    @api.model
    def _selection_record_ref(self):
        return [
            (model.model, model.name)
            for model in self.env["ir.model"].sudo().search([])
        ]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for rec in self:
            rec.record_ref = (
                f"{rec.res_model},{rec.res_id}"
                if rec.res_model in self.env and rec.res_id
                else False
            )
