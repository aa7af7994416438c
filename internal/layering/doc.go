// Package layering holds the test that keeps the import graph to the
// layers docs/architecture.md states: its "Layers" table is read by the
// test, so the page and the rule cannot drift apart. The package has no
// code of its own.
package layering
