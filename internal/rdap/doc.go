// Package rdap reads the RDAP answers of the Regional Internet Registries
// for autonomous system numbers (RFC 9083 §5.5 autnum objects, queried as
// RFC 9082 §3.1.2 "autnum/<number>") and says whether they name a
// reachable contact, the RDAP half of §13.3 of the measurement framework:
// an entity (RFC 9083 §5.1), at any depth of the "entities" tree, with
// the role "technical", "administrative" or "noc" (RFC 9083 §10.2.4) and
// a vCard (jCard, RFC 7095) with an "email" or "tel" property. Entities
// whose only role is "abuse" (or registrant, registrar, …) do not count.
//
// ARIN and LACNIC publish no bulk whois dump with contacts, so their ASNs
// are looked up one by one. A Client fetches answers with a bound on the
// request rate and keeps each in a disk cache, one file per ASN
// (<dir>/rdap/<registry>/autnum/AS<n>.json), the layout the ingest reads
// offline: Parse takes one such file, recognised by its content.
//
// Errors name the file and the byte offset where the JSON went wrong; no
// input makes the package panic.
package rdap
