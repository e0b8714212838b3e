"""SOQL over REST with simple-salesforce: paging, filters, relationships, errors."""

import random
from datetime import datetime, timedelta, timezone

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from sandbox.salesforce.server import SalesforceServer


@pytest.fixture(scope="module")
def server():
    with SalesforceServer() as srv:
        srv.seed(
            0,
            random.Random(7),
            accounts=2600,
            contacts=300,
            products=10,
            opportunities=60,
            closed_won=20,
        )
        yield srv


@pytest.fixture(scope="module")
def sf(server):
    return Salesforce(
        instance_url=server.url,
        session_id=server.session_id,
        session=server.requests_session(),
        version="61.0",
    )


def _error_code(exc):
    return exc.value.content[0]["errorCode"]


def test_query_pages_by_2000_with_next_records_url(sf):
    first = sf.query("SELECT Id, Name FROM Account")
    assert first["totalSize"] == 2600
    assert first["done"] is False
    assert len(first["records"]) == 2000
    assert first["nextRecordsUrl"].startswith("/services/data/v61.0/query/01g")
    assert first["nextRecordsUrl"].endswith("-2000")
    rest = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert rest["done"] is True and "nextRecordsUrl" not in rest
    assert len(rest["records"]) == 600
    ids = {r["Id"] for r in first["records"] + rest["records"]}
    assert len(ids) == 2600
    assert first["records"][0]["attributes"]["type"] == "Account"


def test_query_all_follows_pages_and_honours_batch_size(sf):
    result = sf.query_all(
        "SELECT Id FROM Account", headers={"Sforce-Query-Options": "batchSize=500"}
    )
    assert result["totalSize"] == 2600 and len(result["records"]) == 2600
    page = sf.query(
        "SELECT Id FROM Account", headers={"Sforce-Query-Options": "batchSize=500"}
    )
    assert len(page["records"]) == 500 and page["nextRecordsUrl"].endswith("-500")


def test_watermark_query_uses_modstamp_order(sf):
    rows = sf.query(
        "SELECT Id, SystemModstamp FROM Account WHERE SystemModstamp > "
        "2000-01-01T00:00:00Z ORDER BY SystemModstamp LIMIT 100"
    )["records"]
    stamps = [r["SystemModstamp"] for r in rows]
    assert len(rows) == 100 and stamps == sorted(stamps)
    assert stamps[0].endswith("+0000") and len(set(stamps)) == 100
    after = sf.query(
        f"SELECT Id, SystemModstamp FROM Account WHERE SystemModstamp > "
        f"{stamps[-1].replace('+0000', 'Z')} ORDER BY SystemModstamp LIMIT 5"
    )["records"]
    assert after[0]["SystemModstamp"] > stamps[-1]


def test_where_and_or_not_in_like_order_limit_offset(sf):
    rows = sf.query(
        "SELECT Name, BillingCountry FROM Account WHERE (BillingCountry = 'belgium' "
        "OR BillingCountry IN ('France', 'Spain')) AND NOT Name LIKE 'Acme%' "
        "ORDER BY BillingCountry DESC, Name ASC LIMIT 20 OFFSET 5"
    )["records"]
    assert len(rows) == 20
    assert {r["BillingCountry"] for r in rows} <= {"Belgium", "France", "Spain"}
    assert not any(r["Name"].startswith("Acme") for r in rows)
    keys = [(r["BillingCountry"], r["Name"]) for r in rows]
    assert keys == sorted(keys, key=lambda k: (_neg(k[0]), k[1].lower()))


def _neg(text):
    return [-ord(ch) for ch in text.lower()]


def test_count_null_and_numbers(sf):
    total = sf.query("SELECT COUNT() FROM Account")["totalSize"]
    big = sf.query("SELECT COUNT() FROM Account WHERE AnnualRevenue >= 2500000")
    small = sf.query("SELECT COUNT() FROM Account WHERE AnnualRevenue < 2500000")
    assert big["totalSize"] + small["totalSize"] == total == 2600
    assert (
        sf.query("SELECT COUNT() FROM Account WHERE ParentId = null")["totalSize"]
        == total
    )


def test_date_literals(sf):
    assert (
        sf.query("SELECT COUNT() FROM Account WHERE CreatedDate = LAST_N_DAYS:400")[
            "totalSize"
        ]
        == 2600
    )
    assert (
        sf.query("SELECT COUNT() FROM Account WHERE CreatedDate > TOMORROW")[
            "totalSize"
        ]
        == 0
    )
    rows = sf.query(
        "SELECT CloseDate FROM Opportunity WHERE CloseDate >= 2000-01-01 LIMIT 3"
    )
    assert len(rows["records"]) == 3


def test_parent_relationship_and_child_subquery(sf):
    contact = sf.query(
        "SELECT Name, Account.Name, Account.BillingCity FROM Contact "
        "WHERE AccountId != null LIMIT 1"
    )["records"][0]
    assert contact["Account"]["attributes"]["type"] == "Account"
    assert contact["Account"]["Name"] and contact["Account"]["BillingCity"]
    opp = sf.query(
        "SELECT Amount, (SELECT Quantity, TotalPrice FROM OpportunityLineItems) "
        "FROM Opportunity WHERE IsWon = true LIMIT 1"
    )["records"][0]
    items = opp["OpportunityLineItems"]["records"]
    assert opp["Amount"] == pytest.approx(sum(i["TotalPrice"] for i in items))


def test_query_all_includes_deleted(server, sf):
    rid = sf.query("SELECT Id FROM Account LIMIT 1")["records"][0]["Id"]
    sf.Account.delete(rid)
    query = f"SELECT Id, IsDeleted FROM Account WHERE Id = '{rid}'"
    assert sf.query(query)["totalSize"] == 0
    row = sf.query_all(query, include_deleted=True)["records"][0]
    assert row["IsDeleted"] is True


def test_unknown_field_is_invalid_field(sf):
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.query("SELECT Id, Nope__c FROM Account")
    assert _error_code(exc) == "INVALID_FIELD"
    assert (
        "No such column 'Nope__c' on entity 'Account'"
        in exc.value.content[0]["message"]
    )


def test_bad_syntax_is_malformed_query(sf):
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.query("SELECT Id FROM Account WHERE")
    assert _error_code(exc) == "MALFORMED_QUERY"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.query("SELECT Id FROM Nope")
    assert _error_code(exc) == "INVALID_TYPE"


def test_updated_endpoint_returns_recent_ids(sf):
    now = datetime.now(timezone.utc)
    rid = sf.Account.create({"Name": "Fresh"})["id"]
    result = sf.Account.updated(now - timedelta(minutes=5), now + timedelta(minutes=5))
    assert rid in result["ids"]
    assert result["latestDateCovered"].endswith("+0000")
