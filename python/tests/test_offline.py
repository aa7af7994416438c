"""Tests of the SDK that need no server: parsing, the codec, errors and the
retry policy against a local stand-in."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import unittest
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any, Optional

import observatory_client as oc
from observatory_client import _codec
from observatory_client.errors import error_from_response, parse_retry_after


class TestASN(unittest.TestCase):
    def test_parse(self) -> None:
        for s, want in {"AS3333": 3333, "as15169": 15169, "64500": 64500, "AS4294967295": 4294967295, "0.3333": 3333, "1.0": 65536}.items():
            self.assertEqual(oc.ASN.parse(s), want, s)
            self.assertEqual(oc.ASN(s), want, s)
        self.assertEqual(str(oc.ASN(3333)), "AS3333")
        for s in ["", "AS", "AS-1", "AS+1", "4294967296", "ASx", "1.65536"]:
            with self.assertRaises(ValueError, msg=s):
                oc.ASN.parse(s)
        with self.assertRaises(ValueError):
            oc.ASN(-1)


class TestLevel(unittest.TestCase):
    def test_at_least(self) -> None:
        L = oc.Level
        for lvl, minimum, want in [
            (L.READY, L.READY, True),
            (L.ASPIRING, L.READY, False),
            (L.ASPIRING, L.ASPIRING, True),
            (L.LAGGING, L.ASPIRING, False),
            (L.NO_DATA, L.LAGGING, False),
            (L("future"), L.LAGGING, False),
        ]:
            self.assertEqual(lvl.at_least(minimum), want, f"{lvl}.at_least({minimum})")


class TestMonth(unittest.TestCase):
    def test_month_param(self) -> None:
        self.assertEqual(oc.month_param("2014-05"), "2014-05")
        self.assertEqual(oc.month_param(date(2014, 5, 31)), "2014-05")
        # An aware instant counts in UTC: 1 June 01:00 at UTC+2 is in May.
        self.assertEqual(oc.month_param(datetime(2014, 6, 1, 1, tzinfo=timezone(timedelta(hours=2)))), "2014-05")
        for bad in ["2014-5", "May 2014", "2014-05-01"]:
            with self.assertRaises(ValueError, msg=bad):
                oc.month_param(bad)


class TestCodec(unittest.TestCase):
    def test_unknown_fields_ignored(self) -> None:
        # A newer server's additions (asns on a page, keyFigures on a
        # score) decode without error and are dropped.
        raw = {"asn": 3333, "holder": "RIPE", "scores": [{"id": "filtering", "value": 0.5, "hasData": True, "level": "lagging",
                                                           "keyFigures": {"x": 1}}], "brandNew": [1, 2]}
        a = _codec.from_json(oc.AS, raw)
        self.assertEqual(a.asn, 3333)
        self.assertIsInstance(a.asn, oc.ASN)
        s = a.score(oc.ScoreID.FILTERING)
        assert s is not None
        self.assertEqual((s.value, s.level), (0.5, "lagging"))
        self.assertIsInstance(s.level, oc.Level)
        self.assertIsNone(a.score(oc.ScoreID.RPKI))
        self.assertIsNone(a.leak_protection)

    def test_times(self) -> None:
        t = _codec.parse_time("2026-12-04T04:44:52.954516855Z")
        self.assertEqual(t, datetime(2026, 12, 4, 4, 44, 52, 954516, tzinfo=timezone.utc))
        self.assertEqual(_codec.format_time(datetime(2018, 6, 1)), "2018-06-01T00:00:00Z")

    def test_wrong_type_names_the_field(self) -> None:
        with self.assertRaisesRegex(ValueError, r"Score\.hasData"):
            _codec.from_json(oc.Score, {"hasData": "yes"})

    def test_encode_input(self) -> None:
        p = oc.ParticipantInput(organisation="X", programme=oc.Programme.IXP, asns=[oc.ASN(64500)], approved=datetime(2018, 6, 1, tzinfo=timezone.utc))
        self.assertEqual(_codec.to_json(p), {"organisation": "X", "programme": "ixp", "asns": [64500], "approved": "2018-06-01T00:00:00Z"})
        self.assertEqual(_codec.to_json(oc.Review(verdict=oc.Verdict.REJECTED)), {"verdict": "rejected"})
        self.assertEqual(_codec.to_json(oc.ApplicationTransition(from_state="a", to="b")), {"from": "a", "to": "b", "by": "", "comment": ""})


class TestErrors(unittest.TestCase):
    def test_problem(self) -> None:
        body = json.dumps({"type": "https://observatory-net.github.io/problems/not-found", "title": "Not Found", "status": 404,
                           "detail": "AS64999 is not measured in 2014-05", "instance": "/api/v2/ases/64999"}).encode()
        e = error_from_response("GET", "/api/v2/ases/AS64999", 404, {"Content-Type": "application/problem+json"}, body)
        self.assertIsInstance(e, oc.NotFoundError)
        self.assertEqual((e.status, e.title, e.detail, e.instance), (404, "Not Found", "AS64999 is not measured in 2014-05", "/api/v2/ases/64999"))
        self.assertEqual(str(e), "observatory: GET /api/v2/ases/AS64999: 404 Not Found: AS64999 is not measured in 2014-05")

    def test_not_a_problem(self) -> None:
        e = error_from_response("GET", "/x", 502, {"Content-Type": "text/html"}, b"<html>" + b"x" * 300)
        self.assertIs(type(e), oc.APIError)
        self.assertEqual((e.type, e.title), ("about:blank", "Bad Gateway"))
        self.assertEqual(len(e.detail), 201)
        for status, cls in {400: oc.BadRequestError, 422: oc.BadRequestError, 401: oc.UnauthorizedError, 403: oc.ForbiddenError,
                            409: oc.ConflictError, 429: oc.RateLimitedError, 503: oc.ServiceUnavailableError}.items():
            self.assertIsInstance(error_from_response("GET", "/x", status, {}, b""), cls)

    def test_retry_after(self) -> None:
        now = datetime(2026, 1, 1, tzinfo=timezone.utc)
        self.assertEqual(parse_retry_after("15", now), 15)
        self.assertEqual(parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now), 90)
        for v in [None, "", "soon", "-3", format_datetime(now - timedelta(seconds=5), usegmt=True)]:
            self.assertEqual(parse_retry_after(v, now), 0, v)

    def test_bad_url(self) -> None:
        for u in ["", "127.0.0.1:8080", "ftp://x", "http://"]:
            with self.assertRaises(ValueError, msg=u):
                oc.Client(u)


class _StandIn(http.server.BaseHTTPRequestHandler):
    """Answers from the script of its server: (status, headers, body) per
    request, the last one repeated."""

    def _answer(self) -> None:
        srv: Any = self.server
        srv.seen.append((self.command, self.path, self.headers.get("Authorization"), self.headers.get("User-Agent")))
        status, headers, body = srv.script[min(len(srv.seen) - 1, len(srv.script) - 1)]
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args: Any) -> None:
        pass


def _stand_in(script: list[tuple[int, dict[str, str], bytes]]) -> Any:
    srv: Any = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    srv.script, srv.seen = script, []
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return srv


def _stop(srv: Any) -> None:
    srv.shutdown()
    srv.server_close()


_BUSY = (503, {"Content-Type": "application/problem+json", "Retry-After": "2"},
         b'{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"busy"}')
_HEALTHY = (200, {"Content-Type": "application/json"}, b'{"status":"ok","months":2,"check":{"status":"ok"}}')


class TestRetry(unittest.TestCase):
    """Retries against a stand-in server, with the client's sleep recorded
    instead of waited."""

    def client(self, srv: Any, policy: Optional[oc.RetryPolicy] = None) -> tuple[oc.Client, list[float]]:
        waits: list[float] = []
        c = oc.Client(f"http://127.0.0.1:{srv.server_address[1]}/", api_key="obs_x_y", retry=policy or oc.RetryPolicy(),
                      sleep=waits.append, user_agent="pysdk-test")
        return c, waits

    def test_503_honours_retry_after(self) -> None:
        srv = _stand_in([_BUSY, _BUSY, _HEALTHY])
        self.addCleanup(_stop, srv)
        c, waits = self.client(srv)
        h = c.healthz()
        self.assertEqual((h.status, h.months), ("ok", 2))
        self.assertEqual(len(srv.seen), 3)
        self.assertEqual(len(waits), 2)
        for w in waits:
            self.assertTrue(2 <= w <= 2.25, f"waited {w} s for Retry-After 2 (jitter ≤ 0.25 s)")
        self.assertEqual(srv.seen[0][2:], ("Bearer obs_x_y", "pysdk-test"))

    def test_503_post_retried_to_bound(self) -> None:
        # A 503 says the server did not act: a POST is retried too.
        srv = _stand_in([(503, {"Content-Type": "application/problem+json"}, _BUSY[2])])
        self.addCleanup(_stop, srv)
        c, waits = self.client(srv, oc.RetryPolicy(max_attempts=3, base_delay=0.01))
        with self.assertRaises(oc.ServiceUnavailableError) as cm:
            c.review_feedback(1, oc.Review(verdict=oc.Verdict.ACCEPTED))
        self.assertEqual((cm.exception.status, cm.exception.detail), (503, "busy"))
        self.assertEqual(len(srv.seen), 3)
        self.assertEqual([m for m, *_ in srv.seen], ["POST"] * 3)
        # Exponential backoff with equal jitter: [d/2, d] for d = 10, 20 ms.
        self.assertTrue(0.005 <= waits[0] <= 0.01 and 0.01 <= waits[1] <= 0.02, waits)

    def test_retry_after_over_max_delay(self) -> None:
        srv = _stand_in([_BUSY])
        self.addCleanup(_stop, srv)
        c, waits = self.client(srv, oc.RetryPolicy(max_attempts=5, max_delay=1))
        with self.assertRaises(oc.ServiceUnavailableError) as cm:
            c.healthz()
        self.assertEqual((cm.exception.retry_after, len(srv.seen), waits), (2, 1, []))

    def test_other_errors_not_retried(self) -> None:
        srv = _stand_in([(404, {"Content-Type": "application/problem+json"}, b'{"status":404,"title":"Not Found","detail":"no"}')])
        self.addCleanup(_stop, srv)
        c, waits = self.client(srv)
        with self.assertRaises(oc.NotFoundError):
            c.as_(3333)
        self.assertEqual((len(srv.seen), srv.seen[0][1]), (1, "/api/v2/ases/AS3333"))

    def test_bad_answers(self) -> None:
        # A 2xx answer that is not the contract's is a DecodeError naming
        # the request and the property; one cut short a TransportError.
        for body, want in [(b"not json", "decode the answer"), (b'{"status":"ok","months":"two"}', "Health.months"), (b"[1]", "want a JSON object")]:
            srv = _stand_in([(200, {"Content-Type": "application/json"}, body)])
            self.addCleanup(_stop, srv)
            c, _ = self.client(srv)
            with self.assertRaisesRegex(oc.DecodeError, want):
                c.healthz()
        srv = _stand_in([(200, {"Content-Type": "application/json", "Content-Length": "100", "Connection": "close"}, b'{"status":')])
        self.addCleanup(_stop, srv)
        c, waits = self.client(srv, oc.RetryPolicy(max_attempts=2, base_delay=0.001))
        with self.assertRaises(oc.TransportError):
            c.healthz()
        self.assertEqual(len(srv.seen), 2, "a GET cut short is retried")

    def test_transport(self) -> None:
        # A GET is retried when no server answers; a POST is not.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        waits: list[float] = []
        c = oc.Client(f"http://127.0.0.1:{port}", retry=oc.RetryPolicy(max_attempts=3, base_delay=0.001), sleep=waits.append)
        with self.assertRaises(oc.TransportError):
            c.healthz()
        self.assertEqual((c.requests_sent, len(waits)), (3, 2))
        with self.assertRaises(oc.TransportError):
            c.flag_incident("x", "y")
        self.assertEqual(c.requests_sent, 4)


if __name__ == "__main__":
    unittest.main()


class TestSurface(unittest.TestCase):
    """The SDK's public surface: typed throughout, and the Go SDK's
    operations all present."""

    # Go SDK method names whose snake_case is not the mechanical one.
    IRREGULAR = {"AS": "as_", "ASNs": "asns", "ASNsPage": "asns_page", "ASes": "ases", "ASesPage": "ases_page",
                 "ROAsByASN": "roas_by_asn", "ROAsByEconomy": "roas_by_economy", "OpenAPI": "openapi", "ReportPDF": "report_pdf"}

    def test_annotated(self) -> None:
        import inspect

        for name, fn in inspect.getmembers(oc.Client, inspect.isfunction):
            if name.startswith("_") and name != "__init__":
                continue
            sig = inspect.signature(fn)
            self.assertIsNot(sig.return_annotation, inspect.Signature.empty, f"Client.{name} has no return type")
            for p in list(sig.parameters.values())[1:]:
                self.assertIsNot(p.annotation, inspect.Parameter.empty, f"Client.{name}({p.name}) has no type")

    def test_go_sdk_operations_covered(self) -> None:
        import os
        import re

        go = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "client")
        if not os.path.isdir(go):
            self.skipTest("no Go SDK beside this checkout")
        names: set[str] = set()
        for f in os.listdir(go):
            if f.endswith(".go") and not f.endswith("_test.go"):
                with open(os.path.join(go, f)) as fh:
                    names.update(re.findall(r"^func \(c \*Client\) ([A-Z]\w*)\(", fh.read(), re.M))
        self.assertGreater(len(names), 30)
        missing = []
        for n in sorted(names):
            py = self.IRREGULAR.get(n) or re.sub(r"(?<!^)(?=[A-Z])", "_", n).lower()
            if not callable(getattr(oc.Client, py, None)):
                missing.append(f"{n} (want Client.{py})")
        self.assertEqual(missing, [], "Go SDK methods without a Python counterpart")
