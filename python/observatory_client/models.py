"""The models of the observatory's API v2: the schemas of api/openapi.yaml
(package api/wire on the Go side), as dataclasses.

Field names are snake_case; each maps to the camelCase JSON property of the
contract. Properties a model does not declare are ignored on decoding, so a
newer server does not break this SDK. Times are aware datetimes in UTC; an
optional time the server left out is None. Score values without data are
None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Generic, Optional, TypeVar, Union

__all__ = [
    "ASN",
    "Event",
    "EventConfidence",
    "EventPath",
    "Level",
    "ScoreID",
    "Verdict",
    "Programme",
    "Page",
    "Score",
    "ROVInference",
    "LeakProtection",
    "Organisation",
    "AS",
    "ASRecord",
    "LevelCounts",
    "ScoreAggregate",
    "Severity",
    "KeyFigure",
    "KeyFigures",
    "ScoreSummary",
    "Metric",
    "Route",
    "Feedback",
    "Incident",
    "ScoreDetails",
    "Review",
    "ROAFamily",
    "ROAStats",
    "ParticipantScore",
    "ParticipantRow",
    "ParticipantPage",
    "ParticipantInput",
    "RegisteredParticipant",
    "SpecSummary",
    "SpecAction",
    "SpecReadiness",
    "Spec",
    "HealthCheck",
    "Health",
    "ApplicationInput",
    "ApplicationEvidence",
    "ApplicationCheck",
    "ApplicationTransition",
    "Application",
    "ApplicationRecheck",
    "ApplicationReview",
    "OutreachTarget",
    "OutreachList",
    "NetworkShares",
    "GrowthMonth",
    "GrowthShares",
    "Growth",
    "ReportScore",
    "ReportIncident",
    "ReportPrefix",
    "ReportFinding",
    "ReportASN",
    "Report",
    "ConformanceRule",
    "ConformancePoint",
    "ConformanceEvidence",
    "ConformanceFlag",
    "ConformanceFlags",
    "MONTH_LAYOUT",
    "SCORE_IDS",
    "month_param",
]

T = TypeVar("T")

#: The layout of a month as the API takes it, YYYY-MM (strftime).
MONTH_LAYOUT = "%Y-%m"

_ASN = re.compile(r"^(?:[Aa][Ss])?(\d+)(?:\.(\d+))?$")


class ASN(int):
    """An autonomous system number (RFC 6793); in JSON a number, in text
    AS3333."""

    def __new__(cls, value: Union[int, str]) -> "ASN":
        if isinstance(value, str):
            return cls.parse(value)
        if isinstance(value, bool) or not 0 <= int(value) <= 0xFFFFFFFF:
            raise ValueError(f"observatory: ASN {value!r}: out of range")
        return super().__new__(cls, int(value))

    @classmethod
    def parse(cls, s: str) -> "ASN":
        """Read AS3333, as3333, 3333 or the asdot form 0.3333."""
        m = _ASN.match(s.strip())
        if m is None:
            raise ValueError(f'observatory: ASN "{s}": want AS followed by a number, or a number')
        if m.group(2) is not None:
            hi, lo = int(m.group(1)), int(m.group(2))
            if hi > 0xFFFF or lo > 0xFFFF:
                raise ValueError(f'observatory: ASN "{s}": asdot halves must be at most 65535')
            n = hi << 16 | lo
        else:
            n = int(m.group(1))
        if n > 0xFFFFFFFF:
            raise ValueError(f'observatory: ASN "{s}": want AS followed by a number, or a number')
        return super().__new__(cls, n)

    def __str__(self) -> str:
        return f"AS{int(self)}"

    def __repr__(self) -> str:
        return f"ASN({int(self)})"


class Level(str):
    """A readiness level of a score: ready, aspiring, lagging or noData.
    Unknown levels a newer server sends are kept as they are."""

    READY: ClassVar["Level"]
    ASPIRING: ClassVar["Level"]
    LAGGING: ClassVar["Level"]
    NO_DATA: ClassVar["Level"]

    _RANK: ClassVar[dict[str, int]] = {"ready": 3, "aspiring": 2, "lagging": 1}

    def at_least(self, minimum: Union["Level", str]) -> bool:
        """Whether this level is minimum or better; noData never is."""
        r = self._RANK.get(str(self), 0)
        return r > 0 and r >= self._RANK.get(str(minimum), 0)


Level.READY = Level("ready")
Level.ASPIRING = Level("aspiring")
Level.LAGGING = Level("lagging")
Level.NO_DATA = Level("noData")


class ScoreID(str):
    """One of the five published scores, in the Observatory's order (MANRS
    Actions 1 to 4, the last split in two)."""

    FILTERING: ClassVar["ScoreID"]
    ANTI_SPOOFING: ClassVar["ScoreID"]
    COORDINATION: ClassVar["ScoreID"]
    IRR: ClassVar["ScoreID"]
    RPKI: ClassVar["ScoreID"]


ScoreID.FILTERING = ScoreID("filtering")
ScoreID.ANTI_SPOOFING = ScoreID("antiSpoofing")
ScoreID.COORDINATION = ScoreID("coordination")
ScoreID.IRR = ScoreID("routingInformationIRR")
ScoreID.RPKI = ScoreID("routingInformationRPKI")

#: The five score ids, in order.
SCORE_IDS: tuple[ScoreID, ...] = (ScoreID.FILTERING, ScoreID.ANTI_SPOOFING, ScoreID.COORDINATION, ScoreID.IRR, ScoreID.RPKI)


class Verdict(str):
    """The state of a false-positive feedback."""

    PENDING: ClassVar["Verdict"]
    ACCEPTED: ClassVar["Verdict"]
    REJECTED: ClassVar["Verdict"]


Verdict.PENDING = Verdict("pending")
Verdict.ACCEPTED = Verdict("accepted")
Verdict.REJECTED = Verdict("rejected")


class Programme(str):
    """A MANRS programme."""

    NETOPS: ClassVar["Programme"]
    IXP: ClassVar["Programme"]
    CDN: ClassVar["Programme"]
    VENDOR: ClassVar["Programme"]


Programme.NETOPS = Programme("netops")
Programme.IXP = Programme("ixp")
Programme.CDN = Programme("cdn")
Programme.VENDOR = Programme("vendor")


def month_param(month: Union[date, datetime, str]) -> str:
    """The month parameter of a date, datetime (its UTC month) or YYYY-MM
    string."""
    if isinstance(month, str):
        if not re.fullmatch(r"\d{4}-\d{2}", month):
            raise ValueError(f'observatory: month "{month}": want YYYY-MM')
        return month
    if isinstance(month, datetime) and month.tzinfo is not None:
        from datetime import timezone

        month = month.astimezone(timezone.utc)
    return month.strftime(MONTH_LAYOUT)


# --- month data and pages --------------------------------------------------


@dataclass
class Page(Generic[T]):
    """One page of a list. next_page_token is "" on the last page; month and
    spec are None for lists that are not month data (feedback)."""

    items: list[T] = field(default_factory=list)
    next_page_token: str = ""
    month: Optional[datetime] = None
    spec: str = ""


# --- scores -----------------------------------------------------------------


@dataclass
class Score:
    """One score of a network. value is None without data."""

    id: ScoreID = ScoreID("")
    value: Optional[float] = None
    has_data: bool = False
    level: Level = Level("")


@dataclass
class ROVInference:
    """The ROV deployment inferred for a network as a transit hop."""

    verdict: str = ""
    propagated: int = 0
    dropped: int = 0
    confidence: float = 0.0


@dataclass
class LeakProtection:
    """A network's route-leak protection."""

    verdict: str = ""
    leaks: int = 0
    customer_leaks: int = 0
    customer_routes: int = 0
    aspa: bool = False
    aspa_providers: int = 0
    aspa_missing: int = 0


