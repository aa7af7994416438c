"""JSON <-> dataclass conversion for the SDK's models.

A model is a dataclass whose fields are snake_case; the JSON name of each is
its camelCase form (``sub_region`` -> ``subRegion``) unless the field's
metadata names it (``field(metadata={"json": "routingInformationIRR"})``).
Decoding ignores JSON properties a model does not declare, so that a newer
server's additions do not break an older SDK, and leaves absent ones at
their defaults.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import types
import typing
from datetime import datetime, timezone
from typing import Any, TypeVar, Union

T = TypeVar("T")

_FRACTION = re.compile(r"\.(\d+)")


def json_name(f: dataclasses.Field[Any]) -> str:
    """Return the JSON property name of a dataclass field."""
    name = f.metadata.get("json")
    if name:
        return str(name)
    head, *rest = f.name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def parse_time(s: str) -> datetime:
    """Parse an RFC 3339 time as the server writes it (UTC, Z, up to
    nanoseconds) into an aware datetime; fractions beyond microseconds are
    truncated."""
    t = s.strip()
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    m = _FRACTION.search(t)
    if m:
        t = t[: m.start()] + "." + (m.group(1) + "000000")[:6] + t[m.end():]
    dt = datetime.fromisoformat(t)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def format_time(dt: datetime) -> str:
    """Format a datetime as RFC 3339 in UTC (naive ones are taken as UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    s = dt.astimezone(timezone.utc).isoformat()
    return s.replace("+00:00", "Z")


_hints_cache: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    h = _hints_cache.get(cls)
    if h is None:
        module = sys.modules[cls.__module__]
        h = typing.get_type_hints(cls, globalns=vars(module))
        _hints_cache[cls] = h
    return h


def decode(tp: Any, value: Any) -> Any:
    """Convert the JSON value into the type tp: a model dataclass, a list,
    dict, Optional, datetime, a str or int subclass (ASN, Level...), or Any."""
    if tp is Any or tp is object:
        return value
    origin = typing.get_origin(tp)
    if origin is Union or (sys.version_info >= (3, 10) and origin is types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return decode(args[0], value) if len(args) == 1 else value
    if value is None:
        return _zero(tp)
    if origin in (list, typing.List):
        (item,) = typing.get_args(tp) or (Any,)
        if not isinstance(value, list):
            raise TypeError(f"want a JSON array, got {type(value).__name__}")
        return [decode(item, v) for v in value]
    if origin in (dict, typing.Dict):
        _, item = typing.get_args(tp) or (str, Any)
        if not isinstance(value, dict):
            raise TypeError(f"want a JSON object, got {type(value).__name__}")
        return {k: decode(item, v) for k, v in value.items()}
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise TypeError(f"{tp.__name__}: want a JSON object, got {type(value).__name__}")
        return from_json(tp, value)
    if tp is datetime:
        if not isinstance(value, str):
            raise TypeError(f"want an RFC 3339 time, got {value!r}")
        return parse_time(value)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"want a number, got {value!r}")
        return float(value)
    if tp is bool:
        if not isinstance(value, bool):
            raise TypeError(f"want a boolean, got {value!r}")
        return value
    if isinstance(tp, type) and issubclass(tp, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"want an integer, got {value!r}")
        return tp(value)
    if isinstance(tp, type) and issubclass(tp, str):
        if not isinstance(value, str):
            raise TypeError(f"want a string, got {value!r}")
        return tp(value)
    return value


def _zero(tp: Any) -> Any:
    """The value of a JSON null for a non-optional type."""
    origin = typing.get_origin(tp)
    if origin in (list, typing.List):
        return []
    if origin in (dict, typing.Dict):
        return {}
    return None


def from_json(cls: type[T], data: dict[str, Any]) -> T:
    """Build the model cls from a decoded JSON object."""
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.init:
            continue
        key = json_name(f)
        if key not in data:
            continue
        try:
            kwargs[f.name] = decode(hints[f.name], data[key])
        except (TypeError, ValueError) as e:
            raise ValueError(f"{cls.__name__}.{key}: {e}") from None
    obj = cls(**kwargs)
    post = getattr(obj, "_decoded", None)
    if post is not None:
        post(data)
    return obj


def to_json(value: Any) -> Any:
    """Convert a model (or list, dict, datetime...) into JSON values. Fields
    that are None, or empty lists marked omitempty, are left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if f.metadata.get("skip"):
                continue
            if v is None:
                continue
            if f.metadata.get("omitempty") and v in ("", [], {}, 0):
                continue
            out[json_name(f)] = to_json(v)
        return out
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    return value
