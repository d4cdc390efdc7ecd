package transfer

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Where an unnamed file cannot be linked, its bytes and mtime are copied
// to the target instead of being lost.
func TestUnnamedFileCopiedWhenLinkFails(t *testing.T) {
	dir := t.TempDir()
	p, err := createPartFile(dir, "out")
	if err != nil {
		t.Fatal(err)
	}
	if !p.unnamed {
		p.discard()
		t.Skip("no O_TMPFILE on this filesystem")
	}
	data := bytes.Repeat([]byte("copied "), 50000)
	if _, err := p.WriteAt(data, 0); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := p.setMtime(mtime); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "out")
	if err := copyOut(p.File, dir, "out", target); err != nil {
		t.Fatal(err)
	}
	p.Close()
	got, err := os.ReadFile(target)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("target holds %d bytes (err %v), want the %d written", len(got), err, len(data))
	}
	if fi, _ := os.Stat(target); !fi.ModTime().Equal(mtime) {
		t.Errorf("mtime %v, want %v", fi.ModTime(), mtime)
	}
	if names := onlyFile(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v, want only out", names)
	}
}