@dataclass
class Organisation:
    """The PeeringDB organisation of a network."""

    peeringdb: int = 0
    name: str = ""


@dataclass
class AS:
    """A network with the scores the caller may see: for a participant's
    ASN without a key of its own, only the Actions the specification marks
    public."""

    asn: ASN = ASN(0)
    holder: str = ""
    country: str = ""
    rir: str = ""
    region: str = ""
    sub_region: str = ""
    participant: bool = False
    peers: int = 0
    announced: int = 0
    rov: Optional[ROVInference] = None
    leak_protection: Optional[LeakProtection] = None
    organisation: Optional[Organisation] = None
    scores: list[Score] = field(default_factory=list)

    def score(self, id: Union[ScoreID, str]) -> Optional[Score]:
        """The network's score id, None when not visible."""
        for s in self.scores:
            if s.id == id:
                return s
        return None


@dataclass
class ASRecord(AS):
    """GET /ases/{asn}: a network in a month."""

    month: Optional[datetime] = None
    spec: str = ""


@dataclass
class LevelCounts:
    """Networks (or their percentage) per level."""

    ready: float = 0.0
    aspiring: float = 0.0
    lagging: float = 0.0
    no_data: float = 0.0


@dataclass
class ScoreAggregate:
    """One score over a region. trend is the value minus that of the
    previous stored month, None when that has none."""

    id: ScoreID = ScoreID("")
    value: Optional[float] = None
    trend: Optional[float] = None
    counts: LevelCounts = field(default_factory=LevelCounts)
    percentages: LevelCounts = field(default_factory=LevelCounts)


