"""The SDK against a real `observatory serve` (tests/harness.py): every
answer is checked against the raw JSON of the same request made apart from
the SDK, pages against one big page, errors against the problem+json the
server sent."""

from __future__ import annotations

import itertools
import time
import unittest
from datetime import datetime, timezone
from typing import Any

import observatory_client as oc

from . import harness
from .compare import same

MAY = datetime(2014, 5, 1, tzinfo=timezone.utc)


def setUpModule() -> None:
    harness.server()


def client(key: str = "", **kw: Any) -> oc.Client:
    s = harness.server()
    return oc.Client(s.url, api_key=s.tokens.get(key, key), user_agent="observatory-pysdk-test", **kw)


def raw(path: str, key: str = "") -> Any:
    status, body, _ = harness.server().raw(path, key)
    if status != 200:
        raise AssertionError(f"raw GET {path}: {status} {body}")
    return body


class TestService(unittest.TestCase):
    def test_health_specs_openapi_metrics(self) -> None:
        c = client()
        h = c.healthz()
        same(self, h, raw("/healthz"), 4)
        self.assertEqual((h.status, h.months, h.check.status), ("ok", 1, "ok"))
        doc = c.openapi()
        self.assertTrue(str(doc.get("openapi", "")).startswith("3.1"), doc.get("openapi"))
        self.assertEqual(doc, raw("/api/v2/openapi.json"))
        specs = c.specs()
        same(self, specs, raw("/api/v2/specs")["items"], 6)
        self.assertTrue(any(s.ref == "netops@2024.1" and s.default for s in specs), specs)
        sp = c.spec("netops", "2024.1")
        r = raw("/api/v2/specs/netops/2024.1")
        same(self, sp, r, 10)
        self.assertEqual(sp.raw, r)
        self.assertIn("penaltyCurve", str(sp.raw))
        self.assertEqual([a.score for a in sp.actions][:1], [oc.ScoreID.FILTERING])
        with self.assertRaises(oc.NotFoundError):
            c.spec("netops", "1999.1")
        self.assertIn("# TYPE", c.metrics())


class TestContract(unittest.TestCase):
    def test_models_match_schemas(self) -> None:
        # Every model named as a schema of the served contract, or aliased
        # to one, declares only the schema's properties: a field outside
        # it would never be filled. The schema may have more, a newer
        # contract's, unless OBSERVATORY_PYSDK_STRICT=1. (The contract's
        # Page is only the token; the SDK's is the whole list.)
        import dataclasses
        import os

        from observatory_client import _codec

        schemas = client().openapi()["components"]["schemas"]

        def props(sc: dict[str, Any]) -> set[str]:
            if "$ref" in sc:
                return props(schemas[sc["$ref"].rsplit("/", 1)[-1]])
            out = set(sc.get("properties", {}))
            for part in sc.get("allOf", []):
                out |= props(part)
            return out

        aliases = {"ParticipantTable": oc.ParticipantPage, "ReviewRequest": oc.Review, "ASList": oc.Page, "IncidentList": oc.Page}
        checked = 0
        for name, sc in schemas.items():
            cls = aliases.get(name) or getattr(oc, name, None)
            if name == "Page" or not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
                continue
            have = {_codec.json_name(f) for f in dataclasses.fields(cls) if not f.metadata.get("skip")}
            want = props(sc)
            with self.subTest(schema=name):
                self.assertEqual(sorted(have - want), [], f"{name}: fields outside the schema")
                if os.environ.get("OBSERVATORY_PYSDK_STRICT") == "1":
                    self.assertEqual(sorted(want - have), [], f"{name}: schema properties without a field")
            checked += 1
        self.assertGreaterEqual(checked, 40)


