# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


def concrete_models(env, mixin):
    """Names of the non-abstract models inheriting ``mixin``."""
    return [
        name
        for name in env.registry.descendants([mixin], "_inherit")
        if name != mixin and not env[name]._abstract and not env[name]._transient
    ]


class ConnectorBackendRefMixin(models.AbstractModel):
    """Generic link to any backend (events, audit, exceptions, checkpoints).

    These records are shared by all services, so they point to their backend
    with (model, id) plus a stored ``company_id`` copied from the backend:
    multi-company record rules filter on it.
    """

    _name = "connector.backend.ref.mixin"
    _description = "Link to a connector backend"

    backend_model = fields.Char(index=True, readonly=True)
    backend_id = fields.Many2oneReference(
        model_field="backend_model", index=True, readonly=True, string="Backend ID"
    )
    backend_ref = fields.Reference(
        selection="_selection_backend_ref",
        compute="_compute_backend_ref",
        string="Backend",
    )
    company_id = fields.Many2one("res.company", index=True, readonly=True)

    @api.model
    def _selection_backend_ref(self):
        return [
            (name, self.env[name]._description)
            for name in concrete_models(self.env, "connector.backend.mixin")
        ]

    @api.depends("backend_model", "backend_id")
    def _compute_backend_ref(self):
        for record in self:
            record.backend_ref = (
                f"{record.backend_model},{record.backend_id}"
                if record.backend_model and record.backend_id
                else False
            )

    @api.model
    def _backend_vals(self, backend):
        return {
            "backend_model": backend._name,
            "backend_id": backend.id,
            "company_id": backend.company_id.id,
        }

    def _get_backend(self):
        self.ensure_one()
        return self.env[self.backend_model].browse(self.backend_id)
