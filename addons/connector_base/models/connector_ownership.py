# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models


class ConnectorOwnership(models.Model):
    """System-of-record matrix: who owns a field, and what a conflict does.

    Every import and export goes through ``_filter_incoming`` /
    ``_blocked_outgoing``. Without a rule, a field is shared (last writer
    wins). Integration modules add their system with ``selection_add``.
    """

    _name = "connector.ownership"
    _description = "Connector Field Ownership"
    _order = "model_id, field_id"

    model_id = fields.Many2one("ir.model", required=True, ondelete="cascade")
    model = fields.Char("Model name", related="model_id.model", store=True)
    field_id = fields.Many2one(
        "ir.model.fields",
        domain="[('model_id', '=', model_id)]",
        ondelete="cascade",
        help="Leave empty for a rule on every field of the model.",
    )
    field_name = fields.Char(related="field_id.name", store=True)
    owner = fields.Selection([("odoo", "Odoo")], required=True, default="odoo")
    policy = fields.Selection(
        [
            ("owner_wins", "Owner wins (ignore the other system)"),
            ("newest_wins", "Newest change wins"),
            ("raise", "Block and raise an exception"),
        ],
        required=True,
        default="owner_wins",
    )
    active = fields.Boolean(default=True)
    note = fields.Char()

    _sql_constraints = [
        (
            "model_field_uniq",
            "unique(model_id, field_id)",
            "A field can have only one ownership rule.",
        )
    ]

    @api.depends("model_id", "field_id", "owner")
    def _compute_display_name(self):
        for rule in self:
            target = rule.field_id.name or "*"
            rule.display_name = f"{rule.model}.{target} → {rule.owner}"

    @api.model
    def _rules_for(self, model_name):
        """field name (or '*') -> rule, read once per call site."""
        rules = self.sudo().search([("model", "=", model_name)])
        return {rule.field_name or "*": rule for rule in rules}

    @api.model
    def _filter_incoming(
        self,
        backend,
        record,
        vals,
        remote_updated_at=None,
        event=None,
        external_id=None,
    ):
        """Split ``vals`` written by ``backend``'s system into (allowed, blocked).

        Blocked writes are recorded: an audit line by the caller, and a
        ``connector.exception`` when the policy is 'raise'.
        """
        rules = self._rules_for(record._name)
        system = backend._connector_service
        allowed, blocked, raised = {}, [], []
        for name, value in vals.items():
            rule = rules.get(name) or rules.get("*")
            if not rule or rule.owner == system or not record:
                allowed[name] = value
            elif (
                rule.policy == "newest_wins"
                and remote_updated_at
                and (not record.write_date or remote_updated_at > record.write_date)
            ):
                allowed[name] = value
            else:
                blocked.append(name)
                if rule.policy == "raise":
                    raised.append(name)
        if raised:
            self._raise_conflict(backend, record, raised, system, event, external_id)
        return allowed, blocked

    @api.model
    def _blocked_outgoing(self, backend, record, field_names):
        """Fields Odoo must not push to ``backend`` (the service owns them)."""
        rules = self._rules_for(record._name)
        system = backend._connector_service
        blocked = []
        for name in field_names:
            rule = rules.get(name) or rules.get("*")
            # The service owns it: Odoo's copy is not authoritative.
            if rule and rule.owner == system:
                blocked.append(name)
        return blocked

    @api.model
    def _raise_conflict(self, backend, record, names, system, event, external_id):
        message = _(
            "%(system)s tried to change %(fields)s on %(record)s, but another "
            "system owns these fields.",
            system=system,
            fields=", ".join(names),
            record=record.display_name,
        )
        self.env["connector.exception"]._record(
            backend,
            "ownership_conflict",
            message,
            record=record,
            external_id=external_id,
            event=event,
        )
