// Package ingest computes a month: it streams the month's MRT files in
// parallel, collapses them into per prefix/origin facts (which collector
// peers saw each route, when, through which upstream AS), classifies every
// route against the reference data (RPKI, IRR, bogons, AS relationships),
// turns what breaks the MANRS Actions into events, gathers each measured
// ASN's facts (metric.Facts), runs every metric unit of package metric on
// them and scores the ASN with a specification (score.Actions; packages
// spec and score). The result is one store.Month, written by the caller in
// one transaction.
package ingest
