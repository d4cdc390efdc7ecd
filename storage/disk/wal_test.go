package disk

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3kit/s3kit/storage"
	bolt "go.etcd.io/bbolt"
)

func walBytes(recs ...walRec) []byte {
	var b []byte
	for i := range recs {
		b = appendWalRec(b, &recs[i])
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
