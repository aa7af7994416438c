// Package webtest holds the dashboard's browser tests (issue 5): they drive
// Debian's Chromium headless through the Chrome DevTools Protocol
// (chromedp) against a real `observatory serve` on loopback, with two
// months ingested from ../shared/data by the real CLI.
//
// Every page is loaded in a fresh browser context and checked for console
// errors, uncaught exceptions, failed or 4xx/5xx requests and its
// transferred weight; the numbers it shows are compared with the /api/v2
// answers for the same query; a full-page screenshot of each is written to
// $OBSERVATORY_ARTIFACTS, or to a temporary directory that is kept, and
// printed, when a test fails.
//
// The package has no non-test code: it is here so that the tests build,
// and run under `go test ./...`, independently of the packages they test.
package webtest
