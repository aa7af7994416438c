package spec

import (
	"errors"
	"fmt"
)

// Participation holds the criteria an application to the programme is
// checked against (issue 13 item 1): whether its ASNs must be measured,
// must have a registered contact (M8, Action 3), the IRR and RPKI
// coverage they must reach (M7IRR, M7RPKI, Action 4) and how many
// incidents (Action 1) they may have caused over the last stored months.
// A change of a criterion is a new specification version, as for every
// other rule; the checks name the version they applied.
type Participation struct {
	// RequireMeasured: every ASN must have a record in the newest month.
	RequireMeasured bool `json:"requireMeasured"`
	// RequireContact: every ASN's M8 score must be 1 (a technical or NOC
	// contact registered, §13.3).
	RequireContact bool `json:"requireContact"`
	// MinIRR and MinRPKI are the lowest M7IRR and M7RPKI scores an ASN
	// may have, in [0, 1]; 0 checks nothing.
	MinIRR  float64 `json:"minIRR"`
	MinRPKI float64 `json:"minRPKI"`
	// IncidentMetrics are the metrics whose incidents count (M1 … M4),
	// over the IncidentMonths newest stored months; an ASN may have
	// caused at most MaxIncidents of them, excluded ones (accepted false
	// positives) not counted.
	IncidentMetrics []string `json:"incidentMetrics"`
	IncidentMonths  int      `json:"incidentMonths"`
	MaxIncidents    int      `json:"maxIncidents"`
}

// validate lists the problems of the criteria.
func (p *Participation) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("participation: "+format, args...)) }
	if !(p.MinIRR >= 0 && p.MinIRR <= 1) || !(p.MinRPKI >= 0 && p.MinRPKI <= 1) {
		bad("minIRR and minRPKI must be in [0, 1]")
	}
	if p.IncidentMonths < 1 || p.IncidentMonths > 24 {
		bad("incidentMonths %d: want 1 to 24", p.IncidentMonths)
	}
	if p.MaxIncidents < 0 {
		bad("negative maxIncidents")
	}
	if len(p.IncidentMetrics) == 0 {
		bad("incidentMetrics: none")
	}
	for _, m := range p.IncidentMetrics {
		if !knownMetric(m) {
			bad("incidentMetrics: unknown metric %q", m)
		}
	}
	return errors.Join(errs...)
}
