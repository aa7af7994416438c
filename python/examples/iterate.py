#!/usr/bin/env python3
"""Iterate over every network of an economy; the iterator fetches the next
page when needed (the Go SDK's ExampleClient_ASes):

    OBSERVATORY_URL=... python3 iterate.py NL 100
"""

from __future__ import annotations

import os
import sys

from observatory_client import Client, ScoreID

c = Client(os.environ["OBSERVATORY_URL"])
cc = sys.argv[1] if len(sys.argv) > 1 else "NL"
size = int(sys.argv[2]) if len(sys.argv) > 2 else 1
for a in c.ases(economies=[cc], page_size=size):
    rpki = a.score(ScoreID.RPKI)
    print(a.asn, a.holder, "participant:", a.participant, "RPKI:", rpki.level if rpki else "hidden")
print(c.requests_sent, "requests", file=sys.stderr)
