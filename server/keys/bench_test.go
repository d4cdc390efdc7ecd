package keys

import (
	"context"
	"testing"
)

// BenchmarkLookup measures the per-request cost the key store adds to
// every authenticated request (the file is stat'ed at most every 250 ms).
func BenchmarkLookup(b *testing.B) {
	ctx := context.Background()
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	var id string
	for range 100 {
		k, err := s.Create(ctx, CreateOptions{Buckets: []string{"a", "b"}})
		if err != nil {
			b.Fatal(err)
		}
		id = k.AccessKeyID
	}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Lookup(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.Lookup(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
