package disk

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/s3kit/s3kit/storage"
	bolt "go.etcd.io/bbolt"
)

func walBytes(recs ...walRec) []byte {
	var b []byte
	for i := range recs {
		b = appendWalRec(b, &recs[i], true)
	}
	return b
}

func TestReadWal(t *testing.T) {
	put := func(seq uint64, key, val string) walRec {
		return walRec{seq: seq, bucket: "b", key: key, val: []byte(val)}
	}
	live := walBytes(put(11, "a", "1"), walRec{seq: 12, bucket: "b", key: "a", del: true}, put(13, "c", "3"))
	flipped := bytes.Clone(live)
	flipped[len(flipped)-1] ^= 1
	tests := []struct {
		name    string
		file    []byte
		applied uint64
		want    []string // "key=val" or "key deleted"
	}{
		{"empty log", nil, 10, nil},
		{"live records", live, 10, []string{"a=1", "a deleted", "c=3"}},
		{"stale records after the live ones", append(walBytes(put(11, "x", "new")), walBytes(put(5, "y", "old"), put(6, "z", "old"))...), 10, []string{"x=new"}},
		{"all records already folded in", live, 13, nil},
		{"older log than the checkpoint", live, 12, nil},
		{"torn last record", live[:len(live)-3], 10, []string{"a=1", "a deleted"}},
		{"corrupt last record", flipped, 10, []string{"a=1", "a deleted"}},
		{"gap in the sequence", append(walBytes(put(11, "a", "1")), walBytes(put(13, "b", "2"))...), 10, []string{"a=1"}},
		{"zeros after the records", append(walBytes(put(11, "a", "1")), make([]byte, 64)...), 10, []string{"a=1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "wal")
			if err := os.WriteFile(path, tc.file, 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, err := readWal(f, tc.applied)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				if r.del {
					got = append(got, r.key+" deleted")
				} else {
					got = append(got, r.key+"="+string(r.val))
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
			}
		})
	}
}

// walSeqOf reads the checkpoint position of a closed store.
func walSeqOf(t *testing.T, dir string) uint64 {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, "index.db"), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var seq uint64
	db.View(func(tx *bolt.Tx) error {
		seq = binary.BigEndian.Uint64(tx.Bucket(bktMeta).Get(keySeq))
		return nil
	})
	return seq
}

// TestLogReplayedOnOpen plays the part of a crash: a log holding records
// past the index's checkpoint (as a killed process leaves it) is folded in
// by the next Open, exactly once.
func TestLogReplayedOnOpen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := open(t, dir)
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "gone", []byte("old"))
	mustPut(t, s, "kept", []byte("kept"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	seq := walSeqOf(t, dir)
	rec := objRecord{Size: 3, ETag: `"e"`, Mod: 1}
	log := walBytes(
		walRec{seq: seq + 1, bucket: "b", key: "new", val: encodeObject(&rec, []byte("new"))},
		walRec{seq: seq + 2, bucket: "b", key: "gone", del: true},
		walRec{seq: seq + 3, bucket: "nobucket", key: "x", val: encodeObject(&rec, []byte("xxx"))},
	)
	log = append(log, 0xde, 0xad) // a torn record that was never acknowledged
	if err := os.WriteFile(filepath.Join(dir, walName), log, 0o600); err != nil {
		t.Fatal(err)
	}

	s = open(t, dir)
	if got := mustRead(t, s, "new"); string(got) != "new" {
		t.Errorf("replayed object reads %q", got)
	}
	if _, err := s.HeadObject(ctx, "b", "gone"); !errors.Is(err, storage.ErrNoSuchKey) {
		t.Errorf("replayed delete: HeadObject err %v", err)
	}
	if got := mustRead(t, s, "kept"); string(got) != "kept" {
		t.Errorf("untouched object reads %q", got)
	}
	// Re-create what the log deleted, then put the same old log back: its
	// records are behind the checkpoint now and must not apply again.
	mustPut(t, s, "gone", []byte("again"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, walName), log, 0o600); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	defer s.Close()
	if got := mustRead(t, s, "gone"); string(got) != "again" {
		t.Errorf("stale log applied twice: object reads %q", got)
	}
}

// TestLoggedWritesVisible checks that small writes acknowledged through
// the log (still in the overlay, not yet in bbolt) are seen by every read
// path and by preconditions, and that a large write replacing a logged one
// wins.
func TestLoggedWritesVisible(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "k", []byte("v1"))
	if s.journal.seq == 0 { // only the committer writes it; the PUT has returned
		t.Fatal("small PUT did not go through the log")
	}
	if got := mustRead(t, s, "k"); string(got) != "v1" {
		t.Fatalf("GET after logged PUT: %q", got)
	}
	if info, err := s.HeadObject(ctx, "b", "k"); err != nil || info.Size != 2 {
		t.Fatalf("HEAD after logged PUT: %+v %v", info, err)
	}
	_, err := s.PutObject(ctx, "b", "k", bytes.NewReader([]byte("x")), storage.PutOptions{IfNoneMatch: "*"})
	if !errors.Is(err, storage.ErrPreconditionFailed) {
		t.Fatalf("If-None-Match * over a logged object: %v", err)
	}
	mustPut(t, s, "k2", []byte("v2"))
	res, err := s.ListObjects(ctx, "b", storage.ListOptions{})
	if err != nil || len(res.Objects) != 2 || res.Objects[0].Key != "k" || res.Objects[1].Key != "k2" {
		t.Fatalf("list after logged PUTs: %+v %v", res.Objects, err)
	}
	if s.ov.len() != 0 {
		t.Errorf("listing left %d logged entries unfolded", s.ov.len())
	}
	if err := s.DeleteObject(ctx, "b", "k2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetObject(ctx, "b", "k2"); !errors.Is(err, storage.ErrNoSuchKey) {
		t.Fatalf("GET after logged delete: %v", err)
	}
	big := bytes.Repeat([]byte("b"), DefaultInlineMax+1)
	mustPut(t, s, "k2", []byte("small again"))
	mustPut(t, s, "k2", big)
	if got := mustRead(t, s, "k2"); !bytes.Equal(got, big) {
		t.Fatalf("large PUT over a logged object reads %d bytes", len(got))
	}
	mustPut(t, s, "k2", []byte("small"))
	if got := mustRead(t, s, "k2"); string(got) != "small" {
		t.Fatalf("small PUT over a file-backed object reads %q", got)
	}
	if n := len(dataFiles(t, s)); n != 0 {
		t.Errorf("%d content files left after the large object was replaced", n)
	}
}

