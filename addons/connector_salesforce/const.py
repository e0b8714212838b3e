# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Constants of the Salesforce connector: API version, SOQL field lists."""

DEFAULT_API_VERSION = "61.0"
DEFAULT_STAGE = "Closed Won"
PAGE_SIZE = 500
COMPOSITE_MAX = 200
BULK_PAGE_SIZE = 2000

# Fields read per object (REST queries and Bulk 2.0 jobs). Child subqueries
# are REST only: objects pulled through Bulk 2.0 must stay flat.
SOQL_FIELDS = {
    "Account": [
        "Id",
        "Name",
        "ParentId",
        "Phone",
        "Website",
        "BillingStreet",
        "BillingCity",
        "BillingPostalCode",
        "BillingState",
        "BillingCountry",
        "SystemModstamp",
    ],
    "Contact": [
        "Id",
        "FirstName",
        "LastName",
        "Email",
        "Phone",
        "Title",
        "AccountId",
        "SystemModstamp",
    ],
    "Product2": [
        "Id",
        "Name",
        "ProductCode",
        "Description",
        "IsActive",
        "SystemModstamp",
        "(SELECT Id, UnitPrice, IsActive, Pricebook2Id FROM PricebookEntries)",
    ],
    "Opportunity": [
        "Id",
        "Name",
        "StageName",
        "CloseDate",
        "Amount",
        "AccountId",
        "SystemModstamp",
        "(SELECT Id, Product2Id, Quantity, UnitPrice, TotalPrice, Description"
        " FROM OpportunityLineItems)",
    ],
}
BULK_OBJECTS = ("Account", "Contact")

PAYMENT_STATUS = {
    "none": "No invoice",
    "not_paid": "Not paid",
    "partial": "Partially paid",
    "in_payment": "In payment",
    "paid": "Paid",
}
