"""sObject rows, upsert, collections, updated/deleted, merges via simple-salesforce."""

from datetime import datetime, timedelta, timezone

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceMalformedRequest,
    SalesforceResourceNotFound,
)

from sandbox.salesforce.server import SalesforceServer

FIELDS = {"Account": {"Odoo_Id__c": {"type": "string", "externalId": True}}}


@pytest.fixture(scope="module")
def server():
    with SalesforceServer(custom_fields=FIELDS) as srv:
        yield srv


@pytest.fixture
def sf(server):
    server.reset()
    return Salesforce(
        instance_url=server.url,
        session_id=server.session_id,
        session=server.requests_session(),
        version="61.0",
    )


def _code(exc):
    return exc.value.content[0]["errorCode"]


def test_create_get_update_delete(sf):
    created = sf.Account.create({"Name": "Acme", "AnnualRevenue": 1200.5})
    assert created["success"] is True and created["errors"] == []
    rid = created["id"]
    assert len(rid) == 18 and rid.startswith("001")
    rec = sf.Account.get(rid)
    assert rec["Name"] == "Acme" and rec["AnnualRevenue"] == 1200.5
    assert rec["attributes"]["url"] == f"/services/data/v61.0/sobjects/Account/{rid}"
    assert sf.Account.update(rid, {"Name": "Acme 2"}) == 204
    updated = sf.Account.get(rid)
    assert updated["Name"] == "Acme 2"
    assert updated["SystemModstamp"] > rec["SystemModstamp"]
    assert sf.Account.delete(rid) == 204
    with pytest.raises(SalesforceResourceNotFound) as exc:
        sf.Account.get(rid)
    assert _code(exc) == "ENTITY_IS_DELETED"


def test_ids_for_every_object(sf, server):
    book = server.store.standard_pricebook_id()
    prefixes = {"Pricebook2": book[:3]}
    acc = sf.Account.create({"Name": "A"})["id"]
    prefixes["Contact"] = sf.Contact.create({"LastName": "Doe", "AccountId": acc})["id"]
    prod = sf.Product2.create({"Name": "Widget", "IsActive": True})["id"]
    entry = sf.PricebookEntry.create(
        {"Pricebook2Id": book, "Product2Id": prod, "UnitPrice": 10, "IsActive": True}
    )["id"]
    opp = sf.Opportunity.create(
        {
            "Name": "Deal",
            "StageName": "Prospecting",
            "CloseDate": "2030-01-01",
            "AccountId": acc,
        }
    )["id"]
    item = sf.OpportunityLineItem.create(
        {
            "OpportunityId": opp,
            "PricebookEntryId": entry,
            "Quantity": 3,
            "UnitPrice": 12,
        }
    )["id"]
    got = [acc, prefixes["Contact"], prod, book, entry, opp, item]
    assert [i[:3] for i in got] == ["001", "003", "01t", "01s", "01u", "006", "00k"]
    assert sf.Opportunity.get(opp)["Amount"] == 36.0
    assert sf.OpportunityLineItem.get(item)["Product2Id"] == prod


def test_opportunity_stage_drives_won_and_closed(sf):
    rid = sf.Opportunity.create(
        {"Name": "D", "StageName": "Prospecting", "CloseDate": "2030-01-01"}
    )["id"]
    assert sf.Opportunity.get(rid)["IsClosed"] is False
    sf.Opportunity.update(rid, {"StageName": "Closed Won"})
    rec = sf.Opportunity.get(rid)
    assert rec["IsWon"] is True and rec["IsClosed"] is True
    assert rec["Probability"] == 100.0


def test_required_and_unknown_fields_are_rejected(sf):
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Opportunity.create({"Name": "No stage"})
    assert _code(exc) == "REQUIRED_FIELD_MISSING"
    assert exc.value.content[0]["fields"] == ["StageName", "CloseDate"]
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Account.create({"Name": "X", "Bogus__c": 1})
    assert _code(exc) == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Opportunity.create(
            {
                "Name": "D",
                "StageName": "Prospecting",
                "CloseDate": "2030-01-01",
                "IsWon": True,
            }
        )
    assert _code(exc) == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_upsert_by_external_id(sf):
    assert sf.Account.upsert("Odoo_Id__c/res.partner,7", {"Name": "New"}) == 201
    assert sf.Account.upsert("Odoo_Id__c/res.partner,7", {"Name": "Renamed"}) == 200
    rec = sf.Account.get_by_custom_id("Odoo_Id__c", "res.partner,7")
    assert rec["Name"] == "Renamed"
    raw = sf.Account.upsert("Odoo_Id__c/9", {"Name": "Nine"}, raw_response=True)
    assert raw.json()["created"] is True
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Account.create({"Name": "Clash", "Odoo_Id__c": "9"})
    assert _code(exc) == "DUPLICATE_VALUE"
    with pytest.raises(SalesforceResourceNotFound) as exc:
        sf.Account.upsert("Name/Acme", {"Name": "x"})
    assert _code(exc) == "NOT_FOUND"


