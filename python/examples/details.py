#!/usr/bin/env python3
"""Fetch my scores: those of a network of the key's participant, with
metrics and incidents (the Go SDK's ExampleClient_ScoresDetails):

    OBSERVATORY_URL=... OBSERVATORY_TOKEN=obs_... python3 details.py AS2516
"""

from __future__ import annotations

import os
import sys

from observatory_client import Client

c = Client(os.environ["OBSERVATORY_URL"], api_key=os.environ["OBSERVATORY_TOKEN"])
d = c.scores_details(sys.argv[1] if len(sys.argv) > 1 else "AS3333")
print(d.asn, d.holder, d.month.strftime("%Y-%m") if d.month else "?")
for s in d.scores:
    if s.has_data and s.value is not None:
        print(f"{s.id:<24} {s.level:<8} {s.value:.2f}")
    else:
        print(f"{s.id:<24} {s.level}")
first = d.incidents[0].id if d.incidents else "none"
print(len(d.routes), "routes,", len(d.incidents), "incidents, the first:", first)
