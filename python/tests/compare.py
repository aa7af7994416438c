"""Differential checks of SDK objects against the raw JSON of the same
answer, read apart from the SDK."""

from __future__ import annotations

import dataclasses
import os
import re
from datetime import datetime, timezone
from typing import Any

from observatory_client import _codec

_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$")


class Mismatch(AssertionError):
    pass


def _norm(s: str) -> str:
    return s.replace("_", "").lower()


class Comparison:
    """Walks an SDK object and the raw JSON side by side. leaves counts the
    values compared; unknown collects raw properties no field declares
    (a newer server's, allowed); near_misses those whose name differs from
    a declared field's only by case or underscores (a mapping bug)."""

    def __init__(self) -> None:
        self.leaves = 0
        self.unknown: set[str] = set()
        self.near_misses: list[str] = []
        self._raw_depth = 0  # inside a model that keeps its raw document

    def check(self, obj: Any, raw: Any, path: str = "$") -> None:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            if not isinstance(raw, dict):
                raise Mismatch(f"{path}: object {type(obj).__name__} vs raw {raw!r}")
            declared: dict[str, dataclasses.Field[Any]] = {}
            keeps_raw = False  # Spec: the rest of the document is in raw
            for f in dataclasses.fields(obj):
                if f.metadata.get("skip"):
                    keeps_raw = True
                    continue
                declared[_codec.json_name(f)] = f
            self._raw_depth += keeps_raw
            for key, f in declared.items():
                v = getattr(obj, f.name)
                if key in raw:
                    self.check(v, raw[key], f"{path}.{key}")
                else:
                    self._default(v, f, f"{path}.{key}")
            self._raw_depth -= keeps_raw
            names = {_norm(k) for k in declared}
            for key in raw:
                if key not in declared and not keeps_raw and not self._raw_depth:
                    self.unknown.add(f"{type(obj).__name__}.{key}")
                    if _norm(key) in names:
                        self.near_misses.append(f"{path}.{key}")
            return
        if isinstance(obj, datetime):
            if not isinstance(raw, str):
                raise Mismatch(f"{path}: time {obj} vs raw {raw!r}")
            m = _RFC3339.match(raw)
            if m is None or m.group(3) != "Z":
                raise Mismatch(f"{path}: raw {raw!r} is not an RFC 3339 UTC time")
            frac = ((m.group(2) or "") + "000000")[:6]
            if obj.tzinfo != timezone.utc or obj.strftime("%Y-%m-%dT%H:%M:%S") != m.group(1) or f"{obj.microsecond:06d}" != frac:
                raise Mismatch(f"{path}: time {obj.isoformat()} vs raw {raw!r}")
            self.leaves += 1
            return
        if isinstance(obj, list):
            if not isinstance(raw, list) or len(obj) != len(raw):
                raise Mismatch(f"{path}: list of {len(obj)} vs raw {raw!r:.200}")
            for i, (a, b) in enumerate(zip(obj, raw)):
                self.check(a, b, f"{path}[{i}]")
            return
        if isinstance(obj, dict):
            if not isinstance(raw, dict) or set(obj) != set(raw):
                raise Mismatch(f"{path}: dict keys {sorted(obj)} vs raw {raw!r:.200}")
            for k in obj:
                self.check(obj[k], raw[k], f"{path}.{k}")
            return
        if obj is None:
            if raw is not None:
                raise Mismatch(f"{path}: None vs raw {raw!r}")
        elif isinstance(obj, bool) or isinstance(raw, bool):
            if obj is not raw:
                raise Mismatch(f"{path}: {obj!r} vs raw {raw!r}")
        elif obj != raw or (isinstance(raw, str) and not isinstance(obj, str)):
            raise Mismatch(f"{path}: {obj!r} vs raw {raw!r}")
        self.leaves += 1

    def _default(self, v: Any, f: dataclasses.Field[Any], path: str) -> None:
        """A property the server left out must leave the field at its
        default."""
        if f.default is not dataclasses.MISSING:
            want = f.default
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            want = f.default_factory()  # type: ignore[misc]
        else:
            raise Mismatch(f"{path}: absent from the raw answer and without a default")
        if v != want:
            raise Mismatch(f"{path}: absent from the raw answer, but the SDK has {v!r}")


def same(tc: Any, obj: Any, raw: Any, min_leaves: int = 1) -> Comparison:
    """Assert the SDK's obj is the raw JSON, field by field."""
    c = Comparison()
    try:
        c.check(obj, raw)
    except Mismatch as e:
        tc.fail(f"SDK object differs from the raw answer: {e}")
    tc.assertEqual(c.near_misses, [], "raw properties that a field misnames")
    # Properties the SDK does not declare are allowed (a newer server's);
    # OBSERVATORY_PYSDK_STRICT=1 fails on them, to check that the models
    # cover the server beside them in full.
    if os.environ.get("OBSERVATORY_PYSDK_STRICT") == "1":
        tc.assertEqual(sorted(c.unknown), [], "raw properties no model declares")
    tc.assertGreaterEqual(c.leaves, min_leaves, "too few values compared")
    return c
