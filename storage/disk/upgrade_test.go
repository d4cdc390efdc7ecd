package disk

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// TestOpenKeepsLoggedWrites opens testdata/logged-v1, a data directory
// written by the store's earlier design and left as a SIGKILL leaves it:
// three acknowledged writes (a new object, a replacement, a delete) were
// only in its write-ahead log, not yet in index.db. Every one of them
// must be there after Open, and stay there across a clean reopen.
func TestOpenKeepsLoggedWrites(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, filepath.Join("testdata", "logged-v1"), dir)
	want := fullState{
		"indexed":  []byte("in the index"),
		"replaced": []byte("new version, only in the log"),
		"logged":   []byte("only in the log"),
		"file":     bytes.Repeat([]byte("f"), 100<<10),
	}
	for range 2 {
		s := open(t, dir)
		want.check(t, s)
		if _, err := s.HeadBucket(context.Background(), "other"); err != nil {
			t.Fatalf("HeadBucket(other): %v", err)
		}
		if _, err := s.HeadObject(context.Background(), "b", "deleted"); !errors.Is(err, storage.ErrNoSuchKey) {
			t.Fatalf("HeadObject(deleted): %v, want ErrNoSuchKey (the logged delete)", err)
		}
		checkNoLeftovers(t, s)
		mustPut(t, s, "after", []byte("written after the upgrade"))
		want["after"] = []byte("written after the upgrade")
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
