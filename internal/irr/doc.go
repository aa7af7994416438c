// Package irr reads Internet Routing Registry data written in RPSL, the
// Routing Policy Specification Language (RFC 2622, with the IPv6 route6 and
// mp-import/mp-export extensions of RFC 4012), and answers the questions a
// routing-security observatory asks of it.
//
// # Parsing
//
// A Reader frames a stream into objects (RFC 2622 §2: objects are separated
// by blank lines; attribute lines are "name: value"; a line starting with a
// space, a tab or "+" continues the previous attribute; "#" starts a comment
// that runs to the end of the line). RIPE-style "%" server comment lines are
// skipped, CRLF line ends are tolerated and attribute names are matched
// without regard to case. The reader holds at most one object in memory, so
// its memory use does not grow with the size of the input.
//
// Only route, route6, aut-num, as-set, mntner, person and role objects are
// decoded; all other classes are framed, counted and skipped. Of each
// decoded object only the attributes the observatory uses are kept (see
// Route, AutNum, ASSet, Mntner and Contact). Password hashes in mntner auth
// attributes are never kept: only the scheme name is; nor are the e-mail
// addresses and phone numbers of person and role objects: only how many
// there are.
//
// # Bad input
//
// IRR dumps contain junk. A bad object (malformed prefix or origin, a line
// that is neither an attribute nor a continuation, an object over the size
// limits, ...) is described by an *inputerr.Error naming the file, the 1-based
// object number and the byte offset of the object's first line. In lenient
// mode, the default, such objects are skipped and counted and the first few
// errors are kept for reporting (Reader.Stats); in strict mode
// (Options.Strict) Reader.Next returns the error. Either way the reader
// resynchronises at the next blank line, and no input makes it panic.
//
// # Index
//
// A Builder collects objects from one or several streams, possibly of several
// IRR sources (the object's "source:" attribute, upper-cased), into an
// immutable Index. Index.Lookup answers, per source, whether a route object
// with exactly the given prefix and origin exists (Exact) or whether a
// less-specific route object with the same origin covers the prefix
// (Covered), which is the MANRS "IRR-registered" rule for route origins.
// Index.Coordination answers whether an aut-num names a reachable
// registry contact (measurement framework §13.3, see contact.go).
// Index.Best does the same across all sources without allocating.
// Index.Origins lists the origins registered for an exact prefix (for
// multiple-origin checks), Index.AutNums returns aut-num objects and
// Index.ExpandASSet resolves an as-set (RFC 2622 §5.1, including
// mbrs-by-ref/member-of) to AS numbers, safe against cycles and depth-limited.
package irr
