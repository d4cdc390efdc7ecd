package disk

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// TestVersioningOnOldDataDir enables versioning on a data directory
// written by an earlier build (testdata/logged-v1): its objects, including
// those only in the write-ahead log, become null versions that newer
// versions and delete markers stack on; everything survives a reopen, and
// removing versions for good frees their content files.
func TestVersioningOnOldDataDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	copyTree(t, filepath.Join("testdata", "logged-v1"), dir)
	s := open(t, dir)
	if err := s.PutBucketVersioning(ctx, "b", storage.Enabled); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"indexed", "replaced", "logged", "file"} {
		if h, err := s.HeadObject(ctx, "b", k); err != nil || h.VersionID != storage.NullVersionID {
			t.Fatalf("HEAD %s after enabling: %+v, %v; want the null version", k, h, err)
		}
	}
	v1, err := s.PutObject(ctx, "b", "replaced", bytes.NewReader([]byte("v1")), storage.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dm, err := s.DeleteObjectVersion(ctx, "b", "file", "")
	if err != nil || !dm.DeleteMarker {
		t.Fatalf("delete: %+v, %v", dm, err)
	}
	check := func(s *Store) {
		t.Helper()
		if st, _ := s.GetBucketVersioning(ctx, "b"); st != storage.Enabled {
			t.Fatalf("state %q", st)
		}
		if got := mustReadVersion(t, s, "replaced", storage.NullVersionID); string(got) != "new version, only in the log" {
			t.Fatalf("null version of replaced: %q", got)
		}
		if got := mustReadVersion(t, s, "replaced", v1.VersionID); string(got) != "v1" {
			t.Fatalf("v1 of replaced: %q", got)
		}
		if got := mustReadVersion(t, s, "file", storage.NullVersionID); !bytes.Equal(got, bytes.Repeat([]byte("f"), 100<<10)) {
			t.Fatalf("null version of file: %d bytes", len(got))
		}
		var dme *storage.DeleteMarkerError
		if _, err := s.GetObject(ctx, "b", "file"); !errors.As(err, &dme) || dme.VersionID != dm.VersionID {
			t.Fatalf("GET file behind its marker: %v", err)
		}
		res, err := s.ListObjects(ctx, "b", storage.ListOptions{})
		if err != nil || len(res.Objects) != 3 {
			t.Fatalf("ListObjects: %d objects, %v", len(res.Objects), err)
		}
		checkNoLeftovers(t, s)
	}
	check(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	defer s.Close()
	check(s)
	// Removing the file's versions for good drops its content file.
	for _, id := range []string{dm.VersionID, storage.NullVersionID} {
		if _, err := s.DeleteObjectVersion(ctx, "b", "file", id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.HeadObject(ctx, "b", "file"); !errors.Is(err, storage.ErrNoSuchKey) {
		t.Fatalf("HEAD file after removing every version: %v", err)
	}
	checkNoLeftovers(t, s)
}

func mustReadVersion(t *testing.T, s *Store, key, id string) []byte {
	t.Helper()
	o, err := s.GetObjectVersion(context.Background(), "b", key, id)
	if err != nil {
		t.Fatalf("GetObjectVersion(%s, %s): %v", key, id, err)
	}
	defer o.Content.Close()
	b, err := io.ReadAll(o.Content)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
