// Package mrt reads MRT routing dumps (RFC 6396) as produced by RIPE RIS,
// RouteViews and routing daemons: TABLE_DUMP, TABLE_DUMP_V2 (with the
// RFC 8050 ADD-PATH subtypes and RIB_GENERIC), BGP4MP and BGP4MP_ET
// (MESSAGE, MESSAGE_AS4, STATE_CHANGE(_AS4), *_LOCAL and *_ADDPATH), and the
// deprecated type BGP (5) of 1999-2000 RIS archives.
//
// Reader frames records; Scanner turns them into elements — one per RIB
// entry, announced prefix, withdrawn prefix or state change — the same unit
// bgpdump -m prints as a line. Both reuse their buffers: an element and its
// attributes are valid until the next call to Next, and a warm Scanner
// allocates nothing per element.
//
// Historical files carry framing damage. By default a bad record header
// stops the scan with an error naming the file, record number and byte
// offset; with Options.Resync the reader searches forward for the next
// plausible header, reports what it skipped, and goes on.
package mrt
