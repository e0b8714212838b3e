"""Business rules Salesforce applies on save, as hooks the store calls.

Derived fields (Contact.Name, Opportunity.IsWon/IsClosed/Probability, line item
prices), the Opportunity.Amount roll-up from line items, price book integrity and
cascade deletes. Connectors read these values back, so the fake has to compute them
the way the real org does.
"""

from .errors import SalesforceError

STAGES = {
    "Prospecting": (10, False, False, "Pipeline"),
    "Qualification": (10, False, False, "Pipeline"),
    "Needs Analysis": (20, False, False, "Pipeline"),
    "Value Proposition": (50, False, False, "Pipeline"),
    "Id. Decision Makers": (60, False, False, "Pipeline"),
    "Perception Analysis": (70, False, False, "Pipeline"),
    "Proposal/Price Quote": (75, False, False, "Pipeline"),
    "Negotiation/Review": (90, False, False, "Commit"),
    "Closed Won": (100, True, True, "Closed"),
    "Closed Lost": (0, True, False, "Omitted"),
}
CASCADE = {
    "Account": [("Contact", "AccountId"), ("Opportunity", "AccountId")],
    "Opportunity": [("OpportunityLineItem", "OpportunityId")],
    "Product2": [("PricebookEntry", "Product2Id")],
    "Pricebook2": [("PricebookEntry", "Pricebook2Id")],
}
REPARENT = {
    "Account": [("Contact", "AccountId"), ("Opportunity", "AccountId")],
    "Contact": [],
}


def before_write(store, sobject, rec, old):
    hook = _BEFORE.get(sobject)
    if hook:
        hook(store, rec, old)


def after_write(store, sobject, rec, old):
    if sobject == "OpportunityLineItem":
        rollup_amount(store, rec["OpportunityId"])


def before_delete(store, sobject, rec):
    if sobject == "Pricebook2" and rec.get("IsStandard"):
        raise SalesforceError(
            "DELETE_FAILED", "Cannot delete the standard price book", 400
        )


def after_delete(store, sobject, rec):
    for child, field in CASCADE.get(sobject, []):
        table = store.tables[child]
        for cid in sorted(table.child_ids(field, rec["Id"])):
            if not table.records[cid]["IsDeleted"]:
                store.delete(child, cid)
    if sobject == "OpportunityLineItem":
        rollup_amount(store, rec["OpportunityId"])


def reparent(store, sobject, loser_id, master_id):
    """Move a merge loser's children to the master, as Salesforce merge does."""
    for child, field in REPARENT.get(sobject, []):
        table = store.tables[child]
        for cid in sorted(table.child_ids(field, loser_id)):
            store.touch(child, table.records[cid], **{field: master_id})


def _contact(store, rec, old):
    parts = [rec.get("FirstName"), rec.get("LastName")]
    rec["Name"] = " ".join(p for p in parts if p)


def _opportunity(store, rec, old):
    stage = STAGES.get(rec.get("StageName"))
    if stage is None:
        return
    probability, closed, won, forecast = stage
    stage_changed = old is None or old.get("StageName") != rec.get("StageName")
    if stage_changed or rec.get("Probability") is None:
        rec["Probability"] = float(probability)
        rec["ForecastCategoryName"] = forecast
    rec["IsClosed"], rec["IsWon"] = closed, won


def _pricebook_entry(store, rec, old):
    product = store.lookup("Product2", rec.get("Product2Id"))
    if product:
        rec["Name"], rec["ProductCode"] = product["Name"], product.get("ProductCode")
    if old is not None:
        return
    table = store.tables["PricebookEntry"]
    same_product = table.child_ids("Product2Id", rec.get("Product2Id"))
    entries = [table.records[i] for i in same_product]
    entries = [e for e in entries if not e["IsDeleted"]]
    if any(e["Pricebook2Id"] == rec.get("Pricebook2Id") for e in entries):
        raise SalesforceError(
            "DUPLICATE_VALUE",
            "This price definition already exists in this price book",
            fields=[],
        )
    book = store.lookup("Pricebook2", rec.get("Pricebook2Id"))
    standard = store.standard_pricebook_id()
    if book and not book["IsStandard"]:
        if not any(e["Pricebook2Id"] == standard for e in entries):
            raise SalesforceError(
                "STANDARD_PRICE_NOT_DEFINED",
                "Before creating a custom price, create a standard price.",
                fields=[],
            )


def _line_item(store, rec, old):
    entry = store.lookup("PricebookEntry", rec.get("PricebookEntryId"))
    opp = store.lookup("Opportunity", rec.get("OpportunityId"))
    if entry is None or opp is None:
        return
    if old is None:
        _bind_pricebook(store, opp, entry)
        rec["Product2Id"] = entry["Product2Id"]
        rec["ProductCode"] = entry.get("ProductCode")
        rec["ListPrice"] = entry["UnitPrice"]
        rec["Name"] = f"{opp['Name']} {entry['Name']}"
    _prices(rec, old)


def _bind_pricebook(store, opp, entry):
    if opp.get("Pricebook2Id") is None:
        store.touch("Opportunity", opp, Pricebook2Id=entry["Pricebook2Id"])
    elif opp["Pricebook2Id"] != entry["Pricebook2Id"]:
        raise SalesforceError(
            "FIELD_INTEGRITY_EXCEPTION",
            "field integrity exception: PricebookEntryId (pricebook entry is in a "
            "different pricebook than the one assigned to the opportunity)",
            fields=["PricebookEntryId"],
        )


def _prices(rec, old):
    """UnitPrice xor TotalPrice, as on the real object; the other is derived."""
    quantity = rec.get("Quantity") or 0
    total_set = rec.get("TotalPrice") is not None and (
        old is None or rec.get("TotalPrice") != old.get("TotalPrice")
    )
    unit_set = rec.get("UnitPrice") is not None and (
        old is None or rec.get("UnitPrice") != old.get("UnitPrice")
    )
    if old is None and total_set and unit_set:
        raise SalesforceError(
            "FIELD_INTEGRITY_EXCEPTION",
            "field integrity exception: TotalPrice (cannot specify both unit price "
            "and total price)",
            fields=["TotalPrice"],
        )
    if total_set and not unit_set:
        rec["UnitPrice"] = round(rec["TotalPrice"] / quantity, 2) if quantity else 0.0
    if rec.get("UnitPrice") is None:
        raise SalesforceError(
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [UnitPrice]",
            fields=["UnitPrice"],
        )
    rec["TotalPrice"] = round(rec["UnitPrice"] * quantity, 2)


def rollup_amount(store, opp_id):
    opp = store.tables["Opportunity"].records.get(opp_id)
    if opp is None or opp["IsDeleted"]:
        return
    table = store.tables["OpportunityLineItem"]
    items = [table.records[i] for i in table.child_ids("OpportunityId", opp_id)]
    live = [i for i in items if not i["IsDeleted"]]
    if not live:
        return
    amount = round(sum(i["TotalPrice"] or 0 for i in live), 2)
    if opp.get("Amount") != amount:
        store.touch("Opportunity", opp, Amount=amount)


_BEFORE = {
    "Contact": _contact,
    "Opportunity": _opportunity,
    "PricebookEntry": _pricebook_entry,
    "OpportunityLineItem": _line_item,
}
