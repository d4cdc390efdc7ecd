package storagetest

import (
	"bytes"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// wantUsage checks the totals a UsageReporter reports against what the
// test put: per bucket, objects and bytes.
func (f *fixture) wantUsage(what string, want ...storage.BucketUsage) {
	f.t.Helper()
	u, err := f.b.(storage.UsageReporter).Usage(f.ctx)
	if err != nil {
		f.t.Fatalf("%s: Usage: %v", what, err)
	}
	if want == nil {
		want = []storage.BucketUsage{}
	}
	if u.Buckets == nil {
		u.Buckets = []storage.BucketUsage{}
	}
	if !reflect.DeepEqual(u.Buckets, want) {
		f.t.Fatalf("%s: Usage().Buckets = %+v, want %+v", what, u.Buckets, want)
	}
	if u.FreeBytes < -1 {
		f.t.Fatalf("%s: FreeBytes = %d, want -1 (unknown) or more", what, u.FreeBytes)
	}
}

// testUsage checks storage.UsageReporter: the totals follow every kind of
// change, parts of unfinished uploads do not count, and concurrent
// writers to the same keys leave exact totals.
func testUsage(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	if _, ok := f.b.(storage.UsageReporter); !ok {
		t.Skip("backend does not implement storage.UsageReporter")
	}
	bu := func(name string, objects, bytes int64) storage.BucketUsage {
		return storage.BucketUsage{Name: name, Objects: objects, Bytes: bytes}
	}
	f.wantUsage("empty bucket", bu("bkt", 0, 0))
	if err := f.b.CreateBucket(f.ctx, "another", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	f.wantUsage("two buckets, sorted", bu("another", 0, 0), bu("bkt", 0, 0))
	// A small object (kept inline by disk) and one large enough for its
	// own file.
	const big = 300 << 10
	f.put("small", payload(1, 10))
	f.put("big", payload(2, big))
	f.wantUsage("two puts", bu("another", 0, 0), bu("bkt", 2, 10+big))
	f.put("small", payload(3, 25))
	f.wantUsage("overwrite", bu("another", 0, 0), bu("bkt", 2, 25+big))
	if err := f.b.DeleteObject(f.ctx, f.bucket, "absent"); err != nil {
		t.Fatal(err)
	}
	f.wantUsage("deleting an absent key", bu("another", 0, 0), bu("bkt", 2, 25+big))
	if err := f.b.DeleteObject(f.ctx, f.bucket, "small"); err != nil {
		t.Fatal(err)
	}
	f.wantUsage("delete", bu("another", 0, 0), bu("bkt", 1, big))
	if _, err := f.b.PutObject(f.ctx, f.bucket, "big", bytes.NewReader([]byte("x")), storage.PutOptions{IfNoneMatch: "*"}); err == nil {
		t.Fatal("conditional put over an existing key succeeded")
	}
	f.wantUsage("failed conditional put", bu("another", 0, 0), bu("bkt", 1, big))
	if tg, ok := f.b.(storage.Tagger); ok {
		if _, err := tg.PutObjectTagging(f.ctx, f.bucket, "big", map[string]string{"a": "b"}); err != nil {
			t.Fatal(err)
		}
		f.wantUsage("tagging", bu("another", 0, 0), bu("bkt", 1, big))
	}
	if c, ok := f.b.(storage.Copier); ok {
		if _, err := c.CopyObject(f.ctx, f.bucket, "big", "another", "copy", nil); err != nil {
			t.Fatal(err)
		}
		f.wantUsage("copy", bu("another", 1, big), bu("bkt", 1, big))
	}
	if mp, ok := f.b.(storage.Multipart); ok {
		m := &mpFixture{fixture: f, mp: mp}
		id := m.create("mp")
		p1 := m.part("mp", id, 1, payload(4, storage.MinPartSize))
		p2 := m.part("mp", id, 2, payload(5, 7))
		before, err := f.b.(storage.UsageReporter).Usage(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		f.wantUsage("unfinished upload", before.Buckets...)
		if before.Buckets[1] != bu("bkt", 1, big) {
			t.Fatalf("parts of an unfinished upload counted: %+v", before.Buckets)
		}
		if _, err := mp.CompleteMultipartUpload(f.ctx, f.bucket, "mp", id, []storage.CompletePart{cp(1, p1.ETag), cp(2, p2.ETag)}, storage.CompleteOptions{}); err != nil {
			t.Fatal(err)
		}
		f.wantUsage("completed upload", before.Buckets[0], bu("bkt", 2, big+storage.MinPartSize+7))
		id = m.create("mp")
		p1 = m.part("mp", id, 1, payload(6, 3))
		if _, err := mp.CompleteMultipartUpload(f.ctx, f.bucket, "mp", id, []storage.CompletePart{cp(1, p1.ETag)}, storage.CompleteOptions{}); err != nil {
			t.Fatal(err)
		}
		f.wantUsage("upload over an object", before.Buckets[0], bu("bkt", 2, big+3))
		if err := f.b.DeleteObject(f.ctx, f.bucket, "mp"); err != nil {
			t.Fatal(err)
		}
	}
	if cd, ok := f.b.(storage.ConditionalDeleter); ok {
		f.put("cond", payload(7, 5))
		if err := cd.DeleteObjectIfMatch(f.ctx, f.bucket, "cond", "*"); err != nil {
			t.Fatal(err)
		}
	}
	u, err := f.b.(storage.UsageReporter).Usage(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	another := u.Buckets[0]
	f.wantUsage("after conditional delete", another, bu("bkt", 1, big))
	if another.Objects > 0 {
		if err := f.b.DeleteObject(f.ctx, "another", "copy"); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.b.DeleteBucket(f.ctx, "another"); err != nil {
		t.Fatal(err)
	}
	f.wantUsage("deleted bucket", bu("bkt", 1, big))
	if err := f.b.CreateBucket(f.ctx, "another", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	f.wantUsage("re-created bucket", bu("another", 0, 0), bu("bkt", 1, big))

	// Writers racing on shared keys (puts and deletes that a backend may
	// commit together in one batch) leave totals that match a listing.
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				key := fmt.Sprintf("race/%d", i%5)
				var err error
				if (i+w)%3 == 2 {
					err = f.b.DeleteObject(f.ctx, f.bucket, key)
				} else {
					_, err = f.b.PutObject(f.ctx, f.bucket, key, bytes.NewReader(payload(int64(w), 1+w*10+i)), storage.PutOptions{})
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	res, err := f.b.ListObjects(f.ctx, f.bucket, storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var n, size int64
	for _, o := range res.Objects {
		n++
		size += o.Size
	}
	f.wantUsage("concurrent writers", bu("another", 0, 0), bu("bkt", n, size))
}
