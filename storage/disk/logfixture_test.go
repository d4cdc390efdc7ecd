package disk

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// TestOpenKeepsLoggedWrites opens testdata/logged-v1, a data directory
// left as a SIGKILL leaves it: three acknowledged writes (a new object, a
// replacement, a delete) were only in the write-ahead log, not yet in
// index.db. Every one of them must be there after Open, and stay there
// across a clean reopen. The files were written by an earlier build
// (TestWriteLogFixture), so the test also holds later builds to reading
// the log and index formats that data directories already have.
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

// TestWriteLogFixture writes testdata/logged-v1: a data directory as the
// store leaves it when killed with writes only logged (checkpoints failing, so nothing after the last bbolt commit has
// reached the index). The files are copied while the store is open and
// idle, which is what a SIGKILL at that moment leaves on disk.
func TestWriteLogFixture(t *testing.T) {
	if os.Getenv("S3KIT_WRITE_LOG_FIXTURE") == "" {
		t.Skip("set S3KIT_WRITE_LOG_FIXTURE=1 to rewrite testdata/logged-v1")
	}
	ctx := context.Background()
	dir := t.TempDir()
	var failing bool
	s := openWith(t, dir, func(o *Options) {
		o.Reserve = -1
		o.failCheckpoint = func() error {
			if failing {
				return errors.New("checkpoint held back for the fixture")
			}
			return nil
		}
	})
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "indexed", []byte("in the index"))
	mustPut(t, s, "replaced", []byte("old version, in the index"))
	mustPut(t, s, "deleted", []byte("in the index, deleted by the log"))
	mustPut(t, s, "file", bytes.Repeat([]byte("f"), 100<<10))
	// A change that is not an inline object write folds the log in.
	if err := s.CreateBucket(ctx, "other", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	failing = true
	mustPut(t, s, "logged", []byte("only in the log"))
	mustPut(t, s, "replaced", []byte("new version, only in the log"))
	if err := s.DeleteObject(ctx, "b", "deleted"); err != nil {
		t.Fatal(err)
	}
	if s.ov.len() != 3 {
		t.Fatalf("%d logged changes pending, want 3", s.ov.len())
	}
	out := filepath.Join("testdata", "logged-v1")
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	copyTree(t, dir, out)
	// The log files grow in steps of zeros past their records; zeros end
	// the chain like a torn record, so the tail is dropped to keep the
	// fixture small.
	for _, name := range []string{walName, walName1} {
		p := filepath.Join(out, name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, bytes.TrimRight(b, "\x00"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// index.db is grown ahead in 16 MiB steps of zeros too; bbolt needs
	// the file only up to its last page in use.
	p := filepath.Join(out, "index.db")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	n := (len(bytes.TrimRight(b, "\x00")) + 4095) / 4096 * 4096
	if err := os.Truncate(p, int64(n)); err != nil {
		t.Fatal(err)
	}
	failing = false
	s.Close()
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		o, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(o, in); err != nil {
			o.Close()
			return err
		}
		return o.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}
