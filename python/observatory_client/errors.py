"""The SDK's exceptions.

Every answer of the server other than 2xx raises an APIError, of the
subclass of its status (NotFoundError for 404, ...), carrying the RFC 9457
problem the server sent: status, type, title, detail, instance. A request
that got no answer at all raises TransportError. Both derive from
ObservatoryError.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Mapping, Optional

#: How much of an error body is read.
MAX_ERROR_BODY = 64 << 10

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ObservatoryError(Exception):
    """The base of the SDK's exceptions."""


class TransportError(ObservatoryError):
    """A request that got no HTTP answer: connection refused, reset, timed
    out. cause is the underlying exception."""

    def __init__(self, method: str, path: str, cause: BaseException) -> None:
        super().__init__(f"observatory: {method} {path}: {cause}")
        self.method = method
        self.path = path
        self.cause = cause


class DecodeError(ObservatoryError):
    """A 2xx answer whose body is not what the contract says."""


class APIError(ObservatoryError):
    """An answer of the server other than 2xx: the RFC 9457 problem it
    carried or, when the body was not one (a proxy's page), the status and
    the start of the body (type "about:blank").

    Attributes: method and path of the request (path from the API root,
    without query); status, the HTTP status code; type, a URI naming the
    kind of problem; title, the status text; detail, this occurrence;
    instance, the path the problem occurred on as the server saw it;
    retry_after, the server's Retry-After in seconds (0 when none), on 429
    and 503.
    """

    def __init__(
        self,
        method: str,
        path: str,
        status: int,
        type: str = "about:blank",
        title: str = "",
        detail: str = "",
        instance: str = "",
        retry_after: float = 0.0,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.type = type
        self.title = title or _TITLES.get(status, f"HTTP {status}")
        self.detail = detail
        self.instance = instance
        self.retry_after = retry_after
        super().__init__(str(self))

    def __str__(self) -> str:
        s = f"observatory: {self.method} {self.path}: {self.status} {self.title}"
        if self.detail:
            s += ": " + self.detail
        return s

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, type={self.type!r}, "
            f"title={self.title!r}, detail={self.detail!r})"
        )


class BadRequestError(APIError):
    """400 (a malformed value) or 422 (an unknown query parameter)."""


class UnauthorizedError(APIError):
    """401: a key is needed, or the one given is unknown, expired or
    revoked."""


class ForbiddenError(APIError):
    """403: the key's role or participant does not allow the request."""


class NotFoundError(APIError):
    """404: an unknown month, ASN, incident, feedback, participant or
    specification."""


class ConflictError(APIError):
    """409: a pending feedback exists, a feedback was already reviewed, an
    organisation is registered twice."""


class RateLimitedError(APIError):
    """429 that retries did not overcome; retry_after says when to come
    back."""


class ServiceUnavailableError(APIError):
    """503: the server is busy or its store does not answer."""


_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    422: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
    503: ServiceUnavailableError,
}


def parse_retry_after(value: Optional[str], now: Optional[datetime] = None) -> float:
    """Read a Retry-After header, delay-seconds or an HTTP date, as
    seconds; 0 when absent, malformed or past."""
    if not value:
        return 0.0
    v = value.strip()
    if v.isdigit():
        return float(int(v))
    try:
        t = parsedate_to_datetime(v)
    except (TypeError, ValueError, IndexError):
        return 0.0
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    wait = (t - (now or datetime.now(timezone.utc))).total_seconds()
    return wait if wait > 0 else 0.0


def error_from_response(method: str, path: str, status: int, headers: Mapping[str, str], body: bytes) -> APIError:
    """Build the APIError of an answer: from its problem+json body when it
    has one, else from the status and the start of the body."""
    cls = _CLASSES.get(status, APIError)
    retry = parse_retry_after(headers.get("Retry-After"))
    ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if ctype in ("application/problem+json", "application/json"):
        try:
            p = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            p = None
        if isinstance(p, dict) and isinstance(p.get("status"), int) and p["status"] != 0:
            return cls(
                method,
                path,
                status,
                type=str(p.get("type") or "about:blank"),
                title=str(p.get("title") or ""),
                detail=str(p.get("detail") or ""),
                instance=str(p.get("instance") or ""),
                retry_after=retry,
            )
    detail = body.decode("utf-8", "replace").strip()
    if len(detail) > 200:
        detail = detail[:200] + "…"
    return cls(method, path, status, type="about:blank", detail=detail, retry_after=retry)