@dataclass
class Severity:
    """The networks at one readiness level (ready, aspiring, lagging,
    no_data_available) in the published shape; percentage is of all the
    summary's networks, 0 to 100."""

    id: str = ""
    count: int = 0
    percentage: float = 0.0


@dataclass
class KeyFigure:
    """One score over the summary's networks in the published shape."""

    id: ScoreID = ScoreID("")
    value: Optional[float] = None
    trend: Optional[float] = None
    severities: list[Severity] = field(default_factory=list)


@dataclass
class KeyFigures:
    """The published scores object of GET /scores/summary."""

    key_figures: list[KeyFigure] = field(default_factory=list)


@dataclass
class ScoreSummary:
    """GET /scores/summary. scope says what region matched: world, region,
    subregion, rir, economy or participants; asns or economies for a
    summary of the networks those name. aggregates are ours, scores the
    same figures in the published MANRS Observatory shape."""

    month: Optional[datetime] = None
    spec: str = ""
    region: str = ""
    scope: str = ""
    asns: list[ASN] = field(default_factory=list)
    economies: list[str] = field(default_factory=list)
    previous_month: Optional[datetime] = None
    aggregates: list[ScoreAggregate] = field(default_factory=list)
    scores: KeyFigures = field(default_factory=lambda: KeyFigures())


@dataclass
class Metric:
    """One measured metric of a network: raw value, score, whether it
    counts, and its evidence (decoded JSON) when the server keeps it."""

    id: str = ""
    raw: Optional[float] = None
    score: Optional[float] = None
    counted: bool = False
    has_data: bool = False
    evidence: Any = None


@dataclass
class Route:
    """The evidence of one announced prefix."""

    prefix: str = ""
    rpki: str = ""
    irr: str = ""
    irr_sources: list[str] = field(default_factory=list)
    bogon: str = ""
    peers: int = 0
    first_seen: Optional[datetime] = None
    last_seen: Optional[datetime] = None


@dataclass
class Feedback:
    """A false-positive report on an incident and its review."""

    id: int = 0
    incident_id: str = ""
    month: Optional[datetime] = None
    spec: str = ""
    asn: ASN = ASN(0)
    reason: str = ""
    submitted_by: str = ""
    submitted_at: Optional[datetime] = None
    verdict: Verdict = Verdict("")
    reviewed_by: str = ""
    reviewed_at: Optional[datetime] = None
    review_note: str = ""


@dataclass
class Incident:
    """A detected incident with its evidence (decoded JSON) as the detector
    recorded it, and the feedback trail on it, oldest first. Excluded
    incidents were accepted as false positives and do not count."""

    id: str = ""
    asn: ASN = ASN(0)
    metric: str = ""
    start: Optional[datetime] = None
    end: Optional[datetime] = None
    weight: Optional[float] = None
    score: Optional[float] = None
    excluded: bool = False
    events: list[str] = field(default_factory=list)
    evidence: Any = None
    feedback: list[Feedback] = field(default_factory=list)


@dataclass
class ScoreDetails(AS):
    """GET /scores/details: a network's scores, metrics, route evidence and
    incidents."""

    month: Optional[datetime] = None
    spec: str = ""
    metrics: list[Metric] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)


@dataclass
class Review:
    """The secretariat's verdict on a feedback: accepted or rejected, with
    an optional note."""

    verdict: Verdict
    note: str = field(default="", metadata={"omitempty": True})


# --- ROAs -------------------------------------------------------------------


