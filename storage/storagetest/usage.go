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
// change, parts of unfinished uploads do not count, concurrent writers
// to the same keys leave exact totals, and in a bucket with versioning
// every stored version counts and no delete marker does.
func testUsage(t *testing.T, nb func(t *testing.T) storage.Backend) {
	t.Run("Unversioned", func(t *testing.T) { testUsageUnversioned(t, nb) })
	t.Run("Versioned", func(t *testing.T) { testUsageVersioned(t, nb) })
}

func testUsageUnversioned(t *testing.T, nb func(t *testing.T) storage.Backend) {
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

// listedVersions totals the bucket's versions from ListObjectVersions,
// delete markers left out: what Usage must agree with.
func (f *fixture) listedVersions(v storage.Versioner) storage.BucketUsage {
	f.t.Helper()
	u := storage.BucketUsage{Name: f.bucket}
	var opts storage.ListVersionsOptions
	for {
		res, err := v.ListObjectVersions(f.ctx, f.bucket, opts)
		if err != nil {
			f.t.Fatalf("ListObjectVersions: %v", err)
		}
		for _, ver := range res.Versions {
			if !ver.DeleteMarker {
				u.Objects++
				u.Bytes += ver.Size
			}
		}
		if !res.IsTruncated {
			return u
		}
		opts.KeyMarker, opts.VersionIDMarker = res.NextKeyMarker, res.NextVersionIDMarker
	}
}

// testUsageVersioned checks the totals of a bucket with versioning: a PUT
// while Enabled adds a version, a PUT while Suspended replaces the null
// version, a delete marker adds nothing, deleting a version for good
// removes it, copies and completed uploads add, and deleting the bucket
// drops it. Each step is also checked against a listing of the versions.
func testUsageVersioned(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	if _, ok := f.b.(storage.UsageReporter); !ok {
		t.Skip("backend does not implement storage.UsageReporter")
	}
	v, ok := f.b.(storage.Versioner)
	if !ok {
		t.Skip("backend does not implement storage.Versioner")
	}
	step := func(what string, objects, bytes int64) {
		t.Helper()
		want := storage.BucketUsage{Name: f.bucket, Objects: objects, Bytes: bytes}
		if listed := f.listedVersions(v); listed != want {
			t.Fatalf("%s: the listing has %+v, the test expects %+v", what, listed, want)
		}
		f.wantUsage(what, want)
	}
	deleteVersion := func(key, id string) {
		t.Helper()
		if _, err := v.DeleteObjectVersion(f.ctx, f.bucket, key, id); err != nil {
			t.Fatalf("DeleteObjectVersion(%q, %q): %v", key, id, err)
		}
	}
	// A small object (inline on disk) written before versioning: the
	// null version.
	f.put("k", payload(1, 10))
	step("before versioning", 1, 10)
	if err := v.PutBucketVersioning(f.ctx, f.bucket, storage.Enabled); err != nil {
		t.Fatal(err)
	}
	step("versioning enabled", 1, 10)
	const big = 300 << 10 // a content file on disk
	v1 := f.put("k", payload(2, big))
	step("first PUT while enabled", 2, 10+big)
	v2 := f.put("k", payload(3, 30))
	step("second PUT while enabled", 3, 10+big+30)
	dm, err := v.DeleteObjectVersion(f.ctx, f.bucket, "k", "")
	if err != nil || !dm.DeleteMarker {
		t.Fatalf("delete without a version ID: %+v, %v; want a delete marker", dm, err)
	}
	step("delete marker", 3, 10+big+30)
	deleteVersion("k", v1.VersionID)
	step("a noncurrent version deleted for good", 2, 10+30)
	deleteVersion("k", dm.VersionID)
	step("the delete marker deleted", 2, 10+30)
	deleteVersion("k", v2.VersionID)
	step("the current version deleted for good", 1, 10)
	deleteVersion("k", v1.VersionID)
	step("deleting a version again", 1, 10)
	if c, ok := f.b.(storage.Copier); ok {
		if _, err := c.CopyObject(f.ctx, f.bucket, "k", f.bucket, "k", nil); err != nil {
			t.Fatal(err)
		}
		step("copy onto itself", 2, 20)
		if _, err := c.CopyObject(f.ctx, f.bucket, "k", f.bucket, "c", nil); err != nil {
			t.Fatal(err)
		}
		step("copy to a new key", 3, 30)
	} else {
		f.put("k", payload(4, 10))
		f.put("c", payload(5, 10))
		step("two more PUTs", 3, 30)
	}
	if tg, ok := f.b.(storage.Tagger); ok {
		if _, err := tg.PutObjectTagging(f.ctx, f.bucket, "k", map[string]string{"a": "b"}); err != nil {
			t.Fatal(err)
		}
		step("tagging", 3, 30)
	}
	if mp, ok := f.b.(storage.Multipart); ok {
		m := &mpFixture{fixture: f, mp: mp}
		id := m.create("k")
		p1 := m.part("k", id, 1, payload(6, 7))
		step("unfinished upload", 3, 30)
		if _, err := mp.CompleteMultipartUpload(f.ctx, f.bucket, "k", id, []storage.CompletePart{cp(1, p1.ETag)}, storage.CompleteOptions{}); err != nil {
			t.Fatal(err)
		}
		step("completed upload", 4, 37)
	} else {
		f.put("k", payload(6, 7))
		step("PUT", 4, 37)
	}
	// Suspended: a PUT replaces the null version (the 10 bytes written
	// before versioning, noncurrent now), wherever it is.
	if err := v.PutBucketVersioning(f.ctx, f.bucket, storage.Suspended); err != nil {
		t.Fatal(err)
	}
	f.put("k", payload(7, 5))
	step("PUT while suspended replaces the null version", 4, 32)
	f.put("k", payload(8, 8))
	step("PUT over the null version", 4, 35)
	if err := f.b.DeleteObject(f.ctx, f.bucket, "k"); err != nil {
		t.Fatal(err)
	}
	step("delete while suspended: a null marker replaces the null version", 3, 27)
	// Everything deleted for good, then the bucket.
	res, err := v.ListObjectVersions(f.ctx, f.bucket, storage.ListVersionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ver := range res.Versions {
		deleteVersion(ver.Key, ver.VersionID)
	}
	step("every version deleted", 0, 0)
	if err := f.b.DeleteBucket(f.ctx, f.bucket); err != nil {
		t.Fatal(err)
	}
	f.wantUsage("deleted bucket")
}
