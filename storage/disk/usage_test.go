package disk

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// listedVersions totals a versioned bucket by listing its versions,
// delete markers left out.
func listedVersions(t *testing.T, s *Store, bucket string) storage.BucketUsage {
	t.Helper()
	u := storage.BucketUsage{Name: bucket}
	res, err := s.ListObjectVersions(context.Background(), bucket, storage.ListVersionsOptions{})
	if err != nil || res.IsTruncated {
		t.Fatalf("ListObjectVersions: %v (truncated %v)", err, res.IsTruncated)
	}
	for _, v := range res.Versions {
		if !v.DeleteMarker {
			u.Objects++
			u.Bytes += v.Size
		}
	}
	return u
}

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
// called: objects in the index, versions and delete markers of a
// versioned bucket, changes still only in the log (some of them frozen by
// a checkpoint), and after a restart the same again; then
// they follow every change, through the log and through the index.
func TestUsageCountsWhatTheStoreHolds(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// A tiny log limit makes checkpoints (and frozen layers) frequent.
	s := openWith(t, dir, func(o *Options) { o.logMaxEntries = 5 })
	for _, b := range []string{"a", "b", "v"} {
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
	// A versioned bucket: noncurrent versions and a delete marker, kept
	// outside the objects index, are counted too (the marker as nothing).
	put(s, "v", "k", 7)
	if err := s.PutBucketVersioning(ctx, "v", storage.Enabled); err != nil {
		t.Fatal(err)
	}
	put(s, "v", "k", 300<<10)
	put(s, "v", "k", 11)
	put(s, "v", "gone", 13)
	if err := s.DeleteObject(ctx, "v", "gone"); err != nil {
		t.Fatal(err)
	}
	check := func(s *Store, what string) {
		t.Helper()
		u, err := s.Usage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []storage.BucketUsage{listedUsage(t, s, "a"), listedUsage(t, s, "b"), listedVersions(t, s, "v")}
		if want[2] != (storage.BucketUsage{Name: "v", Objects: 4, Bytes: 7 + 300<<10 + 11 + 13}) {
			t.Fatalf("%s: the versions listed are %+v", what, want[2])
		}
		if len(u.Buckets) != 3 || u.Buckets[0] != want[0] || u.Buckets[1] != want[1] || u.Buckets[2] != want[2] {
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
