"""Every simple-salesforce login flow against the HTTPS sandbox, and the failures."""

import base64
import hashlib
import hmac

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceExpiredSession,
)

from sandbox.salesforce.server import SalesforceServer


@pytest.fixture(scope="module")
def server():
    with SalesforceServer() as srv:
        yield srv


def _login(srv, **kw):
    return Salesforce(
        domain=srv.login_domain, session=srv.requests_session(), version="61.0", **kw
    )


def _count(sf):
    return sf.query("SELECT COUNT() FROM Pricebook2")["totalSize"]


def test_soap_login_with_security_token(server):
    c = server.credentials
    sf = _login(
        server,
        username=c.username,
        password=c.password,
        security_token=c.security_token,
    )
    assert sf.sf_instance == f"127.0.0.1:{server.port}"
    assert _count(sf) == 1  # the standard price book


def test_soap_login_with_organization_id(server):
    c = server.credentials
    sf = _login(
        server, username=c.username, password=c.password, organizationId=server.org_id
    )
    assert _count(sf) == 1


def test_oauth_password_flow(server):
    c = server.credentials
    sf = _login(
        server,
        username=c.username,
        password=c.password,
        consumer_key=c.consumer_key,
        consumer_secret=c.consumer_secret,
    )
    assert sf.session_id.startswith(server.org_id[:15] + "!")
    assert _count(sf) == 1


def test_client_credentials_flow(server):
    c = server.credentials
    sf = _login(server, consumer_key=c.consumer_key, consumer_secret=c.consumer_secret)
    assert _count(sf) == 1


def test_jwt_bearer_flow(server):
    c = server.credentials
    sf = _login(
        server,
        username=c.username,
        consumer_key=c.consumer_key,
        privatekey_file=server.jwt_key_path,
    )
    assert _count(sf) == 1


def test_direct_session(server):
    sf = Salesforce(
        instance_url=server.url,
        session_id=server.session_id,
        session=server.requests_session(),
        version="61.0",
    )
    assert _count(sf) == 1


def test_wrong_soap_password_is_invalid_login(server):
    c = server.credentials
    with pytest.raises(SalesforceAuthenticationFailed) as exc:
        _login(server, username=c.username, password="nope", security_token="x")
    assert exc.value.code == "INVALID_LOGIN"


def test_wrong_oauth_password_is_invalid_grant(server):
    c = server.credentials
    with pytest.raises(SalesforceAuthenticationFailed) as exc:
        _login(
            server,
            username=c.username,
            password="nope",
            consumer_key=c.consumer_key,
            consumer_secret=c.consumer_secret,
        )
    assert exc.value.code == "invalid_grant"
    assert exc.value.content == b"authentication failure"


def test_wrong_client_secret_is_invalid_client(server):
    c = server.credentials
    with pytest.raises(SalesforceAuthenticationFailed) as exc:
        _login(server, consumer_key=c.consumer_key, consumer_secret="bad")
    assert exc.value.code == "invalid_client"


def test_token_response_shape_and_signature(server):
    c = server.credentials
    resp = server.requests_session().post(
        f"{server.url}/services/oauth2/token",
        data={
            "grant_type": "password",
            "client_id": c.consumer_key,
            "client_secret": c.consumer_secret,
            "username": c.username,
            "password": c.password + c.security_token,
        },
        timeout=5,
    )
    body = resp.json()
    assert resp.status_code == 200
    assert body["instance_url"] == server.url
    assert body["token_type"] == "Bearer"
    assert body["id"].endswith(f"/id/{server.org_id}/{server.user_id}")
    digest = hmac.new(
        c.consumer_secret.encode(),
        (body["id"] + body["issued_at"]).encode(),
        hashlib.sha256,
    )
    assert body["signature"] == base64.b64encode(digest.digest()).decode()


def test_missing_or_bad_bearer_is_invalid_session(server):
    session = server.requests_session()
    url = f"{server.url}/services/data/v61.0/limits"
    for headers in ({}, {"Authorization": "Bearer nope"}):
        resp = session.get(url, headers=headers, timeout=5)
        assert resp.status_code == 401
        assert resp.json() == [
            {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
        ]


def test_expired_session_refreshes_with_login_flow(server):
    c = server.credentials
    sf = _login(
        server,
        username=c.username,
        password=c.password,
        security_token=c.security_token,
    )
    first = sf.session_id
    server.auth.expire_all()
    assert _count(sf) == 1  # simple-salesforce logs in again on INVALID_SESSION_ID
    assert sf.session_id != first
    direct = Salesforce(
        instance_url=server.url,
        session_id=first,
        session=server.requests_session(),
        version="61.0",
    )
    with pytest.raises(SalesforceExpiredSession):
        _count(direct)
    server.session_id = server.auth.issue()


def test_versions_need_no_session(server):
    resp = server.requests_session().get(f"{server.url}/services/data/", timeout=5)
    versions = [v["version"] for v in resp.json()]
    assert "61.0" in versions
    assert resp.json()[versions.index("61.0")]["url"] == "/services/data/v61.0"