class TestScores(unittest.TestCase):
    def test_summary(self) -> None:
        c = client()
        s = c.scores_summary()
        same(self, s, raw("/api/v2/scores/summary"), 30)
        self.assertEqual((s.month, s.spec, s.scope, s.previous_month), (MAY, "netops@2024.1", "world", None))
        self.assertEqual([a.id for a in s.aggregates], list(oc.SCORE_IDS))
        # The published shape: the same figures as keyFigures with severities.
        kf = s.scores.key_figures
        self.assertEqual([k.id for k in kf], list(oc.SCORE_IDS))
        for a, k in zip(s.aggregates, kf):
            self.assertEqual((k.value, k.trend), (a.value, a.trend), k.id)
            sev = {x.id: x.count for x in k.severities}
            self.assertEqual(set(sev), {"ready", "aspiring", "lagging", "no_data_available"}, k.id)
            self.assertEqual(sev["ready"], a.counts.ready, k.id)
            self.assertEqual(sev["no_data_available"], a.counts.no_data, k.id)
        # asns= and economies= as a published client sends them.
        # asns= needs a key that may see those networks' details.
        two = client("partner").scores_summary(asns=[2516, "AS3333"], month="2014-05")
        same(self, two, raw("/api/v2/scores/summary?asns=2516,3333&month=2014-05", "partner"), 30)
        self.assertEqual((two.scope, two.asns), ("asns", [2516, 3333]))
        jp = c.scores_summary(economies=["JP"], month="2014-05")
        same(self, jp, raw("/api/v2/scores/summary?economies=JP&month=2014-05"), 30)
        self.assertEqual((jp.scope, jp.economies), ("economies", ["JP"]))
        # Month parameters: a date in the month, a datetime, YYYY-MM.
        for m in ["2014-05", datetime(2014, 5, 17, 12, tzinfo=timezone.utc), MAY.date()]:
            self.assertEqual(c.scores_summary(region="NL", month=m).month, MAY, m)
        nl = c.scores_summary(region="NL", month="2014-05", spec="netops@2024.1")
        same(self, nl, raw("/api/v2/scores/summary?region=NL&month=2014-05&spec=netops@2024.1"), 30)
        self.assertEqual(nl.scope, "economy")

    def test_participant_scores_hidden_without_its_key(self) -> None:
        anon, kddi = client(), client("kddi")
        pub = anon.as_("AS2516")
        same(self, pub, raw("/api/v2/ases/2516"), 10)
        self.assertTrue(pub.participant)
        self.assertIsNone(pub.score(oc.ScoreID.FILTERING), "filtering is not public for a participant")
        own = kddi.as_(2516)
        same(self, own, raw("/api/v2/ases/2516", "kddi"), 10)
        f = own.score(oc.ScoreID.FILTERING)
        assert f is not None
        self.assertTrue(f.has_data and f.value is not None, f)

    def test_details(self) -> None:
        d = client("kddi").scores_details(oc.ASN(2516), month="2014-05")
        rd = raw("/api/v2/scores/details?asn=AS2516&month=2014-05", "kddi")
        c = same(self, d, rd, 60)
        self.assertEqual((d.asn, d.country, d.month), (2516, "JP", MAY))
        self.assertGreater(len(d.incidents), 0)
        self.assertEqual([i.id for i in d.incidents], [i["id"] for i in rd["incidents"]])
        self.assertTrue(all(i.asn == 2516 and i.start and i.evidence for i in d.incidents), d.incidents)
        self.assertGreater(len(d.metrics), 5)
        self.assertNotIn("ScoreDetails.metrics", c.unknown)

    def test_details_routes_and_rov(self) -> None:
        # AS47328 announces six RPKI-valid prefixes; AS174 was seen as a
        # transit hop that propagates invalids (ROV inference).
        partner = client("partner")
        d = partner.scores_details("AS47328")
        same(self, d, raw("/api/v2/scores/details?asn=AS47328", "partner"), 60)
        self.assertEqual(len(d.routes), 6)
        self.assertTrue(all(r.rpki == "valid" and r.first_seen and r.last_seen for r in d.routes), d.routes)
        t = partner.scores_details(174)
        same(self, t, raw("/api/v2/scores/details?asn=AS174", "partner"), 40)
        assert t.rov is not None
        self.assertEqual((t.rov.verdict, t.rov.propagated), ("does-not", 12))

    def test_roas(self) -> None:
        c = client()
        e = c.roas_by_economy("nl")
        same(self, e, raw("/api/v2/roas/economy/NL"), 5)
        self.assertEqual((e.scope, e.key), ("economy", "NL"))
        self.assertTrue(e.families)
        # AS47328 announces six prefixes, all RPKI-valid, in these files.
        a = c.roas_by_asn("as47328")
        same(self, a, raw("/api/v2/roas/asn/AS47328"), 4)
        self.assertEqual((a.scope, a.key), ("asn", "AS47328"))
        with self.assertRaises(oc.NotFoundError):
            c.roas_by_asn(2516)


