package disk

import (
	"context"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// TestBucketConfigSurvivesReopen checks that a bucket's configuration
// documents are as durable as the bucket: they are there after a restart.
func TestBucketConfigSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBucketConfig(ctx, "b", "cors", []byte("<CORSConfiguration/>")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	defer s.Close()
	doc, err := s.GetBucketConfig(ctx, "b", "cors")
	if err != nil || string(doc) != "<CORSConfiguration/>" {
		t.Fatalf("cors after reopen = %q, %v", doc, err)
	}
}
