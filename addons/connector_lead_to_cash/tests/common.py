# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The three sandboxes in-process, one backend each, and a job drain."""

from odoo.addons.connector_salesforce.tests.common import SalesforceMixin
from odoo.addons.connector_stripe.tests.common import StripeCase
from odoo.addons.connector_zendesk.tests.common import ZendeskMixin

# Jobs of the flow; the other connectors' debounced refreshes (Zendesk on
# every posted invoice, Salesforce's status job) are dropped: the deal sends
# its own status at step 7, and dropping them keeps the count of calls exact.
FLOW_JOBS = frozenset({"job_advance", "job_sync_salesforce", "job_sync_zendesk"})
SUBSCRIPTION_FIELD = "Odoo_Subscription_Status__c"
PULL_JOBS = frozenset({"job_pull_page", "job_bulk_start", "job_bulk_page"})


class LeadToCashCase(StripeCase, SalesforceMixin):
    """Stripe, Salesforce and Zendesk sandboxes with connected backends."""

    @classmethod
    def _setup_lead_to_cash(cls, **sf_counts):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls._setup_stripe()
        cls.stripe_server, cls.stripe = cls.server, cls.backend
        cls.sales_tax = cls.env.company.account_sale_tax_id
        rate = cls.client.tax_rates.create(
            params={
                "display_name": cls.sales_tax.name,
                "percentage": cls.sales_tax.amount,
                "inclusive": False,
            }
        )
        cls.env["stripe.tax.map"].create(
            {
                "backend_id": cls.stripe.id,
                "stripe_tax_rate": rate.id,
                "percentage": rate.percentage,
                "tax_id": cls.sales_tax.id,
            }
        )
        ZendeskMixin.__dict__["_setup_zendesk"].__func__(cls)
        cls.zendesk_server, cls.zendesk = cls.server, cls.backend
        cls._start_server(**sf_counts)
        cls.sf_server = cls.server
        cls.sf = cls._make_backend(sf_field_subscription_status=SUBSCRIPTION_FIELD)

    # ------------------------------------------------------------------
    # Jobs, run as the job runner would (one by one, each in order)
    # ------------------------------------------------------------------
    def _drain(self, trap, methods=FLOW_JOBS, deals=None, until=None):
        """Perform the trapped jobs of ``methods`` (only those of ``deals``
        when given), oldest first and after the jobs they depend on, until
        none is left or ``until()`` is true. Other jobs stay in the trap,
        unperformed. Returns the performed jobs, in order."""
        performed = []
        while not (until and until()):
            job = next(
                (
                    j
                    for j in trap.enqueued_jobs
                    if self._wanted(trap, j, methods, deals)
                ),
                None,
            )
            if job is None:
                break
            trap.enqueued_jobs.remove(job)
            job.perform()
            performed.append(job)
        return performed

    @staticmethod
    def _wanted(trap, job, methods, deals):
        if job.method_name not in methods:
            return False
        if any(parent in trap.enqueued_jobs for parent in job.depends_on):
            return False
        records = job.recordset
        return deals is None or records._name != deals._name or records <= deals

    def _decline_card(self, trap, deal):
        """Run the deal until its Stripe customer exists, then give that
        customer a card Stripe declines (the subscription is not created yet)."""
        self._drain(trap, deals=deal, until=lambda: deal.stripe_customer_id.external_id)
        self.client.customers.update(
            deal.stripe_customer_id.external_id,
            params={
                "invoice_settings": {"default_payment_method": "pm_card_chargeDeclined"}
            },
        )

    def _pull_salesforce(self, trap):
        self.sf.action_pull()
        return self._drain(trap, PULL_JOBS)

    # ------------------------------------------------------------------
    # Sandbox side
    # ------------------------------------------------------------------
    def _sf_records(self, sobject):
        return self.sf_server.store.tables[sobject].records

    def _zendesk_organizations(self):
        table = self.zendesk_server.domain.store.table("organization")
        return [table.rows[rid] for rid in table.live]
