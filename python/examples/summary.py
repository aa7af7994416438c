#!/usr/bin/env python3
"""Read the world's scores anonymously, with the trend since the previous
month (the Go SDK's package Example):

    OBSERVATORY_URL=... python3 summary.py
"""

from __future__ import annotations

import os

from observatory_client import Client

c = Client(os.environ["OBSERVATORY_URL"])
s = c.scores_summary()
prev = s.previous_month.strftime("%Y-%m") if s.previous_month else "none"
print(s.region, s.month.strftime("%Y-%m") if s.month else "?", "vs", prev)
for a in s.aggregates:
    v = "n/a" if a.value is None else f"{a.value:.2f}"
    t = "n/a" if a.trend is None else f"{a.trend:+.2f}"
    print(f"{a.id:<24} {v} ({t}), {a.percentages.ready:.0f}% ready")
