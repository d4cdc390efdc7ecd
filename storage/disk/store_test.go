package disk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/storage"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func open(t *testing.T, dir string) *Store {
	t.Helper()
	return openWith(t, dir, func(*Options) {})
}

// openWith opens dir with the test defaults as changed by mod.
func openWith(t *testing.T, dir string, mod func(*Options)) *Store {
	t.Helper()
	opts := Options{Logger: quiet, Now: func() time.Time { return time.Unix(1700000000, 0) }}
	mod(&opts)
	s, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func mustPut(t *testing.T, s *Store, key string, data []byte) {
	t.Helper()
	if _, err := s.PutObject(context.Background(), "b", key, bytes.NewReader(data), storage.PutOptions{}); err != nil {
		t.Fatalf("PutObject(%q): %v", key, err)
	}
}

func mustRead(t *testing.T, s *Store, key string) []byte {
	t.Helper()
	o, err := s.GetObject(context.Background(), "b", key)
	if err != nil {
		t.Fatalf("GetObject(%q): %v", key, err)
	}
	defer o.Content.Close()
	data, err := io.ReadAll(o.Content)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func dataFiles(t *testing.T, s *Store) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(s.dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestKeysNeverBecomePaths writes traversal-looking keys and checks that
// the only files created are the index and content files named by IDs.
func TestKeysNeverBecomePaths(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "store")
	s := open(t, dir)
	defer s.Close()
	ctx := context.Background()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"../../etc/passwd", "../escape", "a//b", "/abs", "日本/..", "x\x01y"} {
		mustPut(t, s, k, bytes.Repeat([]byte("x"), 100<<10)) // file-backed
		mustPut(t, s, k+"-small", []byte("x"))
	}
	id := regexp.MustCompile(`^data/[0-9a-f]{32}$`)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case p == root || rel == "." || rel == "data" || rel == "index.db" || rel == walName || rel == walName1 || rel == reserveName:
		case strings.HasPrefix(rel, ".."):
			t.Errorf("file outside the store: %s", p)
		case !id.MatchString(rel):
			t.Errorf("unexpected file in the store: %s", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(dataFiles(t, s)); n != 6 {
		t.Fatalf("%d content files, want 6 (one per large object; small ones inline)", n)
	}
}

// TestReopenKeepsEverything closes and reopens a store and reads back
// inline, file-backed, multipart and copied objects, buckets and uploads.
func TestReopenKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := open(t, dir)
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{Region: "eu-north-1"}); err != nil {
		t.Fatal(err)
	}
	small, large := []byte("small"), bytes.Repeat([]byte("L"), 1<<20)
	mustPut(t, s, "small", small)
	mustPut(t, s, "large", large)
	u, _ := s.CreateMultipartUpload(ctx, "b", "mp", storage.ObjectMeta{ContentType: "a/b",
		Checksums: map[string]string{"CRC32": ""}, ChecksumType: "COMPOSITE", Tags: map[string]string{"t": "mp"}})
	p1 := bytes.Repeat([]byte("1"), storage.MinPartSize)
	partSum := func(v string) storage.PartOptions {
		return storage.PartOptions{BeforeCommit: func(sums map[string]string) error { sums["CRC32"] = v; return nil }}
	}
	e1, _ := s.UploadPart(ctx, "b", "mp", u.UploadID, 1, bytes.NewReader(p1), partSum("AAAAAQ=="))
	e2, _ := s.UploadPart(ctx, "b", "mp", u.UploadID, 2, strings.NewReader("tail"), partSum("AAAAAg=="))
	if _, err := s.CompleteMultipartUpload(ctx, "b", "mp", u.UploadID, []storage.CompletePart{{PartNumber: 1, ETag: e1.ETag}, {PartNumber: 2, ETag: e2.ETag}},
		storage.CompleteOptions{BeforeCommit: func(m *storage.ObjectMeta, _ []storage.PartInfo) error {
			m.Checksums["CRC32"] = "AAAAAw==-2"
			return nil
		}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutObjectTagging(ctx, "b", "small", map[string]string{"t": "small"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBucketTagging(ctx, "b", map[string]string{"team": "blue", "empty": ""}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CopyObject(ctx, "b", "large", "b", "large-copy", nil); err != nil {
		t.Fatal(err)
	}
	pending, _ := s.CreateMultipartUpload(ctx, "b", "pending", storage.ObjectMeta{})
	s.UploadPart(ctx, "b", "pending", pending.UploadID, 3, strings.NewReader("p3"), storage.PartOptions{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, dir)
	defer s.Close()
	info, err := s.HeadBucket(ctx, "b")
	if err != nil || info.Region != "eu-north-1" {
		t.Fatalf("HeadBucket after reopen = %+v, %v", info, err)
	}
	if tags, err := s.GetBucketTagging(ctx, "b"); err != nil || !reflect.DeepEqual(tags, map[string]string{"team": "blue", "empty": ""}) {
		t.Fatalf("bucket tags after reopen = %v, %v", tags, err)
	}
	for key, want := range map[string][]byte{"small": small, "large": large, "large-copy": large, "mp": append(append([]byte{}, p1...), "tail"...)} {
		if got := mustRead(t, s, key); !bytes.Equal(got, want) {
			t.Fatalf("%s after reopen: %d bytes, want %d", key, len(got), len(want))
		}
	}
	mp, err := s.HeadObject(ctx, "b", "mp")
	if err != nil || mp.Meta.Checksums["CRC32"] != "AAAAAw==-2" || mp.Meta.Tags["t"] != "mp" ||
		!reflect.DeepEqual(mp.PartChecksums, []string{"AAAAAQ==", "AAAAAg=="}) {
		t.Fatalf("multipart object after reopen = %+v, %v", mp, err)
	}
	if sm, err := s.HeadObject(ctx, "b", "small"); err != nil || sm.Meta.Tags["t"] != "small" {
		t.Fatalf("tags of small after reopen = %+v, %v", sm.Meta, err)
	}
	parts, err := s.ListParts(ctx, "b", "pending", pending.UploadID, storage.ListPartsOptions{})
	if err != nil || len(parts.Parts) != 1 || parts.Parts[0].PartNumber != 3 {
		t.Fatalf("ListParts of the pending upload after reopen = %+v, %v", parts.Parts, err)
	}
	// large and large-copy share one file; mp uses two; the pending part one.
	if n := len(dataFiles(t, s)); n != 4 {
		t.Fatalf("%d content files after reopen, want 4", n)
	}
}

// TestUnreferencedFilesRemoved checks that overwrites, deletes, aborts and
// completes that leave parts out unlink content files nobody references,
// and that shared files survive until their last reference goes.
func TestUnreferencedFilesRemoved(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("B"), 200<<10)
	steps := []struct {
		name string
		do   func() error
		want int
	}{
		{"put large", func() error { mustPut(t, s, "k", big); return nil }, 1},
		{"overwrite large", func() error { mustPut(t, s, "k", big[1:]); return nil }, 1},
		{"copy shares the file", func() error { _, err := s.CopyObject(ctx, "b", "k", "b", "k2", nil); return err }, 1},
		{"delete original keeps the copy's file", func() error { return s.DeleteObject(ctx, "b", "k") }, 1},
		{"overwrite copy small", func() error { mustPut(t, s, "k2", []byte("tiny")); return nil }, 0},
		{"multipart with an unlisted part", func() error {
			u, _ := s.CreateMultipartUpload(ctx, "b", "mp", storage.ObjectMeta{})
			p1, _ := s.UploadPart(ctx, "b", "mp", u.UploadID, 1, strings.NewReader("one"), storage.PartOptions{})
			s.UploadPart(ctx, "b", "mp", u.UploadID, 2, strings.NewReader("two"), storage.PartOptions{})
			s.UploadPart(ctx, "b", "mp", u.UploadID, 1, strings.NewReader("uno"), storage.PartOptions{}) // replaces
			p1, _ = s.UploadPart(ctx, "b", "mp", u.UploadID, 1, strings.NewReader("one"), storage.PartOptions{})
			_, err := s.CompleteMultipartUpload(ctx, "b", "mp", u.UploadID, []storage.CompletePart{{PartNumber: 1, ETag: p1.ETag}}, storage.CompleteOptions{})
			return err
		}, 1},
		{"abort frees parts", func() error {
			u, _ := s.CreateMultipartUpload(ctx, "b", "ab", storage.ObjectMeta{})
			s.UploadPart(ctx, "b", "ab", u.UploadID, 1, strings.NewReader("x"), storage.PartOptions{})
			return s.AbortMultipartUpload(ctx, "b", "ab", u.UploadID)
		}, 1},
		{"delete multipart object", func() error { return s.DeleteObject(ctx, "b", "mp") }, 0},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := len(dataFiles(t, s)); got != st.want {
			t.Fatalf("after %s: %d content files, want %d", st.name, got, st.want)
		}
	}
}

// TestFailedPutLeavesNoFile checks that a large put that fails after
// writing part of its body removes its content file at once.
func TestFailedPutLeavesNoFile(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	body := io.MultiReader(bytes.NewReader(make([]byte, 500<<10)), iotestErr{})
	if _, err := s.PutObject(ctx, "b", "k", body, storage.PutOptions{}); err == nil {
		t.Fatal("put with failing body succeeded")
	}
	_, err := s.PutObject(ctx, "b", "k", bytes.NewReader(make([]byte, 500<<10)), storage.PutOptions{ContentMD5: make([]byte, 16)})
	if err == nil {
		t.Fatal("put with wrong Content-MD5 succeeded")
	}
	if files := dataFiles(t, s); len(files) != 0 {
		t.Fatalf("content files left after failed puts: %v", files)
	}
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

// TestSecondOpenFails checks that two Stores cannot share a directory.
func TestSecondOpenFails(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	defer s.Close()
	if s2, err := Open(context.Background(), dir, Options{Logger: quiet}); err == nil {
		s2.Close()
		t.Fatal("second Open of a directory in use succeeded")
	}
}

// TestWriteRangeTo checks the sendfile path against the bytes of a
// three-extent content, for ranges inside and across extent boundaries.
func TestWriteRangeTo(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	pool := newCrashPool()
	whole := pool.data(7, 3000)
	sizes := []int{1000, 1500, 500}
	var xs []extent
	at := 0
	for i, n := range sizes {
		id := fmt.Sprintf("%032x", i)
		if err := os.WriteFile(s.path(id), whole[at:at+n], 0o600); err != nil {
			t.Fatal(err)
		}
		xs = append(xs, extent{ID: id, Size: int64(n)})
		at += n
	}
	c, err := s.openExtents(xs, s.pins.gen())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cases := []struct {
		name   string
		off, n int64
	}{
		{"Whole", 0, 3000},
		{"InsideFirst", 10, 100},
		{"AcrossOneBoundary", 995, 10},
		{"AcrossTwoBoundaries", 999, 1502},
		{"Tail", 2993, 7},
		{"Empty", 3, 0},
	}
	for _, tc := range cases {
		var buf bytes.Buffer
		n, err := c.WriteRangeTo(&buf, tc.off, tc.n)
		want := whole[tc.off : tc.off+tc.n]
		if err != nil || n != tc.n || !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("%s: WriteRangeTo(%d, %d) = %d, %v; bytes match %v", tc.name, tc.off, tc.n, n, err, bytes.Equal(buf.Bytes(), want))
		}
		got := make([]byte, tc.n)
		if m, err := c.ReadAt(got, tc.off); (err != nil && !(err == io.EOF && m == int(tc.n))) || !bytes.Equal(got, want) {
			t.Fatalf("%s: ReadAt(%d, %d) = %d, %v", tc.name, tc.off, tc.n, m, err)
		}
	}
	if _, err := c.WriteRangeTo(io.Discard, 2999, 2); err == nil {
		t.Fatal("WriteRangeTo past the end succeeded")
	}
	// WriteTo (what io.Copy uses) continues from the read position.
	if _, err := c.Seek(1001, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, c); err != nil || !bytes.Equal(buf.Bytes(), whole[1001:]) {
		t.Fatalf("io.Copy after Seek: %d bytes, %v", buf.Len(), err)
	}
	// Files unlinked while a reader has them pinned stay until it closes.
	ids := []string{xs[0].ID, xs[1].ID, xs[2].ID}
	s.unlink(ids)
	buf.Reset()
	if _, err := c.WriteRangeTo(&buf, 0, 3000); err != nil || !bytes.Equal(buf.Bytes(), whole) {
		t.Fatalf("read after the files were unlinked under the reader: %d bytes, %v", buf.Len(), err)
	}
	if _, err := os.Stat(s.path(xs[2].ID)); err != nil {
		t.Fatalf("a pinned file was removed: %v", err)
	}
	c.Close()
	c.Close() // a second Close must not unpin again
	for _, id := range ids {
		if _, err := os.Stat(s.path(id)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("file %s still there after its last reader closed: %v", id, err)
		}
	}
	// A record read before its files were removed opens as stale.
	for i, n := range sizes {
		if err := os.WriteFile(s.path(xs[i].ID), make([]byte, n), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	gen := s.pins.gen()
	s.unlink([]string{xs[1].ID})
	if _, err := s.openExtents(xs, gen); !errors.Is(err, errStale) {
		t.Fatalf("openExtents with a file removed since the record was read: %v, want errStale", err)
	}
	if len(s.pins.n) != 0 {
		t.Fatalf("pins left after a stale open: %v", s.pins.n)
	}
}

// TestCompleteAssemblesManyParts checks the path for uploads with more
// parts than MaxExtents: one content file, same bytes, ETag and part sizes,
// and the part files gone.
func TestCompleteAssemblesManyParts(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), Options{Logger: quiet, MaxExtents: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	pool := newCrashPool()
	m := storage.MinPartSize
	whole := pool.data(11, m+12345)
	chunks := [][]byte{whole[:m], whole[m:]}
	mustPut(t, s, "mp", []byte("old version, replaced"))
	u, _ := s.CreateMultipartUpload(ctx, "b", "mp", storage.ObjectMeta{})
	var parts []storage.CompletePart
	for i, c := range chunks {
		p, err := s.UploadPart(ctx, "b", "mp", u.UploadID, i+1, bytes.NewReader(c), storage.PartOptions{})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, storage.CompletePart{PartNumber: i + 1, ETag: p.ETag})
	}
	// Rules are still checked before anything is copied.
	if _, err := s.CompleteMultipartUpload(ctx, "b", "mp", u.UploadID, []storage.CompletePart{parts[1], parts[0]}, storage.CompleteOptions{}); err == nil {
		t.Fatal("Complete with descending parts succeeded")
	}
	if n := len(dataFiles(t, s)); n != 2 {
		t.Fatalf("%d content files after a rejected Complete, want the 2 parts", n)
	}
	info, err := s.CompleteMultipartUpload(ctx, "b", "mp", u.UploadID, parts, storage.CompleteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.PartSizes) != 2 || info.Size != int64(len(whole)) || !strings.HasSuffix(info.ETag, `-2"`) {
		t.Fatalf("assembled object info = size %d parts %v etag %s", info.Size, info.PartSizes, info.ETag)
	}
	if got := mustRead(t, s, "mp"); !bytes.Equal(got, whole) {
		t.Fatalf("assembled object: %d bytes differ from the parts' %d", len(got), len(whole))
	}
	if n := len(dataFiles(t, s)); n != 1 {
		t.Fatalf("%d content files after assembling, want 1", n)
	}
}

// TestClosedStore checks that a closed store refuses work instead of
// hanging or panicking, and that a second Close is harmless.
func TestClosedStore(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err == nil {
		t.Fatal("second Close returned nil")
	}
	if err := s.DeleteObject(ctx, "b", "k"); err == nil {
		t.Fatal("DeleteObject on a closed store succeeded")
	}
	if _, err := s.PutObject(ctx, "b", "k", strings.NewReader("x"), storage.PutOptions{}); err == nil {
		t.Fatal("PutObject on a closed store succeeded")
	}
}

// TestGetOutlivesDelete checks that a GET of a multipart object that is
// deleted (or overwritten) while the GET is open still reads every byte,
// although it opens the part files only as it reaches them, and that the
// files go away when the GET ends.
func TestGetOutlivesDelete(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	pool := newCrashPool()
	m := storage.MinPartSize
	whole := pool.data(12, 3*m+777)
	u, _ := s.CreateMultipartUpload(ctx, "b", "mp", storage.ObjectMeta{})
	var parts []storage.CompletePart
	for i := 0; i*m < len(whole); i++ {
		p, err := s.UploadPart(ctx, "b", "mp", u.UploadID, i+1, bytes.NewReader(whole[i*m:min(len(whole), (i+1)*m)]), storage.PartOptions{})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, storage.CompletePart{PartNumber: i + 1, ETag: p.ETag})
	}
	if _, err := s.CompleteMultipartUpload(ctx, "b", "mp", u.UploadID, parts, storage.CompleteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, change := range []string{"delete", "overwrite"} {
		t.Run(change, func(t *testing.T) {
			if change == "overwrite" {
				mustPut(t, s, "mp", whole) // a single-file object this time
			}
			obj, err := s.GetObject(ctx, "b", "mp")
			if err != nil {
				t.Fatal(err)
			}
			first := make([]byte, 10)
			if _, err := obj.Content.ReadAt(first, 0); err != nil {
				t.Fatal(err)
			}
			if change == "delete" {
				if err := s.DeleteObject(ctx, "b", "mp"); err != nil {
					t.Fatal(err)
				}
			} else {
				mustPut(t, s, "mp", []byte("replaced"))
			}
			var got bytes.Buffer
			if _, err := io.Copy(&got, obj.Content); err != nil || !bytes.Equal(got.Bytes(), whole) {
				t.Fatalf("GET open across the %s read %d bytes (err %v), want the %d stored", change, got.Len(), err, len(whole))
			}
			obj.Content.Close()
			// What is stored now is inline or nothing: no content files.
			if n := len(dataFiles(t, s)); n != 0 {
				t.Fatalf("%d content files after the GET ended, want none", n)
			}
		})
	}
}

// TestDeleteBucketFreesUploadParts checks that deleting a bucket with an
// unfinished upload removes the upload's part files, which nothing can
// reach any more.
func TestDeleteBucketFreesUploadParts(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateMultipartUpload(ctx, "b", "k", storage.ObjectMeta{})
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 2; n++ {
		if _, err := s.UploadPart(ctx, "b", "k", u.UploadID, n, bytes.NewReader(make([]byte, 200<<10)), storage.PartOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if len(dataFiles(t, s)) == 0 {
		t.Fatal("parts were not stored in files; the test checks nothing")
	}
	if err := s.DeleteBucket(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if files := dataFiles(t, s); len(files) != 0 {
		t.Fatalf("part files left after DeleteBucket: %v", files)
	}
}
