"""The custom fields an administrator creates for the Odoo connector
(connector_salesforce's Configure section, plus the subscription status of
connector_lead_to_cash): ``python -m sandbox serve`` gives its org these."""

STATUS_FIELDS = {
    "Odoo_Invoice_Number__c": {"type": "string"},
    "Odoo_Amount_Due__c": {"type": "currency"},
    "Odoo_Payment_Status__c": {"type": "string"},
    "Odoo_Last_Payment_Date__c": {"type": "date"},
    "Odoo_Overdue__c": {"type": "boolean"},
    "Odoo_Subscription_Status__c": {"type": "string"},
}
CONNECTOR_CUSTOM_FIELDS = {
    "Account": {**STATUS_FIELDS, "VAT_Number__c": {"type": "string"}},
    "Opportunity": STATUS_FIELDS,
}
