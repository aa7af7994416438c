package client

import (
	"github.com/observatory-net/observatory/api/wire"
)

// The types of this file are those of package wire, the schemas of
// api/openapi.yaml, under the SDK's names.

// ASN is an autonomous system number (RFC 6793); in JSON a number.
type ASN = wire.ASN

// ParseASN reads AS3333, as3333 or 3333.
func ParseASN(s string) (ASN, error) { return wire.ParseASN(s) }

// MonthLayout is the layout of a month, YYYY-MM, as the API takes it.
const MonthLayout = wire.MonthLayout

// Level is a readiness level of a score.
type Level = wire.Level

// The readiness levels, best first.
const (
	LevelReady    = wire.LevelReady
	LevelAspiring = wire.LevelAspiring
	LevelLagging  = wire.LevelLagging
	LevelNoData   = wire.LevelNoData
)

// ScoreID names one of the five published scores.
type ScoreID = wire.ScoreID

// The score ids, in the Observatory's order (MANRS Actions 1 to 4, the
// last split in two).
const (
	ScoreFiltering    = wire.ScoreFiltering
	ScoreAntiSpoofing = wire.ScoreAntiSpoofing
	ScoreCoordination = wire.ScoreCoordination
	ScoreIRR          = wire.ScoreIRR
	ScoreRPKI         = wire.ScoreRPKI
)

// Verdict is the state of a false-positive feedback.
type Verdict = wire.Verdict

// The verdicts.
const (
	VerdictPending  = wire.VerdictPending
	VerdictAccepted = wire.VerdictAccepted
	VerdictRejected = wire.VerdictRejected
)

// Programme is a MANRS programme.
type Programme = wire.Programme

// The programmes.
const (
	ProgrammeNetops = wire.ProgrammeNetops
	ProgrammeIXP    = wire.ProgrammeIXP
	ProgrammeCDN    = wire.ProgrammeCDN
	ProgrammeVendor = wire.ProgrammeVendor
)

// MonthData is the head of every month response: the month (its first
// instant, UTC) and the specification it was scored with (ID@VERSION).
type MonthData = wire.MonthData

// Page is one page of a list. NextPageToken is empty on the last page.
// Month and Spec are zero for lists that are not month data (feedback).
type Page[T any] = wire.Page[T]

// Score is one score of a network. Value is nil without data.
type Score = wire.Score

// AS is a network with the scores the caller may see: for a participant's
// ASN without a key of its own, only the Actions the specification marks
// public. AS.Score returns one of them.
type AS = wire.AS

// ASRecord is GET /ases/{asn}: a network in a month.
type ASRecord = wire.ASRecord

// LevelCounts counts (or gives the percentage of) networks per level.
type LevelCounts = wire.LevelCounts

// ScoreAggregate is one score over a region. Trend is the value minus
// that of the previous stored month, nil when that has none.
type ScoreAggregate = wire.ScoreAggregate

// ScoreSummary is GET /scores/summary. Scope says what Region matched:
// world, region, subregion, rir, economy or participants.
type ScoreSummary = wire.ScoreSummary

// Metric is one measured metric of a network: its raw value, its score,
// whether it counts in the network's scores, and its evidence.
type Metric = wire.Metric

// Route is the evidence of one announced prefix.
type Route = wire.Route

// Incident is a detected incident with its evidence, as the detector
// recorded it, and the feedback trail on it, oldest first. Excluded
// incidents were accepted as false positives and do not count.
type Incident = wire.Incident

// ScoreDetails is GET /scores/details: a network's scores, metrics, route
// evidence and incidents.
type ScoreDetails = wire.ScoreDetails

// Feedback is a false-positive report on an incident and its review.
type Feedback = wire.Feedback

// Review is the secretariat's verdict on a feedback: VerdictAccepted or
// VerdictRejected, with an optional note.
type Review = wire.Review

// ROAFamily is ROA coverage of one address family: announcements and
// address space (addresses for IPv4, /64 networks for IPv6) per state.
type ROAFamily = wire.ROAFamily

// ROAStats is ROA coverage of a network (Scope "asn", Key AS3333) or an
// economy (Scope "economy", Key NL).
type ROAStats = wire.ROAStats

// ParticipantScore is a participant's mean of one score over its ASNs
// with data. Value is nil when the score is not public (the mark only).
type ParticipantScore = wire.ParticipantScore

// ParticipantRow is a row of the public participants table. ID and UID
// are the registry's, empty when the table comes from the month's
// snapshot.
type ParticipantRow = wire.ParticipantRow

// ParticipantPage is a page of the participants table. Source is
// "registry" or, when the registry is empty, "month".
type ParticipantPage = wire.ParticipantPage

// ParticipantInput registers or replaces a participant.
type ParticipantInput = wire.ParticipantInput

// RegisteredParticipant is an entry of the participants registry. ID is
// never reused; UID is a random UUID that never changes, to which the
// participant's keys are bound.
type RegisteredParticipant = wire.RegisteredParticipant

// SpecSummary names a scoring specification the server knows.
type SpecSummary = wire.SpecSummary

// SpecAction is how a specification scores one MANRS Action.
type SpecAction = wire.SpecAction

// Spec is a scoring specification. The server sends more than these
// fields; Raw holds the whole document.
type Spec = wire.Spec

// Health is GET /healthz: status "ok", the number of stored months and
// the store's last integrity check.
type Health = wire.Health
