// Package live wires the live feeds into the alert engine: the routes a
// BMP station (package bmp, RFC 7854 and RFC 9069) reports become
// alert.Observations, validated by the engine against the current VRP set
// (RFC 6811, package rov), which a VRPSource keeps up to date: a VRP file
// reloaded when it changes or on SIGHUP (FileVRPs), later an RTR cache
// (RFC 8210).
//
// Feed runs the station, the VRP source and the engine together and stops
// them in the order that keeps the incidents as they were: the station's
// teardown at shutdown withdraws every route, and those withdrawals are
// not given to the engine, so stopping the process closes no incident.
// StationCollector exposes the station's counters to Prometheus beside
// the alert metrics. docs/alerts.md ("Live") describes the command.
package live
