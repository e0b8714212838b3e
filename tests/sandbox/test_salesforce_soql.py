"""Pure SOQL parser/evaluator and id tests (no server, no HTTP)."""

import pytest

from sandbox.salesforce.errors import SalesforceError
from sandbox.salesforce.execute import execute, project
from sandbox.salesforce.ids import checksum, to18
from sandbox.salesforce.schema import Schema
from sandbox.salesforce.soql import Cmp, parse
from sandbox.salesforce.store import Store


@pytest.fixture
def store():
    store = Store(Schema(), "0055g0000000001AAA")
    for name, revenue in (("Acme", 10), ("beta", None), ("Gamma", 30)):
        store.insert("Account", {"Name": name, "AnnualRevenue": revenue})
    return store


def _names(store, soql):
    _plan, rows = execute(store, soql, "61.0")
    return [r["Name"] for r in rows]


def test_checksum_matches_salesforce():
    assert checksum("001A0000006Vm9r") == "IAC"
    assert to18("001A0000006Vm9r") == "001A0000006Vm9rIAC"
    assert to18("not-an-id") is None


def test_parse_tree():
    query = parse("SELECT Id FROM Account WHERE NOT (A = 1 OR B != null) LIMIT 5")
    assert query.limit == 5
    kind, inner = query.where
    assert kind == "not" and inner[0] == "or"
    assert isinstance(inner[1][0], Cmp) and inner[1][1].op == "!="


def test_nulls_ordering_and_case_insensitive_sort(store):
    soql = "SELECT Name FROM Account ORDER BY AnnualRevenue DESC NULLS FIRST"
    assert _names(store, soql) == ["beta", "Gamma", "Acme"]
    assert _names(store, "SELECT Name FROM Account ORDER BY Name") == [
        "Acme", "beta", "Gamma"
    ]  # fmt: skip


def test_soql_null_semantics(store):
    assert _names(store, "SELECT Name FROM Account WHERE AnnualRevenue != 10") == [
        "beta", "Gamma"
    ]  # fmt: skip
    assert _names(store, "SELECT Name FROM Account WHERE AnnualRevenue < 100") == [
        "Acme", "Gamma"
    ]  # fmt: skip


def test_escaped_strings_and_like(store):
    store.insert("Account", {"Name": "O'Neil 100%"})
    assert _names(store, r"SELECT Name FROM Account WHERE Name = 'o\'neil 100%'") == [
        "O'Neil 100%"
    ]
    assert _names(store, "SELECT Name FROM Account WHERE Name LIKE '_eta'") == ["beta"]


def test_missing_parent_projects_null(store):
    store.insert("Contact", {"LastName": "Solo"})
    plan, rows = execute(store, "SELECT Account.Name FROM Contact", "61.0")
    assert project(store, plan, rows[0], "61.0")["Account"] is None


@pytest.mark.parametrize(
    "soql, code",
    [
        ("SELECT Id FROM Account GROUP BY Name", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE Name = ", "MALFORMED_QUERY"),
        ("SELECT Foo.Name FROM Contact", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE Name = TODAY", "INVALID_QUERY_FILTER_OPERATOR"),
    ],
)
def test_errors(store, soql, code):
    with pytest.raises(SalesforceError) as exc:
        execute(store, soql, "61.0")
    assert exc.value.code == code
