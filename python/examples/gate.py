#!/usr/bin/env python3
"""Fail a pipeline when a network is not ready (the Go SDK's
client/examples/gate): exit 1, with the reason on standard error, when any
of the chosen scores of any ASN given is below the wanted level, 2 when it
cannot tell, and 0 when all pass:

    OBSERVATORY_URL=... [OBSERVATORY_TOKEN=...] python3 gate.py [-min ready] [-scores filtering,routingInformationRPKI] AS3333 ...

Without a key, a participant's ASN shows only its public scores; scores
without data are skipped unless -strict.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from observatory_client import ASN, Client, Level, NotFoundError, ObservatoryError


def value(v: Optional[float]) -> str:
    return "no value" if v is None else f"{v:.2f}"


def check(args: list[str], want: Level, ids: list[str], strict: bool) -> list[str]:
    """Why each ASN falls short; empty when all pass."""
    c = Client(os.environ.get("OBSERVATORY_URL", ""), api_key=os.environ.get("OBSERVATORY_TOKEN", ""))
    failures: list[str] = []
    for arg in args:
        asn = ASN.parse(arg)
        try:
            a = c.as_(asn)
        except NotFoundError:
            failures.append(f"{asn} is not measured in the newest month")
            continue
        month = a.month.strftime("%Y-%m") if a.month else "?"
        for s in a.scores:
            if ids and s.id not in ids:
                continue
            if not s.has_data and not strict:
                continue
            if not s.level.at_least(want):
                failures.append(f"{asn} is not {want}: {s.id} is {s.level} ({value(s.value)}, {month})")
    return failures


def main() -> int:
    p = argparse.ArgumentParser(prog="gate", usage="gate [-min LEVEL] [-scores IDS] [-strict] ASN...")
    p.add_argument("-min", "--min", default="ready", help="the level every score must reach: ready, aspiring or lagging")
    p.add_argument("-scores", "--scores", default="", help="comma-separated score ids to check (default: all visible)")
    p.add_argument("-strict", "--strict", action="store_true", help="fail on scores without data too")
    p.add_argument("asns", nargs="+")
    a = p.parse_args()
    ids = [s for s in a.scores.split(",") if s]
    try:
        failures = check(a.asns, Level(a.min), ids, a.strict)
    except (ObservatoryError, ValueError) as e:
        print(f"gate: {e}", file=sys.stderr)
        return 2
    for f in failures:
        print(f"gate: {f}", file=sys.stderr)
    if failures:
        return 1
    print(f"gate: {', '.join(a.asns)} at least {a.min}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
