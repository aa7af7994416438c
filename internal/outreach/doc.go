// Package outreach is the secretariat's growth use case (issue 13 item 4):
// which networks that are not yet participants to approach first, and how
// the programme has grown.
//
// Rank orders the non-participant networks of a month, in the world, a
// region (UN region, sub-region or RIR) or an economy, by priority: their
// impact on routing security (customer cone size from CAIDA's AS
// relationships, the address space they originate, the incidents they
// caused in the month) times how close they already are to conformance
// (how many of the specification's Actions they are ready on: easy wins).
// The formula is documented in docs/outreach.md and in Priority.
//
// Growth counts the participants by programme and month of approval (the
// registry's approval dates) and compares participants with all networks
// over the stored months by the network-share aggregates
// (vocab.ROAValidShare, vocab.ROVFilteringShare; measurement-framework.md
// §2: the participants vs all networks comparison).
package outreach
