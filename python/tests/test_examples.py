"""Runs each program of python/examples against the server, as a pipeline
would, checking exit codes and output against the raw API's answers."""

from __future__ import annotations

import csv
import io
import json
import unittest
from typing import Any, Optional

from . import harness


def setUpModule() -> None:
    harness.server()


def raw(path: str, key: str = "") -> Any:
    status, body, _ = harness.server().raw(path, key)
    if status != 200:
        raise AssertionError(f"raw GET {path}: {status} {body}")
    return body


def cell(s: Optional[dict[str, Any]]) -> str:
    """The economy example's cell of a raw score."""
    if s is None:
        return "hidden"
    return s["level"] if s["value"] is None else f"{s['value']:.3f}"


SCORES = ["filtering", "antiSpoofing", "coordination", "routingInformationIRR", "routingInformationRPKI"]


class TestExamples(unittest.TestCase):
    def run_example(self, key: str, args: list[str], code: int) -> tuple[str, str]:
        r = harness.run_example(args[0] + ".py", args[1:], key)
        self.assertEqual(r.returncode, code, f"{args}: exit {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}")
        return r.stdout, r.stderr

    def test_economy(self) -> None:
        out, err = self.run_example("", ["economy", "NL"], 0)
        want = raw("/api/v2/ases?economies=NL&pageSize=1000")["items"]
        rows = list(csv.reader(io.StringIO(out)))
        self.assertEqual(rows[0], ["asn", "holder", "country", "participant", *SCORES])
        self.assertEqual(len(rows) - 1, len(want))
        for row, a in zip(rows[1:], want):
            by_id = {s["id"]: s for s in a["scores"]}
            self.assertEqual(row, [f"AS{a['asn']}", a["holder"], a["country"], str(a["participant"]).lower(),
                                   *[cell(by_id.get(i)) for i in SCORES]])
        self.assertIn(f"economy: {len(want)} networks", err)
        # A participant's non-public scores show as hidden anonymously.
        out, err = self.run_example("", ["economy", "JP"], 0)
        kddi = [r for r in csv.reader(io.StringIO(out)) if r[0] == "AS2516"]
        self.assertEqual(len(kddi), 1)
        self.assertEqual(kddi[0][3:5], ["true", "hidden"])
        _, err = self.run_example("", ["economy"], 2)
        self.assertIn("usage: economy CC...", err)

    def test_myscores(self) -> None:
        d = raw("/api/v2/scores/details?asn=AS2516", "kddi")
        out, _ = self.run_example("kddi", ["myscores", "AS2516"], 0)
        lines = out.splitlines()
        self.assertEqual(lines[0], f"AS2516 {d['holder']}, JP, 2014-05 (netops@2024.1)")
        for s in d["scores"]:
            v = "-" if s["value"] is None else f"{s['value']:.2f}"
            self.assertIn(f"  {s['id']:<24} {s['level']:<9} {v}", lines)
        self.assertEqual(sum(1 for ln in lines if ln.startswith("  metric ")), len(d["metrics"]))
        counted = sum(1 for i in d["incidents"] if not i["excluded"])
        self.assertEqual(lines[-1], f"  {len(d['routes'])} routes, {counted} incidents counted")
        _, err = self.run_example("kddi", ["myscores", "AS3333"], 1)
        self.assertIn("this key may not see AS3333", err)
        self.assertIn("403 Forbidden", err)

    def test_gate(self) -> None:
        # AS15169 lags in coordination (0 in these files): not ready.
        a = raw("/api/v2/ases/15169")
        coord = next(s for s in a["scores"] if s["id"] == "coordination")
        _, err = self.run_example("", ["gate", "AS15169"], 1)
        self.assertIn(f"AS15169 is not ready: coordination is {coord['level']} ({coord['value']:.2f}, 2014-05)", err)
        out, _ = self.run_example("", ["gate", "-min", "lagging", "AS6939"], 0)
        self.assertIn("gate: AS6939 at least lagging", out)
        out, _ = self.run_example("", ["gate", "-scores", "filtering", "AS6939", "AS47328"], 0)
        self.assertIn("gate: AS6939, AS47328 at least ready", out)
        # Without its key, KDDI's filtering is not visible: nothing to check.
        self.run_example("", ["gate", "-scores", "filtering", "AS2516"], 0)
        _, err = self.run_example("", ["gate", "-strict", "-scores", "antiSpoofing", "AS6939"], 1)
        self.assertIn("AS6939 is not ready: antiSpoofing is noData (no value, 2014-05)", err)
        _, err = self.run_example("", ["gate", "AS64999"], 1)
        self.assertIn("AS64999 is not measured in the newest month", err)
        _, err = self.run_example("", ["gate", "ASX"], 2)
        self.assertIn('ASN "ASX"', err)

    def test_flagfp(self) -> None:
        incs = raw("/api/v2/incidents?asn=AS2516", "kddi")["items"]
        out, _ = self.run_example("kddi", ["flagfp", "AS2516"], 0)
        heads = [ln for ln in out.splitlines() if not ln.startswith("  evidence: ")]
        self.assertEqual(len(heads), len(incs))
        target = incs[1]
        self.assertIn(f"{target['id']}  {target['metric']}  {target['start'][:10]} – {target['end'][:10]}  counted", heads[1])
        self.assertIn("  evidence: " + json.dumps(target["evidence"], separators=(",", ":"), ensure_ascii=False), out)
        out, _ = self.run_example("kddi", ["flagfp", "-flag", target["id"], "-reason", "customer route, ticket 42", "AS2516"], 0)
        self.assertRegex(out, rf"flagged {target['id']}: feedback \d+, pending")
        out, _ = self.run_example("kddi", ["flagfp", "AS2516"], 0)
        self.assertIn(f"{target['id']}  {target['metric']}", out)
        self.assertIn("counted, feedback pending", out)
        _, err = self.run_example("kddi", ["flagfp", "-flag", target["id"], "-reason", "again", "AS2516"], 1)
        self.assertIn("already has a pending feedback", err)
        _, err = self.run_example("kddi", ["flagfp", "AS3333"], 1)
        self.assertIn("403", err)
        self.run_example("kddi", ["flagfp", "-flag", "x", "AS2516"], 2)

    def test_go_package_examples(self) -> None:
        # Example: the world's scores, anonymously.
        s = raw("/api/v2/scores/summary")
        out, _ = self.run_example("", ["summary"], 0)
        want = ["world 2014-05 vs none"]
        for a in s["aggregates"]:
            v = "n/a" if a["value"] is None else f"{a['value']:.2f}"
            want.append(f"{a['id']:<24} {v} (n/a), {a['percentages']['ready']:.0f}% ready")
        self.assertEqual(out.splitlines(), want)
        # ExampleClient_ScoresDetails: my network's scores.
        d = raw("/api/v2/scores/details?asn=AS2516", "kddi")
        out, _ = self.run_example("kddi", ["details", "AS2516"], 0)
        self.assertEqual(out.splitlines()[-1], f"0 routes, {len(d['incidents'])} incidents, the first: {d['incidents'][0]['id']}")
        # ExampleClient_ASes: an economy page after page.
        nl = raw("/api/v2/ases?economies=NL&pageSize=1000")["items"]
        out, err = self.run_example("", ["iterate", "NL", "100"], 0)
        self.assertEqual(len(out.splitlines()), len(nl))
        self.assertIn(f"{-(-len(nl) // 100)} requests", err)
        self.assertTrue(out.startswith(f"AS{nl[0]['asn']} "), out[:80])
        # ExampleIsForbidden: the typed error.
        out, _ = self.run_example("kddi", ["forbidden", "AS3333"], 0)
        self.assertEqual(out.splitlines(), ["True", "403 Forbidden: this key may not see the details of AS3333"])


if __name__ == "__main__":
    unittest.main()
