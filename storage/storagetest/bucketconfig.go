package storagetest

import (
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// testBucketConfigStore checks storage.BucketConfigStore: a bucket starts
// without documents, a put replaces one, names and buckets do not share
// documents, neither the caller's nor a reader's slice aliases the stored
// bytes, empty removes, and deleting a bucket drops its documents.
func testBucketConfigStore(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	cs, ok := f.b.(storage.BucketConfigStore)
	if !ok {
		t.Skip("backend does not implement storage.BucketConfigStore")
	}
	get := func(bucket, name string) string {
		t.Helper()
		doc, err := cs.GetBucketConfig(f.ctx, bucket, name)
		if err != nil {
			t.Fatalf("GetBucketConfig(%s, %s): %v", bucket, name, err)
		}
		if doc != nil && len(doc) == 0 {
			t.Fatalf("GetBucketConfig(%s, %s) = empty non-nil slice, want nil", bucket, name)
		}
		return string(doc)
	}
	if got := get(f.bucket, "cors"); got != "" {
		t.Fatalf("new bucket has a cors document %q", got)
	}
	if err := f.b.CreateBucket(f.ctx, "other", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	doc := []byte("<CORSConfiguration/>")
	if err := cs.PutBucketConfig(f.ctx, f.bucket, "cors", doc); err != nil {
		t.Fatalf("PutBucketConfig: %v", err)
	}
	doc[0] = 'X'
	if got := get(f.bucket, "cors"); got != "<CORSConfiguration/>" {
		t.Fatalf("cors = %q after the caller changed its slice", got)
	}
	if r, _ := cs.GetBucketConfig(f.ctx, f.bucket, "cors"); len(r) > 0 {
		r[0] = 'Y'
	}
	if got := get(f.bucket, "cors"); got != "<CORSConfiguration/>" {
		t.Fatalf("a reader changed the stored document: %q", got)
	}
	if got := get(f.bucket, "policy"); got != "" {
		t.Fatalf("a document leaked to another name: %q", got)
	}
	if got := get("other", "cors"); got != "" {
		t.Fatalf("a document leaked to another bucket: %q", got)
	}
	if err := cs.PutBucketConfig(f.ctx, f.bucket, "cors", []byte("second")); err != nil {
		t.Fatal(err)
	}
	if got := get(f.bucket, "cors"); got != "second" {
		t.Fatalf("cors after a second put = %q, want %q", got, "second")
	}
	for _, empty := range [][]byte{nil, {}} {
		if err := cs.PutBucketConfig(f.ctx, "other", "cors", []byte("x")); err != nil {
			t.Fatal(err)
		}
		if err := cs.PutBucketConfig(f.ctx, "other", "cors", empty); err != nil {
			t.Fatalf("PutBucketConfig(%#v): %v", empty, err)
		}
		if got := get("other", "cors"); got != "" {
			t.Fatalf("document after PutBucketConfig(%#v) = %q", empty, got)
		}
	}
	// A document does not make a bucket non-empty, and goes with it.
	if err := f.b.DeleteBucket(f.ctx, f.bucket); err != nil {
		t.Fatalf("DeleteBucket of a configured bucket: %v", err)
	}
	_, err := cs.GetBucketConfig(f.ctx, f.bucket, "cors")
	wantErr(t, "GetBucketConfig of a deleted bucket", err, storage.ErrNoSuchBucket)
	wantErr(t, "PutBucketConfig of a missing bucket", cs.PutBucketConfig(f.ctx, f.bucket, "cors", []byte("x")), storage.ErrNoSuchBucket)
	if err := f.b.CreateBucket(f.ctx, f.bucket, storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := get(f.bucket, "cors"); got != "" {
		t.Fatalf("re-created bucket has a cors document %q", got)
	}
}
