package disk

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkPinExtents is what a GET of a 1,280-part object (10 GiB in
// 8 MiB parts) pays to pin and unpin its extents.
func BenchmarkPinExtents(b *testing.B) {
	s, err := Open(context.Background(), b.TempDir(), Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	xs := make([]extent, 1280)
	for i := range xs {
		xs[i] = extent{ID: fmt.Sprintf("%032x", i), Size: 8 << 20}
	}
	b.ReportAllocs()
	for b.Loop() {
		c, err := s.openExtents(xs, s.pins.gen())
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
