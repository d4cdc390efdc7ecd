package transfer

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Both kinds of temporary file replace an existing target whole, carry the
// mtime they were given, and leave nothing else behind; a discarded one
// leaves the old target untouched.
func TestPartFileReplacesTarget(t *testing.T) {
	kinds := []struct {
		name   string
		create func(dir, base string) (*partFile, error)
	}{
		{"unnamed where supported", createPartFile},
		{"named", createNamedPart},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "out")
			if err := os.WriteFile(target, []byte("old contents"), 0o644); err != nil {
				t.Fatal(err)
			}
			// A discarded download changes nothing.
			p, err := k.create(dir, "out")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.WriteAt([]byte("partial"), 0); err != nil {
				t.Fatal(err)
			}
			p.discard()
			if got, _ := os.ReadFile(target); string(got) != "old contents" {
				t.Fatalf("after a discarded download the target holds %q", got)
			}
			if names := onlyFile(t, dir); len(names) != 1 {
				t.Fatalf("directory holds %v after a discarded download, want only out", names)
			}

			// A published one replaces it.
			p, err = k.create(dir, "out")
			if err != nil {
				t.Fatal(err)
			}
			data := bytes.Repeat([]byte("new "), 1000)
			if _, err := p.WriteAt(data, 0); err != nil {
				t.Fatal(err)
			}
			mtime := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
			if err := p.setMtime(mtime); err != nil {
				t.Fatal(err)
			}
			if err := p.publish(target); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(target); !bytes.Equal(got, data) {
				t.Fatalf("target holds %d bytes after publish, want the %d written", len(got), len(data))
			}
			if fi, err := os.Stat(target); err != nil || !fi.ModTime().Equal(mtime) {
				t.Fatalf("target mtime %v (err %v), want %v", fi.ModTime(), err, mtime)
			}
			if names := onlyFile(t, dir); len(names) != 1 || names[0] != "out" {
				t.Fatalf("directory holds %v after publish, want only out", names)
			}
		})
	}
}
