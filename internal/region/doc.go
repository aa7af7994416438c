// Package region maps economies (ISO 3166-1 alpha-2 country codes, as the
// RIR statistics files and PeeringDB write them) to the groupings the
// observatory aggregates by: the UN M49 region, sub-region and intermediate
// region of the UN Statistics Division, and the Regional Internet Registry
// whose service region contains the economy.
//
// The table is built in (table.go cites its sources and their dates); the
// package reads no file and no network. It covers the 249 officially
// assigned ISO 3166-1 codes and the pseudo-codes of the RIR statistics
// exchange format: EU and AP (resources used across RIPE NCC's or APNIC's
// whole region) and ZZ (no economy).
//
// The observatory shows the M49 sub-region as "sub-region" ("Sub-Saharan
// Africa", "Latin America and the Caribbean", "Western Europe") and keeps the
// finer intermediate region where M49 has one ("Western Africa", "South
// America", "Caribbean", "Channel Islands"). Region keys given by users
// (Matches, SubRegions, ParseRIR) compare case-insensitively and ignore
// spaces, hyphens and punctuation, so "Western Europe", "western-europe" and
// "WESTERN_EUROPE" name the same sub-region and "RIPE NCC", "ripe-ncc" and
// the statistics files' "ripencc" the same RIR. Slug gives the canonical
// URL form.
//
// The RIR of an economy is the RIR that serves it today. A resource can be
// registered with another RIR (legacy space, inter-RIR transfers), so for a
// given prefix or AS number the registry column of the delegated files, not
// this table, says which RIR holds it.
package region