@dataclass
class ROAFamily:
    """ROA coverage of one address family: announcements and address space
    (addresses for IPv4, /64 networks for IPv6) per state."""

    family: int = 0
    valid: int = 0
    invalid: int = 0
    not_found: int = 0
    valid_space: int = 0
    invalid_space: int = 0
    not_found_space: int = 0


@dataclass
class ROAStats:
    """ROA coverage of a network (scope "asn", key AS3333) or an economy
    (scope "economy", key NL)."""

    month: Optional[datetime] = None
    spec: str = ""
    scope: str = ""
    key: str = ""
    families: list[ROAFamily] = field(default_factory=list)


# --- participants -----------------------------------------------------------


@dataclass
class ParticipantScore:
    """A participant's mean of one score over its ASNs with data; value is
    None when the score is not public (the mark only)."""

    value: Optional[float] = None
    level: Level = Level("")


@dataclass
class ParticipantRow:
    """A row of the public participants table. id and uid are the
    registry's, 0 and "" when the table comes from the month's snapshot."""

    id: int = 0
    uid: str = ""
    organisation: str = ""
    programme: Programme = Programme("")
    asns: list[ASN] = field(default_factory=list)
    approved: Optional[datetime] = None
    areas: list[str] = field(default_factory=list)
    action1_mark: Level = Level("")
    anti_spoofing: ParticipantScore = field(default_factory=ParticipantScore)
    coordination: ParticipantScore = field(default_factory=ParticipantScore)
    irr: ParticipantScore = field(default_factory=ParticipantScore, metadata={"json": "routingInformationIRR"})
    rpki: ParticipantScore = field(default_factory=ParticipantScore, metadata={"json": "routingInformationRPKI"})


@dataclass
class ParticipantPage:
    """A page of the participants table. source is "registry" or, when the
    registry is empty, "month"."""

    month: Optional[datetime] = None
    spec: str = ""
    next_page_token: str = ""
    source: str = ""
    items: list[ParticipantRow] = field(default_factory=list)


@dataclass
class ParticipantInput:
    """Registers or replaces a participant."""

    organisation: str
    programme: Programme
    asns: list[ASN] = field(default_factory=list)
    approved: Optional[datetime] = None
    areas: list[str] = field(default_factory=list, metadata={"omitempty": True})


@dataclass
class RegisteredParticipant:
    """An entry of the participants registry. id is never reused; uid is a
    random UUID that never changes, to which the participant's keys are
    bound."""

    id: int = 0
    uid: str = ""
    organisation: str = ""
    programme: Programme = Programme("")
    asns: list[ASN] = field(default_factory=list)
    approved: Optional[datetime] = None
    areas: list[str] = field(default_factory=list)
    updated_at: Optional[datetime] = None


# --- specifications and service ----------------------------------------------


@dataclass
class SpecSummary:
    """A scoring specification the server knows; ref is ID@VERSION."""

    id: str = ""
    version: str = ""
    ref: str = ""
    title: str = ""
    published: str = ""
    default: bool = False


@dataclass
class SpecAction:
    """How a specification scores one MANRS Action."""

    score: ScoreID = ScoreID("")
    action: int = 0
    name: str = ""
    public: bool = False
    counted: list[str] = field(default_factory=list)


@dataclass
class SpecReadiness:
    """The lowest score of the ready and aspiring levels."""

    ready: float = 0.0
    aspiring: float = 0.0


@dataclass
class Spec:
    """A scoring specification. The server sends more than these fields;
    raw holds the whole document, decoded."""

    id: str = ""
    version: str = ""
    title: str = ""
    published: str = ""
    actions: list[SpecAction] = field(default_factory=list)
    readiness: SpecReadiness = field(default_factory=SpecReadiness)
    raw: dict[str, Any] = field(default_factory=dict, init=False, metadata={"skip": True})

    def _decoded(self, data: dict[str, Any]) -> None:
        self.raw = data


@dataclass
class HealthCheck:
    """The last integrity check of the store: status ok, error, pending or
    none."""

    status: str = ""
    at: Optional[datetime] = None
    elapsed_ms: int = 0
    error: str = ""


@dataclass
class Health:
    """GET /healthz: status "ok", the number of stored months and the
    store's last integrity check."""

    status: str = ""
    months: int = 0
    check: HealthCheck = field(default_factory=HealthCheck)


# --- incidents' feedback, applications ---------------------------------------


