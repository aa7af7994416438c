#!/usr/bin/env python3
"""List every network of one or more economies with its visible scores,
page after page, as CSV (the Go SDK's client/examples/economy):

    OBSERVATORY_URL=... python3 economy.py NL BE
"""

from __future__ import annotations

import csv
import os
import sys

from observatory_client import SCORE_IDS, Client, ObservatoryError


def run(economies: list[str]) -> int:
    c = Client(os.environ.get("OBSERVATORY_URL", ""), api_key=os.environ.get("OBSERVATORY_TOKEN", ""))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["asn", "holder", "country", "participant", *SCORE_IDS])
    n = 0
    for a in c.ases(economies=economies, page_size=1000):
        row = [str(a.asn), a.holder, a.country, "true" if a.participant else "false"]
        for sid in SCORE_IDS:
            s = a.score(sid)
            if s is None:
                row.append("hidden")
            elif s.value is None:
                row.append(s.level)
            else:
                row.append(f"{s.value:.3f}")
        w.writerow(row)
        n += 1
    sys.stdout.flush()
    print(f"economy: {n} networks", file=sys.stderr)
    return 0


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: economy CC...", file=sys.stderr)
        return 2
    try:
        return run(sys.argv[1:])
    except (ObservatoryError, ValueError) as e:
        print(f"economy: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
