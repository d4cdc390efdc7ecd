package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/s3test"
)

// TestVersionCommands lists a versioned bucket's versions and delete
// markers with ls --versions, reads an older version with cat
// --version-id, and removes a delete marker for good with rm
// --version-id, which brings the object back.
func TestVersionCommands(t *testing.T) {
	t.Parallel()
	srv := s3test.NewServer(t)
	w := newWorldAt(t, server{endpoint: srv.URL, accessKey: srv.AccessKeyID, secretKey: srv.SecretAccessKey})
	b := w.bucket("versions")
	w.ok("bucket", "versioning", "s3://"+b, "--enable")
	dir := t.TempDir()
	w.ok("cp", writeFile(t, dir, "one", []byte("first")), "s3://"+b+"/k")
	w.ok("cp", writeFile(t, dir, "two", []byte("second")), "s3://"+b+"/k")
	w.ok("rm", "s3://"+b+"/k")

	type entry struct {
		Key          string `json:"key"`
		VersionID    string `json:"version_id"`
		IsLatest     bool   `json:"is_latest"`
		DeleteMarker bool   `json:"delete_marker"`
		Size         *int64 `json:"size"`
	}
	var es []entry
	for _, line := range strings.Split(strings.TrimSpace(w.ok("ls", "--versions", "--json", "s3://"+b).stdout), "\n") {
		var e entry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("ls --versions --json line %q: %v", line, err)
		}
		es = append(es, e)
	}
	if len(es) != 3 || !es[0].DeleteMarker || !es[0].IsLatest || es[1].DeleteMarker || *es[1].Size != 6 || *es[2].Size != 5 || es[2].IsLatest {
		t.Fatalf("ls --versions --json: %+v", es)
	}
	out := w.ok("ls", "--versions", "s3://"+b).stdout
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "DELETE "+es[0].VersionID+"* k") || !strings.Contains(lines[2], " 5 "+es[2].VersionID+"  k") {
		t.Fatalf("ls --versions:\n%s", out)
	}
	if r := w.ok("cat", "--version-id", es[2].VersionID, "s3://"+b+"/k"); r.stdout != "first" {
		t.Fatalf("cat --version-id of the first version: %q", r.stdout)
	}
	if r := w.run("cat", "s3://"+b+"/k"); r.code != 1 {
		t.Fatalf("cat behind a delete marker: %s", r)
	}
	r := w.ok("rm", "--version-id", es[0].VersionID, "s3://"+b+"/k")
	if want := "delete: s3://" + b + "/k (version " + es[0].VersionID + " delete marker)\n"; r.stdout != want {
		t.Fatalf("rm --version-id: %q, want %q", r.stdout, want)
	}
	if r := w.ok("cat", "s3://"+b+"/k"); r.stdout != "second" {
		t.Fatalf("cat after removing the marker: %q", r.stdout)
	}
	if r := w.run("rm", "--recursive", "--version-id", es[1].VersionID, "s3://"+b+"/"); r.code != 2 {
		t.Fatalf("rm --recursive --version-id: %s", r)
	}
	if r := w.run("ls", "--versions"); r.code != 2 {
		t.Fatalf("ls --versions without a bucket: %s", r)
	}

	// cp --version-id downloads an older version, in ranged parts that
	// all read that version.
	old, cur := randData(t, 12<<20), randData(t, 12<<20)
	w.ok("cp", writeFile(t, dir, "old", old), "s3://"+b+"/big")
	w.ok("cp", writeFile(t, dir, "cur", cur), "s3://"+b+"/big")
	var oldID string
	for _, line := range strings.Split(strings.TrimSpace(w.ok("ls", "--versions", "--json", "s3://"+b+"/big").stdout), "\n") {
		var e entry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if !e.IsLatest {
			oldID = e.VersionID
		}
	}
	got := filepath.Join(t.TempDir(), "got")
	w.ok("cp", "--part-size", "5MB", "--version-id", oldID, "s3://"+b+"/big", got)
	if data, err := os.ReadFile(got); err != nil || !bytes.Equal(data, old) {
		t.Fatalf("cp --version-id: %d bytes (%v), want the old version's %d", len(data), err, len(old))
	}
	if r := w.ok("cp", "--version-id", es[2].VersionID, "s3://"+b+"/k", "-"); r.stdout != "first" {
		t.Fatalf("cp --version-id to stdout: %q", r.stdout)
	}
	if r := w.run("cp", "--version-id", oldID, writeFile(t, dir, "x", []byte("x")), "s3://"+b+"/x"); r.code != 2 {
		t.Fatalf("cp --version-id of an upload: %s", r)
	}
}
