// Package bgpdump formats MRT elements as the one-line output of
// bgpdump -m (RIPE NCC bgpdump 1.6.2), field for field, so that
// "observatory dump" can replace it in operators' scripts and be diffed
// against it.
//
// Where bgpdump 1.6.2 prints something wrong we print what the file holds
// and document the difference: prefixes are masked (bgpdump keeps host
// bits; fixed upstream after 1.6.2), 4-octet AGGREGATORs in 2-octet
// TABLE_DUMP records are read as 4-octet (bgpdump misreads OpenBGPD's), and
// lines of the deprecated BGP type carry their communities field (bgpdump
// glues the communities onto the MED).
package bgpdump