@dataclass
class ApplicationInput:
    """An application to a MANRS programme."""

    organisation: str
    programme: Programme
    asns: list[ASN]
    email: str
    areas: list[str] = field(default_factory=list, metadata={"omitempty": True})


@dataclass
class ApplicationEvidence:
    """What one check found for one ASN."""

    asn: ASN = ASN(0)
    passed: bool = False
    value: Optional[float] = None
    detail: str = ""


@dataclass
class ApplicationCheck:
    """One automated check of an application: check is "measured" or a
    score id, action the MANRS Action (0 for measured)."""

    check: str = ""
    action: int = 0
    passed: bool = False
    rule: str = ""
    evidence: list[ApplicationEvidence] = field(default_factory=list)


@dataclass
class ApplicationTransition:
    """One entry of an application's trail; from_state is "" for the
    submission."""

    from_state: str = field(default="", metadata={"json": "from"})
    to: str = ""
    by: str = ""
    at: Optional[datetime] = None
    comment: str = ""


@dataclass
class Application:
    """An application with its automated checks and its trail.
    applicant_key is set in the answer to submit_application only."""

    id: int = 0
    organisation: str = ""
    programme: Programme = Programme("")
    asns: list[ASN] = field(default_factory=list)
    email: str = ""
    areas: list[str] = field(default_factory=list)
    state: str = ""
    checks: list[ApplicationCheck] = field(default_factory=list)
    checked_month: Optional[datetime] = None
    checked_spec: str = ""
    checked_criteria: str = ""
    participant_id: int = 0
    created_at: Optional[datetime] = None
    updated_at: Optional[datetime] = None
    trail: list[ApplicationTransition] = field(default_factory=list)
    applicant_key: str = ""


@dataclass
class ApplicationRecheck:
    """What an applicant changed before a re-check."""

    asns: list[ASN] = field(default_factory=list, metadata={"omitempty": True})
    areas: list[str] = field(default_factory=list, metadata={"omitempty": True})
    comment: str = field(default="", metadata={"omitempty": True})


@dataclass
class ApplicationReview:
    """The secretariat's decision: "approved" or "rejected", with a
    comment."""

    decision: str
    comment: str = ""


# --- outreach and growth -------------------------------------------------------


@dataclass
class OutreachTarget:
    """A network that is not a participant, ranked for outreach."""

    rank: int = 0
    asn: ASN = ASN(0)
    holder: str = ""
    economy: str = ""
    region: str = ""
    sub_region: str = ""
    rir: str = ""
    customer_cone: int = 0
    ipv4_addresses: int = 0
    ipv6_slash64s: int = 0
    incidents: int = 0
    ready_actions: int = 0
    actions: int = 0
    impact: float = 0.0
    readiness: float = 0.0
    priority: float = 0.0


@dataclass
class OutreachList:
    """One page of the outreach ranking of a month."""

    month: Optional[datetime] = None
    spec: str = ""
    next_page_token: str = ""
    region: str = ""
    economy: str = ""
    formula: str = ""
    total: int = 0
    items: list[OutreachTarget] = field(default_factory=list)


@dataclass
class NetworkShares:
    """The network-share aggregates of a group: None when no network of it
    could be judged."""

    roa_valid_share: Optional[float] = None
    rov_filtering_share: Optional[float] = None
    roa_judged: int = 0
    rov_judged: int = 0


@dataclass
class GrowthMonth:
    """One month of participation: approved in the month and in all by its
    end, per programme."""

    month: Optional[datetime] = None
    joined: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)


@dataclass
class GrowthShares:
    """Participants compared with all networks in one stored month."""

    month: Optional[datetime] = None
    spec: str = ""
    world: NetworkShares = field(default_factory=NetworkShares)
    participants: dict[str, NetworkShares] = field(default_factory=dict)


@dataclass
class Growth:
    """Participation by programme and month, and the participants vs all
    networks shares. source is "registry" or "month"."""

    source: str = ""
    programmes: list[str] = field(default_factory=list)
    participation: list[GrowthMonth] = field(default_factory=list)
    undated: dict[str, int] = field(default_factory=dict)
    shares: list[GrowthShares] = field(default_factory=list)


# --- reports and conformance -----------------------------------------------------


@dataclass
class ReportScore:
    """One score of an ASN with the previous month's; change is value minus
    previous, None when either has no data."""

    id: ScoreID = ScoreID("")
    action: int = 0
    value: Optional[float] = None
    level: Level = Level("")
    previous: Optional[float] = None
    previous_level: Level = Level("")
    change: Optional[float] = None


