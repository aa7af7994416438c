package rpki

import (
	"testing"
	"unsafe"
)

// TestSizes pins the size of the structures read on every validation: a
// field added carelessly costs cache lines on the hot path.
func TestSizes(t *testing.T) {
	for _, tt := range []struct {
		name      string
		got, want uintptr
	}{
		{"key4", unsafe.Sizeof(key4{}), 12},
		{"dir4", unsafe.Sizeof(dir4{}), 12},
		{"authNode", unsafe.Sizeof(authNode{}), 40},
		{"auth", unsafe.Sizeof(auth{}), 8},
	} {
		if tt.got != tt.want {
			t.Errorf("unsafe.Sizeof(%s) = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}
