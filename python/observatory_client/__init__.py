"""The Python SDK of the observatory's API v2, the contract in
api/openapi.yaml that `observatory serve` answers.

    from observatory_client import Client, ASN

    c = Client("http://127.0.0.1:8080", api_key="obs_...")
    for a in c.ases(economies=["NL"], page_size=1000):
        print(a.asn, a.holder, a.score("routingInformationRPKI"))

Errors of the API raise APIError subclasses (NotFoundError, ForbiddenError,
UnauthorizedError, BadRequestError, ConflictError, RateLimitedError,
ServiceUnavailableError) carrying the RFC 9457 problem the server sent.
Requests answered 429 (after waiting Retry-After) or 503 are retried with
exponential backoff and jitter, a bounded number of times (RetryPolicy);
transport errors are retried for GET, PUT and DELETE only. Standard library
only.
"""

from .client import DEFAULT_RETRY_POLICY, DEFAULT_USER_AGENT, ASNLike, Client, MonthLike, RetryPolicy
from .errors import (
    APIError,
    BadRequestError,
    ConflictError,
    DecodeError,
    ForbiddenError,
    NotFoundError,
    ObservatoryError,
    RateLimitedError,
    ServiceUnavailableError,
    TransportError,
    UnauthorizedError,
)
from .models import *  # noqa: F401,F403
from .models import __all__ as _models_all

__version__ = "2.0.0"

__all__ = [
    "Client",
    "RetryPolicy",
    "DEFAULT_RETRY_POLICY",
    "DEFAULT_USER_AGENT",
    "ASNLike",
    "MonthLike",
    "ObservatoryError",
    "TransportError",
    "DecodeError",
    "APIError",
    "BadRequestError",
    "UnauthorizedError",
    "ForbiddenError",
    "NotFoundError",
    "ConflictError",
    "RateLimitedError",
    "ServiceUnavailableError",
    *_models_all,
]
