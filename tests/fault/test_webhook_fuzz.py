"""500 fuzzed webhook payloads (hypothesis): never a 500, the server stays up.

Bodies are truncated, of wrong types, huge, wrongly encoded or random bytes;
most carry a *valid* signature over the malformed body, so they pass the
signature check and reach the parser. Each answer must be a 4xx (refused or
recorded as a ``connector.exception``) or a 200 with the event stored.
"""

import json
import time

from fault_common import fake, report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_webhook_faults import WebhookMixin

from odoo.tests import HttpCase, tagged

EXAMPLES = 500

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _event(event_id, kind, obj_id, created):
    return {
        "id": event_id,
        "type": kind,
        "created": created,
        "data": {"object": {"id": obj_id}},
    }


@st.composite
def bodies(draw):
    """(label, body bytes, signed with the right secret?)"""
    good = _event(
        f"evt_fz_{draw(st.integers(0, 10**9))}",
        "customer.updated",
        "cus_fz",
        int(time.time()),
    )
    kind = draw(
        st.sampled_from(
            ["truncated", "types", "huge", "encoding", "bytes", "json", "unsigned"]
        )
    )
    raw = json.dumps(good).encode()
    if kind == "truncated":
        body = raw[: draw(st.integers(0, len(raw) - 1))]
    elif kind == "types":
        path = draw(
            st.sampled_from(["id", "type", "created", "data", "object", "object_id"])
        )
        value = draw(JSONISH)
        if path in ("object", "object_id"):
            if path == "object":
                good["data"]["object"] = value
            else:
                good["data"]["object"]["id"] = value
        else:
            good[path] = value
        body = json.dumps(good).encode()
    elif kind == "huge":
        good["data"]["object"]["description"] = "x" * draw(st.integers(10**5, 10**6))
        body = json.dumps(good).encode()
    elif kind == "encoding":
        good["type"] = "customer.updated é€ 😀"
        text = json.dumps(good, ensure_ascii=False)
        body = text.encode(
            draw(st.sampled_from(["utf-16", "latin-1", "cp1252", "utf-32"])), "replace"
        )
    elif kind == "bytes":
        body = draw(st.binary(max_size=300))
    else:
        body = json.dumps(draw(JSONISH)).encode()
    return kind, body, kind != "unsigned"


@tagged("post_install", "-at_install")
class TestWebhookFuzz(WebhookMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_service(seed=9)
        cls.backend = cls._make_backend(cls.env)
        cls.seen = {"count": 0, "by_status": {}, "by_kind": {}}

    def _exceptions(self):
        """Occurrences recorded (a repeated error counts again on one record)."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT coalesce(sum(occurrences), 0) FROM connector_exception "
            "WHERE backend_model = %s AND backend_id = %s",
            (self.backend._name, self.backend.id),
        )
        return self.env.cr.fetchone()[0]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(bodies())
    def test_fuzzed_payloads(self, case):
        kind, body, signed = case
        events, exceptions = len(self._events()), self._exceptions()
        signature = fake.sign(body) if signed else "t=1,v1=deadbeef"
        response = self._post(body, signature=signature)
        status = response.status_code
        seen = self.seen
        seen["count"] += 1
        seen["by_status"][status] = seen["by_status"].get(status, 0) + 1
        seen["by_kind"][kind] = seen["by_kind"].get(kind, 0) + 1
        self.assertLess(status, 500, f"{kind}: HTTP {status} for {body[:200]!r}")
        if status == 200:
            self.assertIn(
                response.json()["status"], ("accepted", "duplicate", "ignored")
            )
            self.assertGreaterEqual(len(self._events()), events)
        elif status == 400:
            self.assertEqual(
                self._exceptions(), exceptions + 1, "400 without exception"
            )
        else:
            self.assertGreaterEqual(status, 400, kind)  # refused

    def test_signed_event_with_non_scalar_identity_is_400(self):
        """A valid signature on an event whose type or object id is a JSON
        object: refused with 400 and recorded, never a 500."""
        for kind, obj_id in (({}, "cus_fz"), ("customer.updated", []), ([], {})):
            exceptions = self._exceptions()
            body = json.dumps(
                _event(
                    f"evt_{len(str(kind))}_{len(str(obj_id))}",
                    kind,
                    obj_id,
                    int(time.time()),
                )
            ).encode()
            self.assertEqual(self._post(body).status_code, 400)
            self.assertEqual(self._exceptions(), exceptions + 1)

    def test_zz_server_alive_after_fuzz(self):
        """Runs after the fuzz (alphabetical): a valid webhook still works."""
        self.service.put("cus_alive", "Still alive", 100)
        body = fake.event_body("evt_alive", "cus_alive", int(time.time()))
        response = self._post(body)
        self._run_event_jobs()
        report(
            "500 fuzzed webhooks",
            examples=self.seen["count"],
            by_kind=self.seen["by_kind"],
            by_status=self.seen["by_status"],
            http_500=self.seen["by_status"].get(500, 0),
            alive_after=response.status_code,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self._events().filtered(lambda e: e.source_event_id == "evt_alive").state,
            "done",
        )
