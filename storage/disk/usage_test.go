package disk

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// listedUsage totals a bucket by listing it: what Usage must agree with.
func listedUsage(t *testing.T, s *Store, bucket string) storage.BucketUsage {
	t.Helper()
	u := storage.BucketUsage{Name: bucket}
	after := ""
	for {
		res, err := s.ListObjects(context.Background(), bucket, storage.ListOptions{After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Objects {
			u.Objects++
			u.Bytes += o.Size
		}
		if !res.IsTruncated {
			return u
		}
		after = res.NextAfter
	}
}

// The totals are counted from what the store holds when Usage is first
// called: objects in the index, changes still only in the log (some of
// them frozen by a checkpoint), and after a restart the same again; then
// they follow every change, through the log and through the index.
func TestUsageCountsWhatTheStoreHolds(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// A tiny log limit makes checkpoints (and frozen layers) frequent.
	s := openWith(t, dir, func(o *Options) { o.logMaxEntries = 5 })
	for _, b := range []string{"a", "b"} {
		if err := s.CreateBucket(ctx, b, storage.CreateBucketOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	put := func(s *Store, bucket, key string, n int) {
		t.Helper()
		if _, err := s.PutObject(ctx, bucket, key, bytes.NewReader(bytes.Repeat([]byte("x"), n)), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 23 {
		put(s, "a", fmt.Sprintf("small/%d", i%17), 10+i) // logged
	}
	put(s, "a", "big", 300<<10) // content file: through the index
	put(s, "b", "one", 1)
	if err := s.DeleteObject(ctx, "a", "small/3"); err != nil {
		t.Fatal(err)
	}
	check := func(s *Store, what string) {
		t.Helper()
		u, err := s.Usage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []storage.BucketUsage{listedUsage(t, s, "a"), listedUsage(t, s, "b")}
		if len(u.Buckets) != 2 || u.Buckets[0] != want[0] || u.Buckets[1] != want[1] {
			t.Fatalf("%s: Usage = %+v, want %+v (from a listing)", what, u.Buckets, want)
		}
		if u.FreeBytes <= 0 {
			t.Fatalf("%s: FreeBytes = %d, want the file system's free space", what, u.FreeBytes)
		}
	}
	check(s, "first call")
	for i := range 12 {
		put(s, "a", fmt.Sprintf("small/%d", i), 100+i)
	}
	put(s, "a", "big", 5)
	check(s, "after more changes")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openWith(t, dir, func(o *Options) { o.logMaxEntries = 5 })
	defer s.Close()
	check(s, "after a restart")
}
