#!/usr/bin/env python3
"""List the incidents of one of your networks and, with -flag, report one
of them as a false positive for the secretariat to review (the Go SDK's
client/examples/flagfp):

    OBSERVATORY_URL=... OBSERVATORY_TOKEN=obs_... python3 flagfp.py AS3333
    OBSERVATORY_URL=... OBSERVATORY_TOKEN=obs_... python3 flagfp.py -flag ID -reason "customer route, ticket 42" AS3333

The token must be a participant key of the network's participant.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from observatory_client import ASN, Client, ConflictError, ObservatoryError


def run(arg: str, incident_id: str, reason: str) -> int:
    asn = ASN.parse(arg)
    c = Client(os.environ.get("OBSERVATORY_URL", ""), api_key=os.environ.get("OBSERVATORY_TOKEN", ""))
    for inc in c.incidents(asn=asn):
        state = "excluded" if inc.excluded else "counted"
        if inc.feedback:
            state += ", feedback " + inc.feedback[-1].verdict
        start = inc.start.strftime("%Y-%m-%d") if inc.start else "?"
        end = inc.end.strftime("%Y-%m-%d") if inc.end else "?"
        evidence = json.dumps(inc.evidence, separators=(",", ":"), ensure_ascii=False)
        print(f"{inc.id}  {inc.metric}  {start} – {end}  {state}\n  evidence: {evidence}")
    if not incident_id:
        return 0
    try:
        fb = c.flag_incident(incident_id, reason)
    except ConflictError:
        print(f"flagfp: {incident_id} already has a pending feedback", file=sys.stderr)
        return 1
    print(f"flagged {fb.incident_id}: feedback {fb.id}, {fb.verdict}")
    return 0


def main() -> int:
    p = argparse.ArgumentParser(prog="flagfp", usage="flagfp [-flag ID -reason TEXT] ASN")
    p.add_argument("-flag", "--flag", default="", help="the ID of an incident to flag as a false positive")
    p.add_argument("-reason", "--reason", default="", help="why it is a false positive (needed with -flag)")
    p.add_argument("asn")
    a = p.parse_args()
    if bool(a.flag) != bool(a.reason):
        p.print_usage(sys.stderr)
        return 2
    try:
        return run(a.asn, a.flag, a.reason)
    except (ObservatoryError, ValueError) as e:
        print(f"flagfp: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
