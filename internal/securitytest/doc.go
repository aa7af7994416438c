// Package securitytest holds the regression tests of issue 17: black-box
// attacks on the real `observatory` binary, served on loopback, on the
// embedded SQLite store and on PostgreSQL alike. Each finding of the
// issue has its test; each test fails on the build that had the finding.
//
// The harness (harness_test.go) builds the binary once, ingests May 2014
// from ../shared/data once per store into a template (an SQLite file that
// is copied, a PostgreSQL database that is cloned with CREATE DATABASE …
// TEMPLATE), and gives every test a store of its own, a server of its own
// and an HTTP client that does not follow redirects.
// OBSERVATORY_SECURITYTEST_BIN=path tests another build instead of this
// tree's: that is how the tests are shown to fail on an older main.
//
// The package has no non-test code.
package securitytest
