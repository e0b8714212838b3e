"""OAuth 2.0 token endpoint, SOAP partner login and bearer-token sessions.

Credentials are fixed per server (overridable) so tests can log in with every flow
simple-salesforce supports: SOAP username/password/security token (or organizationId),
OAuth username-password, client credentials and JWT bearer. Responses follow
Salesforce's shapes, including the HMAC ``signature`` over ``id + issued_at``.
"""

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import escape

from . import tls

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"


@dataclass
class Credentials:
    username: str = "sandbox@example.com"
    password: str = "sandbox-password"
    security_token: str = "sandbox-token"
    consumer_key: str = "sandbox-consumer-key"
    consumer_secret: str = "sandbox-consumer-secret"


class OAuthError(Exception):
    def __init__(self, error, description, status=400):
        super().__init__(description)
        self.body = {"error": error, "error_description": description}
        self.status = status


class Auth:
    """Issues and checks access tokens; a token is valid until expired."""

    def __init__(self, org_id, user_id, credentials=None):
        self.org_id, self.user_id = org_id, user_id
        self.credentials = credentials or Credentials()
        self._tokens = set()
        self._lock = threading.Lock()

    def issue(self):
        token = f"{self.org_id[:15]}!{secrets.token_urlsafe(48)}"
        with self._lock:
            self._tokens.add(token)
        return token

    def valid(self, authorization):
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() not in ("bearer", "oauth"):
            return False
        with self._lock:
            return token.strip() in self._tokens

    def expire_all(self):
        """Invalidate every session, as a password change or timeout does."""
        with self._lock:
            self._tokens.clear()

    # -- OAuth -------------------------------------------------------------
    def token(self, form, authorization, instance_url):
        """Answer ``POST /services/oauth2/token``: ``(status, body)``."""
        grant = form.get("grant_type")
        try:
            if grant == "password":
                self._check_password_grant(form)
            elif grant == "client_credentials":
                self._check_client_credentials(form, authorization)
            elif grant == JWT_GRANT:
                self._check_jwt(form.get("assertion", ""))
            else:
                raise OAuthError("unsupported_grant_type", "grant type not supported")
        except OAuthError as exc:
            return exc.status, exc.body
        return 200, self._token_body(instance_url, grant == JWT_GRANT)

    def _check_client(self, client_id, client_secret):
        creds = self.credentials
        if client_id != creds.consumer_key:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        if client_secret != creds.consumer_secret:
            raise OAuthError("invalid_client", "invalid client credentials")

    def _check_password_grant(self, form):
        creds = self.credentials
        self._check_client(form.get("client_id"), form.get("client_secret"))
        accepted = (creds.password, creds.password + creds.security_token)
        if form.get("username") != creds.username or form.get("password") not in (
            accepted
        ):
            raise OAuthError("invalid_grant", "authentication failure")

    def _check_client_credentials(self, form, authorization):
        scheme, _, encoded = (authorization or "").partition(" ")
        if scheme.lower() == "basic":
            decoded = base64.b64decode(encoded.strip()).decode()
            client_id, _, client_secret = decoded.partition(":")
        else:
            client_id = form.get("client_id")
            client_secret = form.get("client_secret")
        self._check_client(client_id, client_secret)

    def _check_jwt(self, assertion):
        try:
            head, body, signature = assertion.split(".")
            claims = json.loads(_b64url(body))
            signed = tls.verify_rs256(
                self.jwt_public_key(), f"{head}.{body}".encode(), _b64url(signature)
            )
        except ValueError as exc:
            raise OAuthError("invalid_grant", "invalid assertion") from exc
        if not signed:
            raise OAuthError("invalid_grant", "invalid assertion")
        if claims.get("iss") != self.credentials.consumer_key:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        if claims.get("sub") != self.credentials.username:
            raise OAuthError("invalid_grant", "user hasn't approved this consumer")
        if float(claims.get("exp", 0)) < time.time():
            raise OAuthError("invalid_grant", "expired authorization code")

    def jwt_public_key(self):
        return tls.jwt_key_pair()[1]

    def _token_body(self, instance_url, jwt_flow):
        issued_at = str(int(time.time() * 1000))
        identity = f"{instance_url}/id/{self.org_id}/{self.user_id}"
        secret = self.credentials.consumer_secret.encode()
        digest = hmac.new(secret, (identity + issued_at).encode(), hashlib.sha256)
        body = {
            "access_token": self.issue(),
            "instance_url": instance_url,
            "id": identity,
            "token_type": "Bearer",
            "issued_at": issued_at,
            "signature": base64.b64encode(digest.digest()).decode(),
        }
        if jwt_flow:
            body["scope"] = "api"
        return body

    # -- SOAP --------------------------------------------------------------
    def soap_login(self, body, instance_url, version):
        """Answer the partner API ``login`` call: ``(status, xml)``."""
        try:
            fields = _soap_fields(body)
        except ET.ParseError:
            return 500, _soap_fault("INVALID_LOGIN", "Invalid login request")
        creds = self.credentials
        password = fields.get("password")
        if "organizationId" in fields:
            ok = password == creds.password and fields["organizationId"] in (
                self.org_id,
                self.org_id[:15],
            )
        else:
            ok = password == creds.password + creds.security_token
        if fields.get("username") != creds.username or not ok:
            return 500, _soap_fault(
                "INVALID_LOGIN",
                "Invalid username, password, security token; or user locked out.",
            )
        return 200, self._soap_result(instance_url, version)

    def _soap_result(self, instance_url, version):
        org, user, creds = self.org_id, self.user_id, self.credentials
        server = f"{instance_url}/services/Soap/u/{version}/{org}"
        meta = f"{instance_url}/services/Soap/m/{version}/{org}"
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<soapenv:Envelope xmlns:soapenv="{SOAP_NS}" '
            'xmlns="urn:partner.soap.sforce.com" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<soapenv:Body><loginResponse><result>"
            f"<metadataServerUrl>{meta}</metadataServerUrl>"
            "<passwordExpired>false</passwordExpired><sandbox>true</sandbox>"
            f"<serverUrl>{server}</serverUrl><sessionId>{self.issue()}</sessionId>"
            f"<userId>{user}</userId><userInfo><organizationId>{org}</organizationId>"
            f"<userEmail>{escape(creds.username)}</userEmail>"
            f"<userId>{user}</userId><userName>{escape(creds.username)}</userName>"
            "</userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"
        )


def _b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _soap_fields(body):
    root = ET.fromstring(body)
    wanted = ("username", "password", "organizationId")
    return {
        el.tag.rsplit("}", 1)[-1]: (el.text or "")
        for el in root.iter()
        if el.tag.rsplit("}", 1)[-1] in wanted
    }


def _soap_fault(code, message):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_NS}" '
        'xmlns:sf="urn:fault.partner.soap.sforce.com" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body><soapenv:Fault>"
        f"<faultcode>sf:{code}</faultcode>"
        f"<faultstring>{code}: {escape(message)}</faultstring>"
        '<detail><sf:LoginFault xsi:type="sf:LoginFault">'
        f"<sf:exceptionCode>{code}</sf:exceptionCode>"
        f"<sf:exceptionMessage>{escape(message)}</sf:exceptionMessage>"
        "</sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