func TestReadWalFiles(t *testing.T) {
	put := func(seq uint64, key string) walRec {
		return walRec{seq: seq, bucket: "b", key: key, val: []byte(key)}
	}
	tests := []struct {
		name    string
		files   [2][]byte
		applied uint64
		want    []string
	}{
		{"both empty", [2][]byte{}, 10, nil},
		{"live chain in the second file only", [2][]byte{walBytes(put(3, "old")), walBytes(put(11, "a"), put(12, "b"))}, 10, []string{"a", "b"}},
		{"frozen file, then the current one", [2][]byte{walBytes(put(14, "c"), put(15, "d")), walBytes(put(11, "a"), put(12, "b"), put(13, "x"))}, 10, []string{"a", "b", "x", "c", "d"}},
		{"checkpoint done, current file live", [2][]byte{walBytes(put(14, "c")), walBytes(put(11, "a"), put(12, "b"), put(13, "x"))}, 13, []string{"c"}},
		{"other file does not continue the chain", [2][]byte{walBytes(put(11, "a")), walBytes(put(13, "gap"))}, 10, []string{"a"}},
		{"stale records after a live chain", [2][]byte{append(walBytes(put(11, "a")), walBytes(put(7, "stale"))...), walBytes(put(5, "old"))}, 10, []string{"a"}},
		{"everything folded in", [2][]byte{walBytes(put(14, "c")), walBytes(put(11, "a"))}, 14, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var files []*os.File
			for i, b := range tc.files {
				path := filepath.Join(dir, []string{walName, walName1}[i])
				if err := os.WriteFile(path, b, 0o600); err != nil {
					t.Fatal(err)
				}
				f, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				files = append(files, f)
			}
			recs, err := readWalFiles(files, tc.applied)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, r.key)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestBackgroundCheckpoint writes and reads concurrently while checkpoints
// run in the background (the trigger is lowered to a few entries), then
// checks every object after a reopen.
func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openWith(t, dir, func(o *Options) { o.logMaxEntries = 7 })
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	const workers, rounds, keys = 8, 40, 5
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				key := fmt.Sprintf("w%d/k%d", w, r%keys)
				want := fmt.Sprintf("%s v%d", key, r)
				if _, err := s.PutObject(ctx, "b", key, strings.NewReader(want), storage.PutOptions{}); err != nil {
					errc <- err
					return
				}
				o, err := s.GetObject(ctx, "b", key)
				if err != nil {
					errc <- err
					return
				}
				got, err := io.ReadAll(o.Content)
				o.Content.Close()
				if err != nil || string(got) != want {
					errc <- fmt.Errorf("%s reads %q (%v) after writing %q", key, got, err, want)
					return
				}
				if r%9 == 8 {
					if _, err := s.ListObjects(ctx, "b", storage.ListOptions{}); err != nil {
						errc <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	check := func(s *Store) {
		t.Helper()
		for w := range workers {
			for k := range keys {
				key := fmt.Sprintf("w%d/k%d", w, k)
				last := rounds - keys + k
				if got := mustRead(t, s, key); string(got) != fmt.Sprintf("%s v%d", key, last) {
					t.Fatalf("%s reads %q", key, got)
				}
			}
		}
	}
	check(s)
	// A copy of the directory plays a crash: taken inside the committer
	// (no bbolt commit can tear it) before it folds the current log in.
	crashDir := t.TempDir()
	if err := s.c.do(func(*bolt.Tx) error { return os.CopyFS(crashDir, os.DirFS(dir)) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	check(s)
	s.Close()
	s = open(t, crashDir)
	check(s)
	s.Close()
}

// TestFailedCheckpoint checks that a background checkpoint that fails
// loses nothing: its changes stay readable, later writes go on, the next
// bbolt commit folds everything in, and a reopen (after a crash, played by
// a copy, or after Close) finds every acknowledged write.
func TestFailedCheckpoint(t *testing.T) {
	var fails atomic.Int32
	fails.Store(2)
	ctx := context.Background()
	dir := t.TempDir()
	s := openWith(t, dir, func(o *Options) {
		o.logMaxEntries = 4
		o.failCheckpoint = func() error {
			if fails.Add(-1) >= 0 {
				return errors.New("injected checkpoint failure")
			}
			return nil
		}
	})
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for i := range 40 {
		key := fmt.Sprintf("k%d", i%13)
		want[key] = fmt.Sprintf("v%d", i)
		mustPut(t, s, key, []byte(want[key]))
		for k, v := range want {
			if got := mustRead(t, s, k); string(got) != v {
				t.Fatalf("after %d writes: %s reads %q, want %q", i+1, k, got, v)
			}
		}
	}
	if fails.Load() >= 0 {
		t.Fatalf("only %d injected failures happened", 2-fails.Load())
	}
	crashDir := t.TempDir()
	if err := s.c.do(func(*bolt.Tx) error { return os.CopyFS(crashDir, os.DirFS(dir)) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, crashDir} {
		s := open(t, d)
		for k, v := range want {
			if got := mustRead(t, s, k); string(got) != v {
				t.Fatalf("reopened %s: %s reads %q, want %q", d, k, got, v)
			}
		}
		s.Close()
	}
}

// A clean Close leaves empty log files (the next Open reads nothing) and
// every logged write in the index.
func TestCloseEmptiesLog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		mustPut(t, s, fmt.Sprintf("k%d", i), []byte(fmt.Sprintf("v%d", i)))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"wal", "wal.1"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.Size() != 0 {
			t.Errorf("%s holds %d bytes after Close, want 0", name, fi.Size())
		}
	}
	s = open(t, dir)
	defer s.Close()
	for i := range 50 {
		if got := mustRead(t, s, fmt.Sprintf("k%d", i)); string(got) != fmt.Sprintf("v%d", i) {
			t.Fatalf("k%d reads %q after reopen", i, got)
		}
	}
}

// TestLogGrowsInSteps checks that appends grow a log file by whole
// walGrow steps of zeros (so most flushes overwrite blocks the file
// already has) and that the zeros end the chain: reading the file back
// gives exactly the records appended, before and after the file is reused
// from offset 0 by a later pass.
func TestLogGrowsInSteps(t *testing.T) {
	dir := t.TempDir()
	var files [2]*os.File
	for i, name := range []string{walName, walName1} {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		files[i] = f
	}
	w := &wal{files: files}
	val := bytes.Repeat([]byte("v"), 10_000)
	appendN := func(from, n int) {
		t.Helper()
		for i := from; i < from+n; i++ {
			if err := w.append([]walRec{{bucket: "b", key: fmt.Sprintf("k%03d", i), val: val}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	check := func(f *os.File, applied uint64, from, n int, wantSize int64) {
		t.Helper()
		st, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() != wantSize {
			t.Fatalf("file is %d bytes, want %d", st.Size(), wantSize)
		}
		recs, err := readWal(f, applied)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != n {
			t.Fatalf("read %d records back, want %d", len(recs), n)
		}
		for i, r := range recs {
			if want := fmt.Sprintf("k%03d", from+i); r.key != want || !bytes.Equal(r.val, val) {
				t.Fatalf("record %d is %q (%d bytes), want %q", i, r.key, len(r.val), want)
			}
		}
	}
	appendN(0, 1)
	check(files[0], 0, 0, 1, walGrow)
	appendN(1, 39) // about 400 KB: the file has grown by a second step
	check(files[0], 0, 0, 40, 2*walGrow)
	if w.off >= 2*walGrow || w.off <= walGrow {
		t.Fatalf("records end at %d, want inside the second step", w.off)
	}
	// A checkpoint's switch, and back: the first file is rewritten from
	// offset 0 and keeps its size; its old records after the new ones are
	// stale and must not be read.
	w.switchFile()
	appendN(40, 2)
	w.switchFile()
	appendN(42, 3)
	check(files[0], 42, 42, 3, 2*walGrow)
	check(files[1], 40, 40, 2, walGrow)
}