def test_composite_create_update_and_all_or_none(sf):
    records = [{"attributes": {"type": "Account"}, "Name": f"A{i}"} for i in range(3)]
    res = sf.restful(
        "composite/sobjects",
        method="POST",
        json={"allOrNone": False, "records": records},
    )
    assert [r["success"] for r in res] == [True, True, True]
    bad = records[:1] + [{"attributes": {"type": "Account"}}]
    res = sf.restful(
        "composite/sobjects", method="POST", json={"allOrNone": True, "records": bad}
    )
    assert res[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert res[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == 3
    ids = [r["Id"] for r in sf.query("SELECT Id FROM Account")["records"]]
    upd = [{"attributes": {"type": "Account"}, "Id": i, "Name": "Same"} for i in ids]
    res = sf.restful(
        "composite/sobjects", method="PATCH", json={"allOrNone": False, "records": upd}
    )
    assert all(r["success"] for r in res)
    assert sf.query("SELECT COUNT() FROM Account WHERE Name = 'same'")["totalSize"] == 3


def test_composite_upsert_by_external_id(sf):
    body = {
        "allOrNone": False,
        "records": [
            {"attributes": {"type": "Account"}, "Odoo_Id__c": "p1", "Name": "P1"},
            {"attributes": {"type": "Account"}, "Odoo_Id__c": "p2", "Name": "P2"},
        ],
    }
    first = sf.restful(
        "composite/sobjects/Account/Odoo_Id__c", method="PATCH", json=body
    )
    assert [r["created"] for r in first] == [True, True]
    body["records"][0]["Name"] = "P1 bis"
    again = sf.restful(
        "composite/sobjects/Account/Odoo_Id__c", method="PATCH", json=body
    )
    assert [r["created"] for r in again] == [False, False]
    assert again[0]["id"] == first[0]["id"]
    assert sf.Account.get(first[0]["id"])["Name"] == "P1 bis"


def test_composite_delete(sf):
    ids = [sf.Account.create({"Name": n})["id"] for n in ("a", "b")]
    res = sf.restful(
        "composite/sobjects",
        method="DELETE",
        params={"ids": ",".join(ids), "allOrNone": "false"},
    )
    assert [r["success"] for r in res] == [True, True]
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == 0


def test_updated_and_deleted_windows(sf):
    start = datetime.now(timezone.utc) - timedelta(minutes=2)
    keep = sf.Account.create({"Name": "keep"})["id"]
    gone = sf.Account.create({"Name": "gone"})["id"]
    sf.Account.delete(gone)
    end = datetime.now(timezone.utc) + timedelta(minutes=2)
    updated = sf.Account.updated(start, end)
    assert updated["ids"] == [keep]
    deleted = sf.Account.deleted(start, end)
    assert [d["id"] for d in deleted["deletedRecords"]] == [gone]
    assert deleted["deletedRecords"][0]["deletedDate"].endswith("+0000")
    assert {"earliestDateAvailable", "latestDateCovered"} <= set(deleted)
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Account.updated(start - timedelta(days=40), end)
    assert _code(exc) == "INVALID_REPLICATION_DATE"


def test_merge_deletes_loser_with_master_record_id(sf, server):
    master = sf.Account.create({"Name": "Master"})["id"]
    loser = sf.Account.create({"Name": "Loser"})["id"]
    contact = sf.Contact.create({"LastName": "Moved", "AccountId": loser})["id"]
    resp = server.requests_session().post(
        f"{server.url}/_sandbox/salesforce/merge",
        json={"sobject": "Account", "master": master, "losers": [loser]},
        timeout=5,
    )
    assert resp.status_code == 200
    row = sf.query_all(
        f"SELECT IsDeleted, MasterRecordId FROM Account WHERE Id = '{loser}'",
        include_deleted=True,
    )["records"][0]
    assert row["IsDeleted"] is True and row["MasterRecordId"] == master
    assert sf.Contact.get(contact)["AccountId"] == master


def test_describe_and_admin_custom_fields(sf, server):
    resp = server.requests_session().post(
        f"{server.url}/_sandbox/salesforce/fields",
        json={"Contact": {"Odoo_Id__c": {"type": "string", "externalId": True}}},
        timeout=5,
    )
    assert resp.status_code == 200
    desc = sf.Contact.describe()
    field = next(f for f in desc["fields"] if f["name"] == "Odoo_Id__c")
    assert field["externalId"] is True and field["custom"] is True
    assert desc["keyPrefix"] == "003"
    assert sf.Contact.upsert("Odoo_Id__c/c1", {"LastName": "Ext"}) == 201
