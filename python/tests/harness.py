"""A real `observatory serve` on loopback for the SDK's tests.

The store is built by the real binary from small real files of the shared
data ($OBSERVATORY_SHARED_DATA, or ../shared/data beside the checkout): the
May 2014 month that cmd/observatory's tests ingest (two update files, an
RPKI snapshot, IRR, CAIDA relationships, RIR stats, bogons), a few seconds. Participants are registered and keys
minted with the CLI (`participants import`, `keys create`), one per role.

The binary is $OBSERVATORY_BIN, or built with `go build` from the checkout
this directory is in. When shared data or the binary cannot be had, the
tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON_DIR = os.path.join(ROOT, "python")
EXAMPLES = os.path.join(PYTHON_DIR, "examples")

#: The small real inputs, relative to the shared data directory (the
#: smallInputs of cmd/observatory/fixture_test.go).
SMALL_INPUTS = [
    "mrt/updates/ris.rrc06.updates.1401488100.gz",
    "mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2",
    "rpki/rpki-client-prepdev-20230504.json.gz",
    "irr",
    "as-relationships/20140101.as-rel.txt",
    "rir-delegated/2014",
    "bogons",
]

#: The month they make.
MONTH = "2014-05"

#: The participants, in the month and in the registry. KDDI's AS2516 has
#: the month's most incidents (6); AS3333 and AS15169 announce nothing in
#: these files.
PARTICIPANTS = (
    "organisation,programme,asns,approved,areas\n"
    "Google,netops,AS15169,2017-01-01,US\n"
    "RIPE NCC,netops,AS3333,2015-01-12,NL\n"
    "KDDI,netops,AS2516,2016-03-01,JP\n"
)


def need(what: str) -> None:
    """Skip the tests for want of what, or fail under CI=true."""
    msg = f"the Python SDK's tests need {what}"
    if os.environ.get("CI") == "true":
        raise RuntimeError(msg + " (CI=true: failing instead of skipping)")
    raise unittest.SkipTest(msg)


@dataclass
class Server:
    """A running serve with its store, keys (by name) and participants."""

    url: str = ""
    dir: str = ""
    bin: str = ""
    db: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    participant_ids: dict[str, int] = field(default_factory=dict)
    proc: Optional[subprocess.Popen[bytes]] = None
    reader: Optional[threading.Thread] = None
    log: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.reader is not None:
            self.reader.join(5)
            self.reader = None
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()
        self.proc = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = ""

    def cli(self, *args: str) -> str:
        """Run the observatory binary; its standard output."""
        r = subprocess.run([self.bin, *args], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"observatory {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
        return r.stdout

    def raw(self, path: str, key: str = "", method: str = "GET", body: Any = None) -> tuple[int, Any, dict[str, str]]:
        """The raw answer to a request, apart from the SDK: status, decoded
        JSON body (None when empty) and headers."""
        headers = {"Accept": "application/json"}
        tok = self.tokens.get(key, key)
        if tok:
            headers["Authorization"] = "Bearer " + tok
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, b, h = r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            status, b, h = e.code, e.read(), dict(e.headers)
        return status, (json.loads(b) if b else None), h


_server: Optional[Server] = None
_lock = threading.Lock()


def server() -> Server:
    """The one server of the test run, started the first time."""
    global _server
    with _lock:
        if _server is None:
            s = Server()
            try:
                _start(s)
            except BaseException:
                s.stop()
                raise
            atexit.register(s.stop)
            _server = s
        return _server


def _binary(dir: str) -> str:
    b = os.environ.get("OBSERVATORY_BIN", "")
    if b:
        if not os.access(b, os.X_OK):
            raise RuntimeError(f"OBSERVATORY_BIN={b} is not executable")
        return b
    if shutil.which("go") is None:
        need("the observatory binary: set OBSERVATORY_BIN or put go on PATH")
    out = os.path.join(dir, "observatory")
    r = subprocess.run(["go", "build", "-o", out, "./cmd/observatory"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"go build ./cmd/observatory: {r.stderr}")
    return out


def _start(s: Server) -> None:
    # $OBSERVATORY_SHARED_DATA, or ../shared/data beside the checkout, as
    # internal/testenv finds it.
    shared = os.environ.get("OBSERVATORY_SHARED_DATA") or os.path.join(os.path.dirname(ROOT), "shared", "data")
    if not os.path.isdir(shared):
        need(f"the shared data directory {shared} (set OBSERVATORY_SHARED_DATA)")
    missing = [p for p in SMALL_INPUTS if not os.path.exists(os.path.join(shared, p))]
    if missing:
        need(f"shared data files {missing} under {shared}")
    s.dir = tempfile.mkdtemp(prefix="observatory-pysdk-")
    t0 = time.monotonic()
    s.bin = _binary(s.dir)
    s.timings["build"] = time.monotonic() - t0

    data = os.path.join(s.dir, "data")
    os.mkdir(data)
    for p in SMALL_INPUTS:
        os.symlink(os.path.join(shared, p), os.path.join(data, os.path.basename(p)))
    parts = os.path.join(s.dir, "participants.csv")
    with open(parts, "w") as f:
        f.write(PARTICIPANTS)
    s.db = os.path.join(s.dir, "obs.db")
    t0 = time.monotonic()
    s.cli("ingest", "--db", s.db, "--data", data, "--month", MONTH, "--participants", parts, "--quiet")
    s.timings["ingest"] = time.monotonic() - t0
    s.cli("participants", "import", "--db", s.db, parts)
    for p in json.loads(s.cli("participants", "list", "--db", s.db, "--format", "json")):
        s.participant_ids[p["organisation"]] = int(p["id"])
    for name, args in {
        "kddi": ["--role", "participant", "--participant", str(s.participant_ids["KDDI"])],
        "ripe": ["--role", "participant", "--participant", str(s.participant_ids["RIPE NCC"])],
        "partner": ["--role", "partner"],
        "secretariat": ["--role", "secretariat"],
        "throttled": ["--role", "partner", "--rate", "30"],
    }.items():
        out = s.cli("keys", "create", "--db", s.db, "--name", name, *args)
        m = re.search(r"(?m)^token: +(obs_\S+)$", out)
        if m is None:
            raise RuntimeError(f"keys create printed no token:\n{out}")
        s.tokens[name] = m.group(1)
    _serve(s)


def _serve(s: Server) -> None:
    t0 = time.monotonic()
    s.proc = subprocess.Popen(
        [s.bin, "serve", "--db", s.db, "--listen", "127.0.0.1:0", "--rate", "0", "--anonymous-rate", "0", "--access-log=false", "--grace", "2s"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    addr: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert s.proc is not None and s.proc.stderr is not None
        for raw in s.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            s.log.append(line)
            m = re.search(r"msg=serving addr=(\S+)", line)
            if m and not addr:
                addr.append(m.group(1))
                ready.set()
        ready.set()

    s.reader = threading.Thread(target=read, daemon=True)
    s.reader.start()
    if not ready.wait(30) or not addr:
        raise RuntimeError("serve did not listen within 30 s:\n" + "\n".join(s.log))
    s.url = "http://" + addr[0]
    for _ in range(200):
        try:
            with urllib.request.urlopen(s.url + "/healthz", timeout=5) as r:
                if r.status == 200:
                    s.timings["serve"] = time.monotonic() - t0
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{s.url}/healthz did not answer 200:\n" + "\n".join(s.log))


def run_example(name: str, args: list[str], key: str = "") -> subprocess.CompletedProcess[str]:
    """Run python/examples/name with the server's URL and the named key, as
    a pipeline would."""
    s = server()
    env = dict(os.environ)
    env["OBSERVATORY_URL"] = s.url
    env["OBSERVATORY_TOKEN"] = s.tokens.get(key, "")
    env["PYTHONPATH"] = PYTHON_DIR + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, name), *args], capture_output=True, text=True, env=env, timeout=60)
