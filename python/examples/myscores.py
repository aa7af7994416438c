#!/usr/bin/env python3
"""Print the scores, metrics and open incidents of one of your networks for
the newest month (the Go SDK's client/examples/myscores):

    OBSERVATORY_URL=http://127.0.0.1:8080 OBSERVATORY_TOKEN=obs_... python3 myscores.py AS3333

The token is a participant key for the network's participant, or a partner
key.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from observatory_client import ASN, Client, ForbiddenError, ObservatoryError


def value(v: Optional[float]) -> str:
    return "-" if v is None else f"{v:.2f}"


def run(arg: str) -> int:
    asn = ASN.parse(arg)
    c = Client(os.environ.get("OBSERVATORY_URL", ""), api_key=os.environ.get("OBSERVATORY_TOKEN", ""))
    try:
        d = c.scores_details(asn)
    except ForbiddenError as e:
        print(f"myscores: this key may not see {asn}: is it yours? ({e})", file=sys.stderr)
        return 1
    month = d.month.strftime("%Y-%m") if d.month else "?"
    print(f"{d.asn} {d.holder}, {d.country}, {month} ({d.spec})")
    for s in d.scores:
        print(f"  {s.id:<24} {s.level:<9} {value(s.value)}")
    for m in d.metrics:
        print(f"  metric {m.id:<17} raw {value(m.raw):<6} score {value(m.score)}")
    counted = sum(1 for i in d.incidents if not i.excluded)
    print(f"  {len(d.routes)} routes, {counted} incidents counted")
    return 0


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: myscores ASN", file=sys.stderr)
        return 2
    try:
        return run(sys.argv[1])
    except (ObservatoryError, ValueError) as e:
        print(f"myscores: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
