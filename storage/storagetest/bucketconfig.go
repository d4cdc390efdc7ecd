package storagetest

import (
	"testing"

	"github.com/s3kit/s3kit/storage"
)

func testBucketConfigs(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	bc, ok := f.b.(storage.BucketConfigs)
	if !ok {
		t.Skip("backend does not implement storage.BucketConfigs")
	}
	get := func(bucket, name string) string {
		t.Helper()
		doc, err := bc.GetBucketConfig(f.ctx, bucket, name)
		if err != nil {
			t.Fatalf("GetBucketConfig(%s, %s): %v", bucket, name, err)
		}
		return string(doc)
	}
	if doc := get(f.bucket, "notification"); doc != "" {
		t.Fatalf("new bucket has a notification document %q", doc)
	}
	if err := f.b.CreateBucket(f.ctx, "other", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	doc := []byte("<a>1</a>")
	if err := bc.PutBucketConfig(f.ctx, f.bucket, "notification", doc); err != nil {
		t.Fatalf("PutBucketConfig: %v", err)
	}
	doc[1] = 'X'
	if got := get(f.bucket, "notification"); got != "<a>1</a>" {
		t.Fatalf("document %q, want <a>1</a> (the caller's slice must not be shared)", got)
	}
	if got := get(f.bucket, "cors"); got != "" {
		t.Fatalf("a document of another name: %q", got)
	}
	if got := get("other", "notification"); got != "" {
		t.Fatalf("document leaked to another bucket: %q", got)
	}
	if err := bc.PutBucketConfig(f.ctx, f.bucket, "notification", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if got := get(f.bucket, "notification"); got != "v2" {
		t.Fatalf("after a second put %q, want v2", got)
	}
	// A document does not make a bucket non-empty, and goes with it.
	if err := f.b.DeleteBucket(f.ctx, f.bucket); err != nil {
		t.Fatalf("DeleteBucket of a configured bucket: %v", err)
	}
	_, err := bc.GetBucketConfig(f.ctx, f.bucket, "notification")
	wantErr(t, "GetBucketConfig of a deleted bucket", err, storage.ErrNoSuchBucket)
	wantErr(t, "PutBucketConfig of a missing bucket", bc.PutBucketConfig(f.ctx, f.bucket, "notification", []byte("x")), storage.ErrNoSuchBucket)
	if err := f.b.CreateBucket(f.ctx, f.bucket, storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := get(f.bucket, "notification"); got != "" {
		t.Fatalf("re-created bucket has a document %q", got)
	}
	for _, empty := range [][]byte{nil, {}} {
		if err := bc.PutBucketConfig(f.ctx, "other", "notification", []byte("x")); err != nil {
			t.Fatal(err)
		}
		if err := bc.PutBucketConfig(f.ctx, "other", "notification", empty); err != nil {
			t.Fatalf("PutBucketConfig(%#v): %v", empty, err)
		}
		if got := get("other", "notification"); got != "" {
			t.Fatalf("after PutBucketConfig(%#v): %q, want none", empty, got)
		}
	}
}