@dataclass
class ReportIncident:
    """One incident of the report's month."""

    id: str = ""
    metric: str = ""
    start: Optional[datetime] = None
    end: Optional[datetime] = None
    score: float = 0.0
    excluded: bool = False


@dataclass
class ReportPrefix:
    """A prefix whose state got worse: kind "rpkiInvalid" or "irrLost"."""

    prefix: str = ""
    kind: str = ""
    state: str = ""
    before: str = ""


@dataclass
class ReportFinding:
    """One kind of finding of an ASN, how many, and the advice for it."""

    kind: str = ""
    action: int = 0
    count: int = 0
    advice: str = ""


@dataclass
class ReportASN:
    """One ASN of a report; measured is False when the month has no record
    of it."""

    asn: ASN = ASN(0)
    holder: str = ""
    measured: bool = False
    scores: list[ReportScore] = field(default_factory=list)
    incidents: list[ReportIncident] = field(default_factory=list)
    became: list[ReportPrefix] = field(default_factory=list)
    findings: list[ReportFinding] = field(default_factory=list)


@dataclass
class Report:
    """A participant's monthly conformance report; previous is the stored
    month before month, None when there is none."""

    month: Optional[datetime] = None
    spec: str = ""
    previous: Optional[datetime] = None
    participant: int = 0
    organisation: str = ""
    programme: str = ""
    asns: list[ReportASN] = field(default_factory=list)


@dataclass
class ConformanceRule:
    """The specification's minimum."""

    scores: list[ScoreID] = field(default_factory=list)
    failing: list[Level] = field(default_factory=list)
    consecutive_months: int = 0
    no_data_scores: list[ScoreID] = field(default_factory=list)
    no_data_months: int = 0
    history_months: int = 0


@dataclass
class ConformancePoint:
    """One month of a flag's history: a readiness level, or notStored,
    notMeasured or beforeJoining."""

    month: Optional[datetime] = None
    state: str = ""
    value: Optional[float] = None


@dataclass
class ConformanceEvidence:
    """One month of a flag's run: the score and the metrics its Action
    counts."""

    month: Optional[datetime] = None
    value: Optional[float] = None
    level: Level = Level("")
    metrics: list[Metric] = field(default_factory=list)


@dataclass
class ConformanceFlag:
    """One participant's ASN below the minimum on one Action."""

    participant_id: int = 0
    participant_uid: str = ""
    organisation: str = ""
    programme: str = ""
    asn: ASN = ASN(0)
    score: ScoreID = ScoreID("")
    action: int = 0
    kind: str = ""
    since: Optional[datetime] = None
    months: int = 0
    new: bool = False
    history: list[ConformancePoint] = field(default_factory=list)
    evidence: list[ConformanceEvidence] = field(default_factory=list)


@dataclass
class ConformanceFlags:
    """The month's minimum-conformance flags the key may see."""

    month: Optional[datetime] = None
    spec: str = ""
    rule: ConformanceRule = field(default_factory=ConformanceRule)
    participants: int = 0
    source: str = ""
    items: list[ConformanceFlag] = field(default_factory=list)


# --- public events ------------------------------------------------------------


@dataclass
class EventConfidence:
    """An event's confidence (0 to 1, docs/events.md), its level (high,
    medium or low) and the three factors it is made of."""

    value: float = 0.0
    level: str = ""
    visibility: float = 0.0
    agreement: float = 0.0
    persistence: float = 0.0


@dataclass
class EventPath:
    """One evidence AS path, collector peer first; culprit is the index in
    hops of the culprit's first hop, -1 when it is not on the path."""

    prefix: str = ""
    hops: list[str] = field(default_factory=list)
    culprit: int = -1


@dataclass
class Event:
    """GET /api/v2/events/{id}: one public routing event (a hijack, route
    leak or bogon) with its confidence and evidence paths."""

    id: str = ""
    type: str = ""
    rule: str = ""
    culprit: ASN = ASN(0)
    asns: list[ASN] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    start: Optional[datetime] = None
    end: Optional[datetime] = None
    duration_seconds: float = 0.0
    peers: int = 0
    merged_events: int = 0
    confidence: EventConfidence = field(default_factory=EventConfidence)
    paths: list[EventPath] = field(default_factory=list)
    link: str = ""