class TestPagination(unittest.TestCase):
    def test_ases_pages_equal_one_page(self) -> None:
        c = client("partner")
        big = c.ases_page(economies=["nl"], page_size=1000)
        same(self, big, raw("/api/v2/ases?economies=NL&pageSize=1000", "partner"), 1000)
        self.assertEqual(big.next_page_token, "")
        self.assertEqual(len(big.items), 750)
        before = c.requests_sent
        small = list(c.ases(economies=["NL"], page_size=100))
        self.assertEqual(c.requests_sent - before, 8, "750 networks by 100 take 8 pages")
        self.assertEqual(small, big.items)
        self.assertEqual([a.asn for a in small], sorted(a.asn for a in small))

    def test_stopping_early_fetches_no_further_page(self) -> None:
        c = client()
        before = c.requests_sent
        got = list(itertools.islice(c.ases(region="Europe", page_size=5), 7))
        self.assertEqual(c.requests_sent - before, 2)
        self.assertEqual(len(got), 7)
        self.assertTrue(all(a.region == "Europe" for a in got), got)

    def test_token_resumes(self) -> None:
        c = client()
        p1 = c.ases_page(page_size=300)
        self.assertTrue(p1.next_page_token)
        rest = list(itertools.islice(c.ases(page_size=300, page_token=p1.next_page_token), 300))
        self.assertGreater(rest[0].asn, p1.items[-1].asn)
        r = raw(f"/api/v2/ases?pageSize=300&pageToken={p1.next_page_token}")
        same(self, rest, r["items"], 300)

    def test_incidents_and_asns(self) -> None:
        c = client("partner")
        all_raw = raw("/api/v2/incidents?pageSize=1000", "partner")["items"]
        before = c.requests_sent
        got = list(c.incidents(page_size=7))
        self.assertEqual(c.requests_sent - before, -(-len(all_raw) // 7))
        same(self, got, all_raw, len(all_raw) * 5)
        self.assertGreater(len(got), 7 * 10, "enough incidents for ten pages and more")
        self.assertEqual([i.id for i in got], [i["id"] for i in all_raw])
        self.assertEqual(list(client().asns(page_size=1)), [2516, 3333, 15169])
        # A participant key lists its own ASNs' incidents only.
        own = list(client("kddi").incidents())
        self.assertEqual([i.id for i in own], [i["id"] for i in all_raw if i["asn"] == 2516])
        self.assertTrue(all(i.asn == 2516 for i in own))


class TestEvents(unittest.TestCase):
    def test_public_feed_pages_and_one_event(self) -> None:
        c = client()  # anonymous: the feed is public
        all_raw = raw("/api/v2/events?pageSize=1000")["items"]
        self.assertGreater(len(all_raw), 10)
        before = c.requests_sent
        got = list(c.events(page_size=9))
        self.assertEqual(c.requests_sent - before, -(-len(all_raw) // 9))
        same(self, got, all_raw, len(all_raw) * 5)
        hijacks = list(c.events(type="hijack"))
        self.assertEqual([e.id for e in hijacks], [e["id"] for e in all_raw if e["type"] == "hijack"])
        one = c.event(got[0].id)
        same(self, one, raw("/api/v2/events/" + got[0].id), 10)
        for p in one.paths:
            self.assertTrue(p.culprit == -1 or p.hops[p.culprit].endswith(str(int(one.culprit))), p)
        with self.assertRaises(oc.NotFoundError):
            c.event("no-such-event")


class TestErrors(unittest.TestCase):
    def assert_problem(self, e: oc.APIError, path: str, key: str = "") -> None:
        status, body, _ = harness.server().raw(path, key)
        self.assertEqual((e.status, e.type, e.title, e.detail, e.instance),
                         (status, body["type"], body["title"], body["detail"], body.get("instance", "")))

    def test_401(self) -> None:
        bad = "obs_aaaaaaaaaaaa_" + "b" * 43
        for name, c, call, path, key in [
            ("no key", client(), lambda c: c.scores_details(2516), "/api/v2/scores/details?asn=AS2516", ""),
            ("bad key", client(bad), lambda c: c.scores_details(2516), "/api/v2/scores/details?asn=AS2516", bad),
            ("bad key on public data", client(bad), lambda c: c.scores_summary(), "/api/v2/scores/summary", bad),
            ("anonymous outreach", client(), lambda c: c.outreach_page(), "/api/v2/outreach", ""),
        ]:
            with self.subTest(name), self.assertRaises(oc.UnauthorizedError) as cm:
                call(c)
            self.assert_problem(cm.exception, path, key)
            self.assertTrue(cm.exception.type.endswith("/unauthorized"), cm.exception.type)

    def test_403(self) -> None:
        ripe = client("ripe")
        with self.assertRaises(oc.ForbiddenError) as cm:
            ripe.scores_details(2516)
        e = cm.exception
        self.assert_problem(e, "/api/v2/scores/details?asn=AS2516", "ripe")
        self.assertEqual((e.method, e.path, e.title), ("GET", "/api/v2/scores/details", "Forbidden"))
        self.assertIn("AS2516", e.detail)
        self.assertIsInstance(e, oc.APIError)
        for name, call in {
            "another's incidents": lambda: list(ripe.incidents(asn=2516)),
            "register as a participant": lambda: ripe.create_participant(oc.ParticipantInput(organisation="X", programme=oc.Programme.NETOPS)),
            "outreach as a participant": lambda: ripe.outreach_page(),
            "another's report": lambda: ripe.report(harness.server().participant_ids["KDDI"]),
        }.items():
            with self.subTest(name), self.assertRaises(oc.ForbiddenError):
                call()

    def test_404(self) -> None:
        c = client()
        for name, call, path in [
            ("unmeasured ASN", lambda: c.as_(64999), "/api/v2/ases/AS64999"),
            ("unknown month", lambda: c.as_(2516, month="2020-01"), "/api/v2/ases/AS2516?month=2020-01"),
            ("unknown economy", lambda: c.roas_by_economy("ZZ"), "/api/v2/roas/economy/ZZ"),
            ("unknown region", lambda: c.scores_summary(region="Atlantis"), "/api/v2/scores/summary?region=Atlantis"),
        ]:
            with self.subTest(name), self.assertRaises(oc.NotFoundError) as cm:
                call()
            self.assert_problem(cm.exception, path)

    def test_400_and_422(self) -> None:
        c = client()
        with self.assertRaises(oc.BadRequestError) as cm:
            c.roas_by_economy("NLD")
        self.assertEqual(cm.exception.status, 400)
        self.assert_problem(cm.exception, "/api/v2/roas/economy/NLD")
        # No method sends an unknown parameter: the 422 goes through the
        # request layer every method uses.
        with self.assertRaises(oc.BadRequestError) as cm:
            c._get(oc.ScoreSummary, "/api/v2/scores/summary", {"bogus": "1"})
        self.assertEqual(cm.exception.status, 422)
        self.assert_problem(cm.exception, "/api/v2/scores/summary?bogus=1")
        with self.assertRaises(oc.BadRequestError):
            client("partner").outreach_page(economy="NLD")


class TestRetry429(unittest.TestCase):
    def test_retry_after_waited(self) -> None:
        # The throttled key allows 30 requests a minute: exhaust its burst,
        # then see a 429 with Retry-After, a policy that will not wait that
        # long give up at once, and the default one wait and succeed.
        once = client("throttled", retry=oc.RetryPolicy(max_attempts=1))
        rl = None
        for _ in range(40):
            try:
                once.scores_summary()
            except oc.RateLimitedError as e:
                rl = e
                break
        self.assertIsNotNone(rl, f"no 429 after {once.requests_sent} requests")
        assert rl is not None
        self.assertGreaterEqual(rl.retry_after, 1)
        self.assertEqual(rl.status, 429)
        short = client("throttled", retry=oc.RetryPolicy(max_attempts=5, max_delay=0.1))
        with self.assertRaises(oc.RateLimitedError):
            short.scores_summary()
        self.assertEqual(short.requests_sent, 1)
        patient = client("throttled")
        start = time.monotonic()
        s = patient.scores_summary()
        took = time.monotonic() - start
        self.assertEqual(s.scope, "world")
        self.assertGreaterEqual(patient.requests_sent, 2)
        self.assertGreaterEqual(took, 0.9, "Retry-After (≥ 1 s) must be waited")


class TestFeedback(unittest.TestCase):
    def test_flag_list_review(self) -> None:
        kddi, ripe, sec, partner = client("kddi"), client("ripe"), client("secretariat"), client("partner")
        target = list(kddi.incidents(asn=2516))[0].id
        with self.assertRaises(oc.ForbiddenError):
            ripe.flag_incident(target, "not ours")
        with self.assertRaises(oc.NotFoundError):
            kddi.flag_incident("no-such-incident", "x")
        fb = kddi.flag_incident(target, "announced for a customer, see ticket 42")
        self.assertEqual((fb.incident_id, fb.verdict, fb.asn, fb.month), (target, oc.Verdict.PENDING, 2516, MAY))
        self.assertTrue(fb.id > 0 and fb.submitted_at is not None)
        with self.assertRaises(oc.ConflictError):
            kddi.flag_incident(target, "again")

        pending = list(sec.feedback(verdict=oc.Verdict.PENDING, page_size=1))
        self.assertIn(fb.id, [f.id for f in pending])
        same(self, pending, raw("/api/v2/feedback?verdict=pending&pageSize=1000", "secretariat")["items"], 8)
        self.assertNotIn(fb.id, [f.id for f in ripe.feedback()])
        trail = [i for i in partner.incidents(asn=2516) if i.id == target]
        self.assertEqual(len(trail), 1)
        self.assertEqual([f.reason for f in trail[0].feedback], [fb.reason])

        with self.assertRaises(oc.ForbiddenError):
            kddi.review_feedback(fb.id, oc.Review(verdict=oc.Verdict.REJECTED))
        got = sec.review_feedback(fb.id, oc.Review(verdict=oc.Verdict.REJECTED, note="the customer has no ROA"))
        self.assertEqual((got.verdict, got.review_note), (oc.Verdict.REJECTED, "the customer has no ROA"))
        self.assertTrue(got.reviewed_at is not None and got.reviewed_by)
        with self.assertRaises(oc.ConflictError):
            sec.review_feedback(fb.id, oc.Review(verdict=oc.Verdict.REJECTED))
        with self.assertRaises(oc.NotFoundError):
            sec.review_feedback(999999, oc.Review(verdict=oc.Verdict.REJECTED))


class TestParticipants(unittest.TestCase):
    def test_register_replace_remove(self) -> None:
        sec, anon = client("secretariat"), client()
        rows = list(anon.participants(page_size=1))
        page = raw("/api/v2/participants?pageSize=1000")
        same(self, rows, page["items"], 30)
        self.assertEqual(sorted(r.organisation for r in rows), ["Google", "KDDI", "RIPE NCC"])
        inp = oc.ParticipantInput(organisation="Example Exchange", programme=oc.Programme.IXP, asns=[oc.ASN(1200)],
                                  approved=datetime(2018, 6, 1, tzinfo=timezone.utc), areas=["NL"])
        p = sec.create_participant(inp)
        self.addCleanup(lambda: _ignore_404(lambda: sec.delete_participant(p.id)))
        self.assertTrue(p.id > 0 and p.uid and p.updated_at is not None)
        self.assertEqual((p.programme, p.approved, p.asns), (oc.Programme.IXP, inp.approved, [1200]))
        with self.assertRaises(oc.ConflictError):
            sec.create_participant(inp)
        with self.assertRaises(oc.BadRequestError):
            sec.create_participant(oc.ParticipantInput(organisation="Y", programme=oc.Programme("isp")))
        pp = anon.participants_page()
        self.assertEqual((pp.source, pp.month), ("registry", MAY))
        self.assertIn(p.id, [r.id for r in pp.items])
        inp.asns.append(oc.ASN(1888))
        up = sec.update_participant(p.id, inp)
        self.assertEqual((up.id, up.asns), (p.id, [1200, 1888]))
        with self.assertRaises(oc.NotFoundError):
            sec.update_participant(999999, inp)
        self.assertIsNone(sec.delete_participant(p.id))
        with self.assertRaises(oc.NotFoundError):
            sec.delete_participant(p.id)


def _ignore_404(f: Any) -> None:
    try:
        f()
    except oc.NotFoundError:
        pass


class TestApplications(unittest.TestCase):
    def test_submit_read_recheck_review(self) -> None:
        anon, sec = client(), client("secretariat")
        a = anon.submit_application(oc.ApplicationInput(organisation="SDK Networks", programme=oc.Programme.NETOPS,
                                                        asns=[oc.ASN(1299)], email="noc@sdk.example", areas=["SE"]))
        self.assertTrue(a.applicant_key and a.id > 0 and a.checks, a)
        self.assertEqual(a.checked_month, MAY)
        applicant = client(a.applicant_key)
        own = applicant.application(a.id)
        same(self, own, raw(f"/api/v2/applications/{a.id}", a.applicant_key), 10)
        self.assertEqual(own.applicant_key, "")
        re = applicant.recheck_application(a.id, oc.ApplicationRecheck(areas=["SE", "NO"], comment="served areas"))
        self.assertEqual((re.areas, len(re.trail)), (["NO", "SE"], 3))
        with self.assertRaises(oc.ForbiddenError):
            applicant.applications()
        listed = sec.applications()
        self.assertIn(a.id, [x.id for x in listed])
        done = sec.review_application(a.id, oc.ApplicationReview(decision="rejected", comment="not yet"))
        self.assertEqual(done.state, "rejected")
        with self.assertRaises(oc.ConflictError):
            anon.submit_application(oc.ApplicationInput(organisation="Not RIPE", programme=oc.Programme.NETOPS,
                                                        asns=[oc.ASN(3333)], email="a@b.example"))


class TestOutreachGrowthReports(unittest.TestCase):
    def test_outreach(self) -> None:
        # Economy NL, three requests: each page of the ranking costs the
        # server a second or so on a busy two-core machine.
        partner = client("partner")
        page = partner.outreach_page(economy="NL", page_size=20)
        same(self, page, raw("/api/v2/outreach?economy=NL&pageSize=20", "partner"), 20 * 16)
        self.assertEqual((page.economy, page.total > 30, bool(page.next_page_token)), ("NL", True, True))
        self.assertIn("priority", page.formula)
        self.assertEqual([t.rank for t in page.items], list(range(1, 21)))
        before = partner.requests_sent
        more = list(itertools.islice(partner.outreach(economy="NL", page_size=10, page_token=page.next_page_token), 10))
        self.assertEqual(partner.requests_sent - before, 1)
        self.assertEqual([t.rank for t in more], list(range(21, 31)))
        self.assertTrue(all(t.economy == "NL" and t.priority <= page.items[-1].priority for t in more))

    def test_growth(self) -> None:
        g = client().growth()
        same(self, g, raw("/api/v2/growth"), 10)
        self.assertEqual((g.source, len(g.shares)), ("registry", 1))

    def test_report(self) -> None:
        kddi = client("kddi")
        pid = harness.server().participant_ids["KDDI"]
        r = kddi.report(pid, month="2014-05")
        same(self, r, raw(f"/api/v2/reports/{pid}?month=2014-05", "kddi"), 20)
        self.assertEqual((r.organisation, [a.asn for a in r.asns], r.previous), ("KDDI", [2516], None))
        details = raw("/api/v2/scores/details?asn=AS2516&month=2014-05", "kddi")
        self.assertEqual([i.id for i in r.asns[0].incidents], [i["id"] for i in details["incidents"]])
        pdf = kddi.report_pdf(pid)
        self.assertTrue(pdf.startswith(b"%PDF-"), pdf[:20])

    def test_conformance_flags(self) -> None:
        f = client("partner").conformance_flags()
        same(self, f, raw("/api/v2/conformance/flags", "partner"), 8)
        self.assertEqual((f.participants, f.source, f.rule.consecutive_months), (3, "registry", 3))
        with self.assertRaises(oc.UnauthorizedError):
            client().conformance_flags()


if __name__ == "__main__":
    unittest.main()
