package asrel

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
)

func TestGraph_CheckPath(t *testing.T) {
	g := testGraph(t) // topology drawn in graph_test.go
	tests := []struct {
		name string
		path []bgp.ASN // collector side first, origin last
		want PathCheck
	}{
		{name: "empty", path: nil, want: PathCheck{Valid: true}},
		{name: "origin only", path: []bgp.ASN{6}, want: PathCheck{Valid: true}},
		{name: "up only", path: []bgp.ASN{1, 3, 6}, want: PathCheck{Valid: true, Hops: 2}},
		{name: "up, peer, down", path: []bgp.ASN{9, 5, 2, 1, 3, 6}, want: PathCheck{Valid: true, Hops: 5}},
		{name: "up, down", path: []bgp.ASN{7, 4, 8}, want: PathCheck{Valid: true, Hops: 2}},
		{name: "prepends collapsed", path: []bgp.ASN{1, 1, 3, 3, 3, 6, 6}, want: PathCheck{Valid: true, Hops: 2}},
		{
			// 4 learns 5's route over a peer link and passes it to its
			// provider 1: RFC 7908 type 4 (peer route to provider).
			name: "peer route leaked up",
			path: []bgp.ASN{1, 4, 5, 9},
			want: PathCheck{Hops: 3, Leak: Leak{Index: 1, Leaker: 4, From: 5, To: 1, FromRel: Peer, ToRel: CustomerOf}},
		},
		{
			// 3 learns 8's route from provider 8 and passes it to its
			// other provider 1: a hairpin turn (RFC 7908 type 1).
			name: "provider route leaked to provider",
			path: []bgp.ASN{2, 1, 3, 8, 4},
			want: PathCheck{Hops: 4, Leak: Leak{Index: 2, Leaker: 3, From: 8, To: 1, FromRel: CustomerOf, ToRel: CustomerOf}},
		},
		{
			name: "provider route leaked to provider, prepended leaker",
			path: []bgp.ASN{1, 3, 3, 3, 8, 8, 4},
			want: PathCheck{Hops: 3, Leak: Leak{Index: 1, Leaker: 3, From: 8, To: 1, FromRel: CustomerOf, ToRel: CustomerOf}},
		},
		{
			// 5 passes a route from its peer 4 to its provider 2
			// (RFC 7908 type 4).
			name: "peer route leaked to provider",
			path: []bgp.ASN{2, 5, 4, 7},
			want: PathCheck{Hops: 3, Leak: Leak{Index: 1, Leaker: 5, From: 4, To: 2, FromRel: Peer, ToRel: CustomerOf}},
		},
		{
			// 6 up to 1, across to 2, down to 5; 5 leaks its provider's
			// route to peer 4 (RFC 7908 type 3), and 4 then leaks it up
			// to 1 again. The violation nearest the origin is reported.
			name: "first violation nearest the origin is reported",
			path: []bgp.ASN{1, 4, 5, 2, 1, 3, 6},
			want: PathCheck{Hops: 6, Leak: Leak{Index: 2, Leaker: 5, From: 2, To: 4, FromRel: CustomerOf, ToRel: Peer}},
		},
		{
			name: "unknown links counted, not judged",
			path: []bgp.ASN{64500, 1, 3, 64501},
			want: PathCheck{Valid: true, Hops: 3, Unknown: 2},
		},
		{
			// The valley is entered at 1->3 (down); the next known link
			// goes up after an unknown one.
			name: "leak after unknown link",
			path: []bgp.ASN{2, 5, 64500, 3, 1},
			want: PathCheck{Hops: 4, Unknown: 2, Leak: Leak{Index: 1, Leaker: 5, From: 64500, To: 2, FromRel: Unknown, ToRel: CustomerOf}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := g.CheckPath(tt.path)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CheckPath(%v) mismatch (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}
