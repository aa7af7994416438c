// Package client is the Go SDK of the observatory's API v2, the contract
// in api/openapi.yaml that `observatory serve` answers.
//
// Create a Client with New and the server's base URL; give it an API key
// (WithAPIKey) to see details, incidents and evidence, or none for the
// public scores and aggregates. Every method takes a context.Context
// first. Lists come out as iterators (iter.Seq2) that fetch the following
// page, through nextPageToken, when the previous one is used up; each list
// also has a Page method for callers that keep the token themselves.
//
// Errors of the API are *Error values carrying the RFC 9457 problem the
// server sent; test them with errors.As or the helpers IsNotFound,
// IsForbidden, IsUnauthorized, IsRateLimited and IsConflict.
//
// Requests answered 429 Too Many Requests (after waiting Retry-After) or
// 503 Service Unavailable are retried with exponential backoff and
// jitter, a bounded number of times (RetryPolicy). Both statuses mean the
// server did not act on the request, so POSTs are retried too; transport
// errors, after which one cannot tell, are retried for GET, PUT and
// DELETE only.
//
// The package imports nothing of the observatory's internals: its types
// are those of package api/wire, the contract's schemas, which the server
// answers with too.
package client
