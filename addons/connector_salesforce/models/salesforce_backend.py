# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..const import DEFAULT_API_VERSION, DEFAULT_STAGE

BINDING_MODELS = {
    "Account": "salesforce.account",
    "Contact": "salesforce.contact",
    "Product2": "salesforce.product",
    "Opportunity": "salesforce.opportunity",
}


class SalesforceBackend(models.Model):
    """One Salesforce org: login, field mapping, conversion rules, API budget."""

    _name = "salesforce.backend"
    _description = "Salesforce Backend"
    _inherit = ["connector.backend.mixin"]

    _connector_service = "salesforce"
    _adapter = "salesforce.adapter"
    _connector_job_methods = (
        "job_process_event",
        "job_pull_page",
        "job_bulk_start",
        "job_bulk_page",
        "job_export_status",
    )
    _connector_secret_fields = (
        "webhook_secret",
        "sf_password",
        "sf_security_token",
        "sf_consumer_secret",
        "sf_private_key",
    )

    # --- connection -------------------------------------------------------
    api_version = fields.Char(default=DEFAULT_API_VERSION)
    rate_limit_per_minute = fields.Integer(default=0)
    auth_method = fields.Selection(
        [
            ("password", "User name + password + security token"),
            ("client_credentials", "OAuth client credentials"),
            ("jwt", "OAuth JWT bearer"),
        ],
        default="password",
        required=True,
    )
    login_domain = fields.Char(
        default="login",
        required=True,
        help="Login host before '.salesforce.com': 'login' (production), 'test' "
        "(Salesforce sandboxes) or your My Domain (e.g. 'acme.my').",
    )
    instance_url = fields.Char(
        readonly=True, help="Instance the org answered from at the last login."
    )
    tls_verify = fields.Boolean("Verify TLS certificates", default=True)
    ca_bundle = fields.Char(
        "CA bundle",
        help="Path of a CA bundle trusted for the Salesforce endpoints (sandbox, "
        "TLS-inspecting proxy). Empty: the system's trust store.",
    )
    sf_username = fields.Char("User name")
    sf_password = fields.Char("Password", groups="base.group_system", copy=False)
    sf_security_token = fields.Char(
        "Security token", groups="base.group_system", copy=False
    )
    sf_consumer_key = fields.Char("Consumer key")
    sf_consumer_secret = fields.Char(
        "Consumer secret", groups="base.group_system", copy=False
    )
    sf_private_key = fields.Text(
        "JWT private key (PEM)", groups="base.group_system", copy=False
    )
    # --- lead-to-cash -------------------------------------------------------
    conversion_stage = fields.Char(
        default=DEFAULT_STAGE,
        required=True,
        help="Opportunities reaching this stage become sale orders.",
    )
    confirm_orders = fields.Boolean(
        default=True, help="Confirm the quotation created for a won opportunity."
    )
    sf_vat_field = fields.Char(
        "Account VAT field",
        help="API name of the Account field holding the VAT number (used to match "
        "existing partners), e.g. VAT_Number__c. Empty: no VAT matching.",
    )
    # --- write-back mapping -------------------------------------------------
    sf_upsert_field = fields.Char(
        "Upsert key field",
        default="Id",
        required=True,
        help="Field the status write-back upserts by (Id, or an external id field "
        "of Account and Opportunity holding the Salesforce Id).",
    )
    sf_field_invoice_number = fields.Char(
        "Invoice number field", default="Odoo_Invoice_Number__c"
    )
    sf_field_amount_due = fields.Char("Amount due field", default="Odoo_Amount_Due__c")
    sf_field_payment_status = fields.Char(
        "Payment status field", default="Odoo_Payment_Status__c"
    )
    sf_field_last_payment_date = fields.Char(
        "Last payment date field", default="Odoo_Last_Payment_Date__c"
    )
    sf_field_overdue = fields.Char("Overdue flag field", default="Odoo_Overdue__c")
    # --- volume and budget --------------------------------------------------
    bulk_threshold = fields.Integer(
        default=10000,
        help="Above this many changed records, Accounts and Contacts are read "
        "through a Bulk API 2.0 query job instead of REST pages.",
    )
    api_budget_percent = fields.Integer(
        "API budget (%)",
        default=50,
        help="Share of the org's daily API allocation Odoo may use. When it is "
        "spent, sync jobs wait and run again later instead of failing.",
    )
    api_budget_wait = fields.Integer(
        "Budget wait (s)",
        default=3600,
        help="How long jobs wait before checking the allocation again.",
    )
    api_usage_used = fields.Integer("API calls used", readonly=True)
    api_usage_max = fields.Integer("Daily API allocation", readonly=True)
    account_count = fields.Integer(compute="_compute_counts")
    contact_count = fields.Integer(compute="_compute_counts")
    product_count = fields.Integer(compute="_compute_counts")
    order_count = fields.Integer(compute="_compute_counts")

    @api.model_create_multi
    def create(self, vals_list):
        """Connecting Salesforce makes it the system of record of customer
        identity: the default ownership rules are created with the first
        backend (not at install, so a database without Salesforce keeps its
        other connectors' partner updates)."""
        backends = super().create(vals_list)
        self.env["connector.ownership"].sudo()._salesforce_default_rules()
        return backends

    def _compute_counts(self):
        names = {
            "account_count": "salesforce.account",
            "contact_count": "salesforce.contact",
            "product_count": "salesforce.product",
            "order_count": "salesforce.opportunity",
        }
        for field_name, model in names.items():
            groups = self.env[model]._read_group(
                [("backend_id", "in", self.ids)], ["backend_id"], ["__count"]
            )
            counts = {backend.id: count for backend, count in groups}
            for backend in self:
                backend[field_name] = counts.get(backend.id, 0)

    # ------------------------------------------------------------------
    # Configuration helpers
    # ------------------------------------------------------------------
    def _sf_verify(self):
        if not self.tls_verify:
            return False
        return self.ca_bundle or True

    def _sf_login_kwargs(self):
        """simple-salesforce login arguments (read with sudo: secrets)."""
        self.ensure_one()
        domain = {"domain": self.login_domain}
        if self.auth_method == "client_credentials":
            needed = {
                "consumer_key": self.sf_consumer_key,
                "consumer_secret": self.sf_consumer_secret,
            }
        elif self.auth_method == "jwt":
            needed = {
                "username": self.sf_username,
                "consumer_key": self.sf_consumer_key,
                "privatekey": self.sf_private_key,
            }
        else:
            needed = {
                "username": self.sf_username,
                "password": self.sf_password,
                "security_token": self.sf_security_token or "",
            }
        missing = [
            key for key, value in needed.items() if value is None or value is False
        ]
        if missing:
            raise UserError(
                _(
                    "The Salesforce backend %(name)s misses %(fields)s for its login "
                    "method. Fill them in on the backend, then click 'Test "
                    "connection'.",
                    name=self.name,
                    fields=", ".join(missing),
                )
            )
        return {**needed, **domain}

    def _sf_budget_spent(self, used, total):
        if not used or not total or not self.api_budget_percent:
            return False
        return used >= total * min(self.api_budget_percent, 100) / 100.0

    def _sf_object_filters(self, sobject):
        if sobject == "Opportunity":
            stage = self.conversion_stage.replace("\\", "\\\\").replace("'", "\\'")
            return [f"StageName = '{stage}'"]
        return []

    def _connector_pull_objects(self):
        return dict(BINDING_MODELS)

    @api.model
    def _sf_write_back_fields(self):
        return {
            "invoice_number": self.sf_field_invoice_number,
            "amount_due": self.sf_field_amount_due,
            "payment_status": self.sf_field_payment_status,
            "last_payment_date": self.sf_field_last_payment_date,
            "overdue": self.sf_field_overdue,
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_test_connection(self):
        action = super().action_test_connection()
        self._sf_store_limits()
        return action

    def _sf_store_limits(self):
        self.write(self._get_adapter().usage_info(self))

    def action_refresh_limits(self):
        self.ensure_one()
        self._get_adapter()._refresh_limits(self)
        self._sf_store_limits()

    def action_pull(self):
        """Enqueue the incremental pull of every object (the cron does the same)."""
        checkpoints = self.env["connector.checkpoint"]
        for backend in self:
            for object_name in backend._connector_pull_objects():
                checkpoints._enqueue_page(backend, object_name, None)
        return self._sf_notify(_("Incremental pull queued."))

    def action_first_load(self):
        """Enqueue a Bulk 2.0 first load of accounts and contacts, then the rest."""
        for backend in self:
            for object_name in backend._connector_pull_objects():
                backend.with_delay(
                    identity_key=f"sf-first-load:{backend.id}:{object_name}",
                    description=f"First load of {object_name} from {backend.name}",
                ).job_pull_page(object_name, force_bulk=True)
        return self._sf_notify(_("First load queued."))

    def action_export_status(self):
        self._sf_delay_status_export()
        return self._sf_notify(_("Payment status write-back queued."))

    def _sf_notify(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "info", "message": message, "sticky": False},
        }

    def _sf_open(self, model):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("backend_id", "=", self.id)],
            "name": self.env[model]._description,
        }

    def action_open_accounts(self):
        return self._sf_open("salesforce.account")

    def action_open_contacts(self):
        return self._sf_open("salesforce.contact")

    def action_open_products(self):
        return self._sf_open("salesforce.product")

    def action_open_orders(self):
        return self._sf_open("salesforce.opportunity")
