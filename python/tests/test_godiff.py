"""Differential against the Go SDK: each Python example and its Go original
in client/examples, built here, run with the same arguments and key against
the same server, must exit alike and print the same bytes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unittest
from typing import Any

from . import harness

_go: dict[str, str] = {}


def setUpModule() -> None:
    harness.server()
    if shutil.which("go") is None:
        harness.need("go, to build the Go SDK's examples")
    d = tempfile.mkdtemp(prefix="observatory-pysdk-go-")
    unittest.addModuleCleanup(shutil.rmtree, d, True)
    r = subprocess.run(["go", "build", "-o", d + os.sep, "./client/examples/..."], cwd=harness.ROOT, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"go build ./client/examples/...: {r.stderr}")
    _go["dir"] = d


def run_go(key: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    s = harness.server()
    env = dict(os.environ, OBSERVATORY_URL=s.url, OBSERVATORY_TOKEN=s.tokens.get(key, ""))
    return subprocess.run([os.path.join(_go["dir"], args[0]), *args[1:]], capture_output=True, text=True, env=env, timeout=60)


def raw(path: str, key: str = "") -> Any:
    status, body, _ = harness.server().raw(path, key)
    if status != 200:
        raise AssertionError(f"raw GET {path}: {status} {body}")
    return body


class TestSameAsGo(unittest.TestCase):
    def assert_same(self, key: str, args: list[str]) -> None:
        g = run_go(key, args)
        p = harness.run_example(args[0] + ".py", args[1:], key)
        self.assertEqual((p.returncode, p.stdout, p.stderr), (g.returncode, g.stdout, g.stderr),
                         f"{key or 'anonymous'} {' '.join(args)}: Python (left) and Go (right) differ")

    def test_read_only(self) -> None:
        for key, args in [
            ("kddi", ["myscores", "AS2516"]),
            ("kddi", ["myscores", "AS3333"]),
            ("partner", ["myscores", "AS47328"]),
            ("", ["gate", "AS15169", "AS6939"]),
            ("", ["gate", "-strict", "-scores", "antiSpoofing,filtering", "AS6939", "AS47328"]),
            ("", ["gate", "-scores", "filtering", "AS2516"]),
            ("kddi", ["gate", "AS2516"]),
            ("", ["gate", "AS64999"]),
            ("", ["gate", "ASX"]),
            ("kddi", ["flagfp", "AS2516"]),
            ("kddi", ["flagfp", "AS3333"]),
            ("", ["economy", "JP", "BE"]),  # KDDI: hidden scores
        ]:
            with self.subTest(key=key, args=args):
                self.assert_same(key, args)

    def test_flag(self) -> None:
        # Go flags one incident, Python another: the same answer but for
        # the incident and the feedback's number. Then both flag Go's
        # again: the same refusal.
        incs = raw("/api/v2/incidents?asn=AS2516", "kddi")["items"]
        a, b = incs[2]["id"], incs[3]["id"]
        g = run_go("kddi", ["flagfp", "-flag", a, "-reason", "customer route, ticket 42", "AS2516"])
        p = harness.run_example("flagfp.py", ["-flag", b, "-reason", "customer route, ticket 43", "AS2516"], "kddi")
        self.assertEqual((g.returncode, p.returncode), (0, 0), g.stderr + p.stderr)

        def last(out: str, inc: str) -> str:
            return re.sub(r"feedback \d+", "feedback N", out.splitlines()[-1].replace(inc, "ID"))

        self.assertEqual(last(p.stdout, b), last(g.stdout, a))
        self.assertRegex(last(g.stdout, a), r"^flagged ID: feedback N, pending$")
        self.assert_same("kddi", ["flagfp", "-flag", a, "-reason", "again", "AS2516"])
        self.assert_same("kddi", ["flagfp", "AS2516"])


if __name__ == "__main__":
    unittest.main()
