"""The Client of the observatory's API v2 (api/openapi.yaml)."""

from __future__ import annotations

import http.client
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence, TypeVar, Union

from . import _codec
from .errors import (
    MAX_ERROR_BODY,
    APIError,
    DecodeError,
    TransportError,
    error_from_response,
)
from .models import (
    AS,
    ASN,
    Application,
    ApplicationInput,
    ApplicationRecheck,
    ApplicationReview,
    ASRecord,
    ConformanceFlags,
    Event,
    Feedback,
    Growth,
    Health,
    Incident,
    OutreachList,
    OutreachTarget,
    Page,
    ParticipantInput,
    ParticipantPage,
    ParticipantRow,
    RegisteredParticipant,
    Report,
    Review,
    ROAStats,
    ScoreDetails,
    ScoreSummary,
    Spec,
    SpecSummary,
    Verdict,
    month_param,
)

T = TypeVar("T")

#: The User-Agent sent when none is given.
DEFAULT_USER_AGENT = "observatory-python-client/2"

#: What a month parameter may be: a date or datetime (any instant of the
#: month; aware datetimes count in UTC) or a "YYYY-MM" string.
MonthLike = Union[date, datetime, str]

#: An ASN parameter: an ASN, an int, or text such as "AS3333".
ASNLike = Union[ASN, int, str]


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds the retries of a request. A request is retried when the
    server answers 429 Too Many Requests or 503 Service Unavailable, which
    say it was not acted on, and, for GET, HEAD, PUT and DELETE only, when
    no answer came at all.

    The n-th retry waits base_delay * 2**(n-1) seconds, capped at
    max_delay, of which a random half (equal jitter). A Retry-After is
    waited for in full, plus up to one base_delay of jitter; when it
    exceeds max_delay the request is not retried and the error carries it
    in retry_after. max_attempts counts every attempt, the first one
    included: 1 never retries.
    """

    max_attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 30.0

    def next_wait(self, attempt: int, method: str, err: Exception) -> Optional[float]:
        """Seconds to wait before retrying a request whose attempt number
        attempt (from 1) failed with err; None when it must not be retried."""
        if attempt >= self.max_attempts or not _retryable(method, err):
            return None
        if isinstance(err, APIError) and err.retry_after > 0:
            if err.retry_after > self.max_delay:
                return None
            return err.retry_after + random.uniform(0, self.base_delay)
        d = min(self.base_delay * (2 ** min(attempt - 1, 30)), self.max_delay)
        return d / 2 + random.uniform(0, d / 2)


#: The policy of a Client given none: four attempts, backoff from 250 ms,
#: at most 30 s per wait.
DEFAULT_RETRY_POLICY = RetryPolicy()


def _retryable(method: str, err: Exception) -> bool:
    if isinstance(err, APIError):
        return err.status in (429, 503)
    return isinstance(err, TransportError) and method in ("GET", "HEAD", "PUT", "DELETE")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers like any other: the API sends none."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _asn(a: ASNLike) -> ASN:
    return a if isinstance(a, ASN) else ASN(a)


def _id(n: int) -> str:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"observatory: want an integer ID, got {n!r}")
    return str(n)


class Client:
    """A client of one observatory server.

    base_url is the server's (http://127.0.0.1:8080); the /api/v2 paths are
    appended to it, after any path it has. api_key is the whole token
    `observatory keys create` printed (obs_<id>_<secret>), sent as a Bearer
    token; without one only the public scores and aggregates answer.
    timeout bounds each attempt, in seconds. Lists come out as iterators
    that fetch the following page, through nextPageToken, when the previous
    one is used up; each list also has a *_page method for callers that
    keep the token themselves.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str = "",
        *,
        timeout: float = 30.0,
        user_agent: str = DEFAULT_USER_AGENT,
        retry: RetryPolicy = DEFAULT_RETRY_POLICY,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        u = urllib.parse.urlsplit(base_url or "")
        if u.scheme not in ("http", "https") or not u.netloc or u.hostname is None:
            raise ValueError(f"observatory: base URL {base_url!r}: want http(s)://host[:port]")
        self._base = urllib.parse.urlunsplit((u.scheme, u.netloc, u.path.rstrip("/"), "", ""))
        self._key = api_key
        self._timeout = timeout
        self._ua = user_agent
        self._retry = retry
        self._sleep = sleep
        self._opener = urllib.request.build_opener(_NoRedirect())
        #: Requests sent, retries included: for tests and metrics.
        self.requests_sent = 0

    # --- transport -------------------------------------------------------

    def _url(self, path: str, query: Optional[Mapping[str, str]]) -> str:
        u = self._base + path
        if query:
            u += "?" + urllib.parse.urlencode(query)
        return u

    def _attempt(self, method: str, path: str, url: str, body: Optional[bytes], accept: str) -> tuple[int, bytes]:
        headers = {"Accept": accept + ", application/problem+json", "User-Agent": self._ua}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self._key:
            headers["Authorization"] = "Bearer " + self._key
        req = urllib.request.Request(url, data=body, headers=headers, method=method)
        self.requests_sent += 1
        try:
            with self._opener.open(req, timeout=self._timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as e:
            with e:
                data = e.read(MAX_ERROR_BODY) if e.fp is not None else b""
            raise error_from_response(method, path, e.code, e.headers, data) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
            cause = e.reason if isinstance(e, urllib.error.URLError) and isinstance(e.reason, BaseException) else e
            raise TransportError(method, path, cause) from e

    def _send(
        self,
        method: str,
        path: str,
        query: Optional[Mapping[str, str]] = None,
        body: Any = None,
        accept: str = "application/json",
    ) -> tuple[int, bytes]:
        data = None if body is None else json.dumps(_codec.to_json(body)).encode("utf-8")
        url = self._url(path, query)
        attempt = 1
        while True:
            try:
                return self._attempt(method, path, url, data, accept)
            except (APIError, TransportError) as e:
                wait = self._retry.next_wait(attempt, method, e)
                if wait is None:
                    raise
            self._sleep(wait)
            attempt += 1

    def _json(self, method: str, path: str, query: Optional[Mapping[str, str]] = None, body: Any = None) -> Any:
        status, raw = self._send(method, path, query, body)
        if status == 204 or not raw:
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise DecodeError(f"observatory: {method} {path}: decode the answer: {e}") from None

    def _get(self, cls: type[T], path: str, query: Optional[Mapping[str, str]] = None, method: str = "GET", body: Any = None) -> T:
        data = self._json(method, path, query, body)
        if not isinstance(data, dict):
            raise DecodeError(f"observatory: {method} {path}: want a JSON object, got {type(data).__name__}")
        try:
            return _codec.from_json(cls, data)
        except ValueError as e:
            raise DecodeError(f"observatory: {method} {path}: decode the answer: {e}") from None

    def _items(self, item: type[T], path: str) -> list[T]:
        data = self._json("GET", path)
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise DecodeError(f"observatory: GET {path}: want an object with items")
        try:
            return [_codec.decode(item, v) for v in items]
        except (TypeError, ValueError) as e:
            raise DecodeError(f"observatory: GET {path}: decode the answer: {e}") from None

    def _page(self, item: type[T], path: str, query: dict[str, str]) -> Page[T]:
        data = self._json("GET", path, query)
        if not isinstance(data, dict):
            raise DecodeError(f"observatory: GET {path}: want a JSON object")
        try:
            return Page(
                items=[_codec.decode(item, v) for v in data.get("items") or []],
                next_page_token=str(data.get("nextPageToken") or ""),
                month=_codec.parse_time(data["month"]) if data.get("month") else None,
                spec=str(data.get("spec") or ""),
            )
        except (TypeError, ValueError) as e:
            raise DecodeError(f"observatory: GET {path}: decode the answer: {e}") from None

    @staticmethod
    def _iterate(token: str, fetch: Callable[[str], tuple[Sequence[T], str]]) -> Iterator[T]:
        while True:
            items, nxt = fetch(token)
            yield from items
            if not nxt or nxt == token:
                return
            token = nxt

    @staticmethod
    def _query(
        month: Optional[MonthLike] = None,
        spec: str = "",
        page_size: int = 0,
        page_token: str = "",
        **extra: Optional[str],
    ) -> dict[str, str]:
        q: dict[str, str] = {}
        if month is not None:
            q["month"] = month_param(month)
        if spec:
            q["spec"] = spec
        if page_size > 0:
            q["pageSize"] = str(page_size)
        if page_token:
            q["pageToken"] = page_token
        for k, v in extra.items():
            if v:
                q[k] = v
        return q

    # --- networks and scores -----------------------------------------------

    def asns_page(self, *, month: Optional[MonthLike] = None, spec: str = "", page_size: int = 0, page_token: str = "") -> Page[ASN]:
        """A page of the month's participant ASNs, ascending."""
        return self._page(ASN, "/api/v2/asns", self._query(month, spec, page_size, page_token))

    def asns(self, *, month: Optional[MonthLike] = None, spec: str = "", page_size: int = 0, page_token: str = "") -> Iterator[ASN]:
        """Iterate over the month's participant ASNs, ascending, from
        page_token on."""

        def fetch(tok: str) -> tuple[list[ASN], str]:
            p = self.asns_page(month=month, spec=spec, page_size=page_size, page_token=tok)
            return p.items, p.next_page_token

        return self._iterate(page_token, fetch)

    def ases_page(
        self,
        *,
        economies: Sequence[str] = (),
        region: str = "",
        month: Optional[MonthLike] = None,
        spec: str = "",
        page_size: int = 0,
        page_token: str = "",
    ) -> Page[AS]:
        """A page of the month's networks, by ASN, with the scores the
        caller may see; filtered by economies (ISO 3166 alpha-2) or by a UN
        M49 region or sub-region or an RIR (Europe, Western Europe, RIPE
        NCC)."""
        q = self._query(month, spec, page_size, page_token, economies=",".join(economies), region=region)
        return self._page(AS, "/api/v2/ases", q)

    def ases(
        self,
        *,
        economies: Sequence[str] = (),
        region: str = "",
        month: Optional[MonthLike] = None,
        spec: str = "",
        page_size: int = 0,
        page_token: str = "",
    ) -> Iterator[AS]:
        """Iterate over the month's networks, by ASN."""

        def fetch(tok: str) -> tuple[list[AS], str]:
            p = self.ases_page(economies=economies, region=region, month=month, spec=spec, page_size=page_size, page_token=tok)
            return p.items, p.next_page_token

        return self._iterate(page_token, fetch)

    def as_(self, asn: ASNLike, *, month: Optional[MonthLike] = None, spec: str = "") -> ASRecord:
        """One network of the month with the scores the caller may see."""
        return self._get(ASRecord, f"/api/v2/ases/{_asn(asn)}", self._query(month, spec))

    def scores_summary(
        self,
        *,
        region: str = "",
        asns: Sequence[ASNLike] = (),
        economies: Sequence[str] = (),
        month: Optional[MonthLike] = None,
        spec: str = "",
    ) -> ScoreSummary:
        """The five scores over a region (world by default; a region,
        sub-region, RIR, economy or participant programme), or over the
        networks that asns or economies (ISO 3166 alpha-2) name, as the
        published API's asns= and economies= do; with their trend and the
        networks per readiness level."""
        q = self._query(
            month,
            spec,
            region=region,
            asns=",".join(str(int(_asn(a))) for a in asns),
            economies=",".join(economies),
        )
        return self._get(ScoreSummary, "/api/v2/scores/summary", q)

    def scores_details(self, asn: ASNLike, *, month: Optional[MonthLike] = None, spec: str = "") -> ScoreDetails:
        """A network's scores, metrics, route evidence and incidents. Needs
        a key that may see them: a participant key for its own ASNs
        (ForbiddenError for others), a partner or secretariat key for all."""
        return self._get(ScoreDetails, "/api/v2/scores/details", self._query(month, spec, asn=str(_asn(asn))))

    def roas_by_asn(self, asn: ASNLike, *, month: Optional[MonthLike] = None, spec: str = "") -> ROAStats:
        """The ROA coverage of a network's announcements, per family."""
        return self._get(ROAStats, f"/api/v2/roas/asn/{_asn(asn)}", self._query(month, spec))

    def roas_by_economy(self, cc: str, *, month: Optional[MonthLike] = None, spec: str = "") -> ROAStats:
        """The ROA coverage of an economy's announcements (cc: ISO 3166
        alpha-2, any case), per family."""
        return self._get(ROAStats, "/api/v2/roas/economy/" + urllib.parse.quote(cc, safe=""), self._query(month, spec))

    # --- incidents and feedback --------------------------------------------------

    def incidents_page(
        self, *, asn: Optional[ASNLike] = None, month: Optional[MonthLike] = None, spec: str = "", page_size: int = 0, page_token: str = ""
    ) -> Page[Incident]:
        """A page of the month's incidents with evidence and feedback
        trail. Needs a key; without asn a participant key lists its own
        ASNs' incidents, partner and secretariat keys all."""
        a = str(_asn(asn)) if asn is not None else None
        return self._page(Incident, "/api/v2/incidents", self._query(month, spec, page_size, page_token, asn=a))

    def incidents(
        self, *, asn: Optional[ASNLike] = None, month: Optional[MonthLike] = None, spec: str = "", page_size: int = 0, page_token: str = ""
    ) -> Iterator[Incident]:
        """Iterate over the month's incidents, in stored order."""

        def fetch(tok: str) -> tuple[list[Incident], str]:
            p = self.incidents_page(asn=asn, month=month, spec=spec, page_size=page_size, page_token=tok)
            return p.items, p.next_page_token

        return self._iterate(page_token, fetch)

    def events_page(
        self,
        *,
        type: str = "",
        asn: Optional[ASNLike] = None,
        prefix: str = "",
        since: str = "",
        month: Optional[MonthLike] = None,
        spec: str = "",
        page_size: int = 0,
        page_token: str = "",
    ) -> Page[Event]:
        """A page of the month's public events (hijack, leak or bogon),
        newest start first; no key needed. asn keeps the events involving
        it, prefix those with an overlapping prefix, since those that ended
        at or after it (RFC 3339 or YYYY-MM-DD)."""
        a = str(_asn(asn)) if asn is not None else None
        q = self._query(month, spec, page_size, page_token, type=type, asn=a, prefix=prefix, since=since)
        return self._page(Event, "/api/v2/events", q)

    def events(
        self,
        *,
        type: str = "",
        asn: Optional[ASNLike] = None,
        prefix: str = "",
        since: str = "",
        month: Optional[MonthLike] = None,
        spec: str = "",
        page_size: int = 0,
        page_token: str = "",
    ) -> Iterator[Event]:
        """Iterate over every public event the filters select, newest first."""

        def fetch(tok: str) -> tuple[list[Event], str]:
            p = self.events_page(type=type, asn=asn, prefix=prefix, since=since, month=month, spec=spec, page_size=page_size, page_token=tok)
            return p.items, p.next_page_token

        return self._iterate(page_token, fetch)

    def event(self, event_id: str, *, month: Optional[MonthLike] = None, spec: str = "") -> Event:
        """One public event of a month with its evidence paths."""
        path = "/api/v2/events/" + urllib.parse.quote(event_id, safe="")
        return self._get(Event, path, self._query(month, spec))

    def flag_incident(self, incident_id: str, reason: str) -> Feedback:
        """Report an incident of the key's own participant as a false
        positive, with a reason (1 to 4000 bytes); returns the pending
        feedback. Needs a participant key; ConflictError when the incident
        has a pending feedback already."""
        path = "/api/v2/incidents/" + urllib.parse.quote(incident_id, safe="") + "/feedback"
        return self._get(Feedback, path, method="POST", body={"reason": reason})

    def feedback_page(self, *, verdict: Union[Verdict, str] = "", page_size: int = 0, page_token: str = "") -> Page[Feedback]:
        """A page of feedback, newest first, filtered by verdict: all of it
        for a secretariat key, its own ASNs' for a participant key."""
        return self._page(Feedback, "/api/v2/feedback", self._query(None, "", page_size, page_token, verdict=str(verdict)))

    def feedback(self, *, verdict: Union[Verdict, str] = "", page_size: int = 0, page_token: str = "") -> Iterator[Feedback]:
        """Iterate over feedback, newest first."""

        def fetch(tok: str) -> tuple[list[Feedback], str]:
            p = self.feedback_page(verdict=verdict, page_size=page_size, page_token=tok)
            return p.items, p.next_page_token

        return self._iterate(page_token, fetch)

    def review_feedback(self, feedback_id: int, review: Review) -> Feedback:
        """Record the secretariat's verdict on a pending feedback; returns
        it reviewed. ConflictError when it is no longer pending."""
        return self._get(Feedback, f"/api/v2/feedback/{_id(feedback_id)}/review", method="POST", body=review)

    # --- participants ----------------------------------------------------------

    def participants_page(self, *, month: Optional[MonthLike] = None, spec: str = "", page_size: int = 0, page_token: str = "") -> ParticipantPage:
        """A page of the public participants table, by organisation, with
        the month's marks and scores."""
        return self._get(ParticipantPage, "/api/v2/participants", self._query(month, spec, page_size, page_token))

    def participants(self, *, month: Optional[MonthLike] = None, spec: str = "", page_size: int = 0, page_token: str = "") -> Iterator[ParticipantRow]:
        """Iterate over the public participants table."""

        def fetch(tok: str) -> tuple[list[ParticipantRow], str]:
            p = self.participants_page(month=month, spec=spec, page_size=page_size, page_token=tok)
            return p.items, p.next_page_token

        return self._iterate(page_token, fetch)

    def create_participant(self, p: ParticipantInput) -> RegisteredParticipant:
        """Register a participant (secretariat key); ConflictError when the
        organisation is registered already."""
        return self._get(RegisteredParticipant, "/api/v2/participants", method="POST", body=p)

    def update_participant(self, participant_id: int, p: ParticipantInput) -> RegisteredParticipant:
        """Replace registered participant participant_id (secretariat key)."""
        return self._get(RegisteredParticipant, f"/api/v2/participants/{_id(participant_id)}", method="PUT", body=p)

    def delete_participant(self, participant_id: int) -> None:
        """Remove a participant from the registry (secretariat key)."""
        self._send("DELETE", f"/api/v2/participants/{_id(participant_id)}")

    # --- specifications and service --------------------------------------------

    def specs(self) -> list[SpecSummary]:
        """The scoring specifications built into the server."""
        return self._items(SpecSummary, "/api/v2/specs")

    def spec(self, id: str, version: str) -> Spec:
        """One scoring specification; raw holds the whole document."""
        path = "/api/v2/specs/" + urllib.parse.quote(id, safe="") + "/" + urllib.parse.quote(version, safe="")
        return self._get(Spec, path)

    def openapi(self) -> dict[str, Any]:
        """The server's API contract, the OpenAPI 3.1 document."""
        data = self._json("GET", "/api/v2/openapi.json")
        if not isinstance(data, dict):
            raise DecodeError("observatory: GET /api/v2/openapi.json: the answer is not a JSON object")
        return data

    def healthz(self) -> Health:
        """Whether the server and its store answer: ServiceUnavailableError
        when the store does not."""
        return self._get(Health, "/healthz")

    def metrics(self) -> str:
        """The server's Prometheus metrics, in the text exposition format."""
        _, raw = self._send("GET", "/metrics", accept="text/plain")
        return raw.decode("utf-8", "replace")

    # --- applications ------------------------------------------------------------

    def submit_application(self, a: ApplicationInput) -> Application:
        """Apply, with or without a key. The answer carries the applicant
        key, shown this once: a Client made with it reads and re-checks the
        application."""
        return self._get(Application, "/api/v2/applications", method="POST", body=a)

    def application(self, application_id: int) -> Application:
        """Application application_id (its applicant key, or a secretariat
        key)."""
        return self._get(Application, f"/api/v2/applications/{_id(application_id)}")

    def applications(self) -> list[Application]:
        """Every application, newest first (secretariat key)."""
        return self._items(Application, "/api/v2/applications")

    def recheck_application(self, application_id: int, r: ApplicationRecheck) -> Application:
        """Check an application again after r's changes (its applicant key,
        or a secretariat key)."""
        return self._get(Application, f"/api/v2/applications/{_id(application_id)}/recheck", method="POST", body=r)

    def review_application(self, application_id: int, r: ApplicationReview) -> Application:
        """Record the secretariat's decision; an approval registers the
        participant."""
        return self._get(Application, f"/api/v2/applications/{_id(application_id)}/review", method="POST", body=r)

    # --- outreach, growth, reports, conformance -------------------------------------

    def outreach_page(
        self, *, region: str = "", economy: str = "", month: Optional[MonthLike] = None, spec: str = "", page_size: int = 0, page_token: str = ""
    ) -> OutreachList:
        """A page of the month's non-participant networks ranked for
        outreach (secretariat or partner key)."""
        q = self._query(month, spec, page_size, page_token, region=region, economy=economy)
        return self._get(OutreachList, "/api/v2/outreach", q)

    def outreach(
        self, *, region: str = "", economy: str = "", month: Optional[MonthLike] = None, spec: str = "", page_size: int = 0, page_token: str = ""
    ) -> Iterator[OutreachTarget]:
        """Iterate over the whole outreach ranking, first first."""

        def fetch(tok: str) -> tuple[list[OutreachTarget], str]:
            p = self.outreach_page(region=region, economy=economy, month=month, spec=spec, page_size=page_size, page_token=tok)
            return p.items, p.next_page_token

        return self._iterate(page_token, fetch)

    def growth(self) -> Growth:
        """Participation by programme and month and the participants vs all
        networks shares over the stored months (public)."""
        return self._get(Growth, "/api/v2/growth")

    def report(self, participant: int, *, month: Optional[MonthLike] = None, spec: str = "") -> Report:
        """A participant's monthly conformance report (its registry ID): a
        participant key its own only, a partner or secretariat key any."""
        return self._get(Report, f"/api/v2/reports/{_id(participant)}", self._query(month, spec))

    def report_pdf(self, participant: int, *, month: Optional[MonthLike] = None, spec: str = "") -> bytes:
        """The same report rendered as a PDF document."""
        q = self._query(month, spec, format="pdf")
        _, raw = self._send("GET", f"/api/v2/reports/{_id(participant)}", q, accept="application/pdf")
        return raw

    def conformance_flags(self, *, month: Optional[MonthLike] = None, spec: str = "") -> ConformanceFlags:
        """The month's minimum-conformance flags the key may see: all for a
        partner or secretariat key, its own participant's for a participant
        key. Needs a key."""
        return self._get(ConformanceFlags, "/api/v2/conformance/flags", self._query(month, spec))
