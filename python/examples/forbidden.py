#!/usr/bin/env python3
"""The typed error of a request the key may not make: the details of
another participant's network (the Go SDK's ExampleIsForbidden):

    OBSERVATORY_URL=... OBSERVATORY_TOKEN=obs_... python3 forbidden.py AS15169
"""

from __future__ import annotations

import os
import sys

from observatory_client import APIError, Client, ForbiddenError

c = Client(os.environ["OBSERVATORY_URL"], api_key=os.environ["OBSERVATORY_TOKEN"])
try:
    c.scores_details(sys.argv[1] if len(sys.argv) > 1 else "AS15169")
    print(False)
except ForbiddenError as e:
    print(True)
    print(e.status, e.title + ":", e.detail)
except APIError as e:
    print(False)
    print(e.status, e.title + ":", e.detail)
