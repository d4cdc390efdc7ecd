package cli

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// localSnapshot records every file under dir: path, size, mtime and digest.
func localSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		snap[rel] = fmt.Sprintf("%d %d %x", fi.Size(), fi.ModTime().UnixNano(), sha256.Sum256(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// remoteSnapshot records every object in the bucket: key, size, ETag and
// LastModified.
func (w *world) remoteSnapshot(bucket string) map[string]string {
	w.t.Helper()
	snap := map[string]string{}
	r := w.ok("ls", "s3://"+bucket, "--recursive", "--json")
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if line == "" {
			continue
		}
		var e struct {
			Key          string
			Size         int64
			ETag         string
			LastModified string `json:"last_modified"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			w.t.Fatal(err)
		}
		snap[e.Key] = fmt.Sprintf("%d %s %s", e.Size, e.ETag, e.LastModified)
	}
	return snap
}

func TestDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("dryrun")
	local := t.TempDir()
	for i := range 20 {
		writeFile(t, local, fmt.Sprintf("l/%02d", i), []byte(strings.Repeat("x", i)))
	}
	for i := range 10 {
		w.runIn([]byte(strings.Repeat("y", i+1)), "cp", "-", fmt.Sprintf("s3://%s/r/%02d", b, i))
	}
	other := t.TempDir()
	beforeL, beforeO, beforeR := localSnapshot(t, local), localSnapshot(t, other), w.remoteSnapshot(b)
	runs := [][]string{
		{"cp", local, "s3://" + b + "/r", "--recursive", "--dryrun"},
		{"cp", "s3://" + b + "/r", other, "--recursive", "--dryrun"},
		{"cp", "s3://" + b + "/r/00", "s3://" + b + "/copied", "--dryrun"},
		{"mv", local, "s3://" + b + "/moved", "--recursive", "--dryrun"},
		{"mv", "s3://" + b + "/r", other, "--recursive", "--dryrun"},
		{"sync", local, "s3://" + b + "/r", "--delete", "--dryrun"},
		{"sync", "s3://" + b + "/r", local, "--delete", "--dryrun"},
		{"rm", "s3://" + b + "/r", "--recursive", "--dryrun"},
		{"rm", "s3://" + b + "/r/00", "--dryrun"},
	}
	for _, args := range runs {
		r := w.ok(args...)
		if !strings.Contains(r.stdout, "(dryrun) ") {
			t.Errorf("%v printed no (dryrun) lines:\n%s", args, r)
		}
	}
	if !maps.Equal(beforeL, localSnapshot(t, local)) || !maps.Equal(beforeO, localSnapshot(t, other)) {
		t.Error("--dryrun changed local files")
	}
	if after := w.remoteSnapshot(b); !maps.Equal(beforeR, after) {
		t.Errorf("--dryrun changed the bucket:\nbefore %v\nafter  %v", beforeR, after)
	}
}

func countPrefix(out, prefix string) int {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

func TestSyncManyFilesWithChanges(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("syncmany")
	const n = 2000
	local := t.TempDir()
	old := time.Now().Add(-time.Hour)
	for i := range n {
		// Names that fs.WalkDir would order differently from S3 ("a-b" vs "a/x").
		p := writeFile(t, local, fmt.Sprintf("d%d/f%04d", i%7, i), []byte(fmt.Sprint(i)))
		if i%100 == 0 {
			writeFile(t, local, fmt.Sprintf("d%d-x/f%04d", i%7, i), []byte("dash"))
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	total := len(localSnapshot(t, local))
	r := w.ok("sync", local, "s3://"+b+"/backup")
	if got := countPrefix(r.stdout, "upload: "); got != total {
		t.Fatalf("first sync uploaded %d files, want %d", got, total)
	}
	if r := w.ok("sync", local, "s3://"+b+"/backup"); r.stdout != "" {
		t.Fatalf("second sync of an unchanged tree did something:\n%s", r.stdout)
	}
	// Change 10 files (size), add 5, delete 7.
	for i := range 10 {
		writeFile(t, local, fmt.Sprintf("d%d/f%04d", (i*37)%7, i*37), []byte("changed content"))
	}
	for i := range 5 {
		writeFile(t, local, fmt.Sprintf("new/%d", i), []byte("new"))
	}
	for i := range 7 {
		if err := os.Remove(filepath.Join(local, fmt.Sprintf("d%d/f%04d", (i*11+3)%7, i*11+3))); err != nil {
			t.Fatal(err)
		}
	}
	r = w.ok("sync", local, "s3://"+b+"/backup", "--delete")
	if up, del := countPrefix(r.stdout, "upload: "), countPrefix(r.stdout, "delete: "); up != 15 || del != 7 {
		t.Errorf("sync --delete: %d uploads, %d deletes; want 15, 7\n%s", up, del, r.stdout)
	}
	var want []string
	for k := range localSnapshot(t, local) {
		want = append(want, "backup/"+filepath.ToSlash(k))
	}
	slices.Sort(want)
	if got := w.keys(b, "backup/"); !slices.Equal(got, want) {
		t.Errorf("bucket holds %d keys, local %d", len(got), len(want))
	}
	if r := w.ok("cat", "s3://"+b+"/backup/d0/f0259"); r.stdout != "changed content" {
		t.Errorf("changed file not uploaded: %q", r.stdout)
	}
	// Down into an empty directory, then again: nothing to do.
	down := t.TempDir()
	r = w.ok("sync", "s3://"+b+"/backup", down)
	if got := countPrefix(r.stdout, "download: "); got != len(want) {
		t.Errorf("sync down downloaded %d, want %d", got, len(want))
	}
	if !equalContent(t, local, down) {
		t.Error("sync down: trees differ")
	}
	if r := w.ok("sync", "s3://"+b+"/backup", down); r.stdout != "" {
		t.Errorf("second sync down did something:\n%s", r.stdout)
	}
}

// equalContent compares two trees by relative path and digest.
func equalContent(t *testing.T, a, b string) bool {
	t.Helper()
	strip := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			f := strings.Fields(v)
			out[k] = f[0] + " " + f[2]
		}
		return out
	}
	return maps.Equal(strip(localSnapshot(t, a)), strip(localSnapshot(t, b)))
}

func TestSyncCompareModes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("syncmodes")
	local := t.TempDir()
	p := writeFile(t, local, "f", []byte("aaaa"))
	w.ok("sync", local, "s3://"+b)
	// Same size, older mtime, new content: only --checksum sees it.
	if err := os.WriteFile(p, []byte("bbbb"), 0o644); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(p, past, past); err != nil {
		t.Fatal(err)
	}
	if r := w.ok("sync", local, "s3://"+b); r.stdout != "" {
		t.Errorf("size+mtime sync should skip an older same-size file:\n%s", r)
	}
	if r := w.ok("sync", local, "s3://"+b, "--exact-timestamps"); countPrefix(r.stdout, "upload: ") != 1 {
		t.Errorf("--exact-timestamps should upload a file whose mtime differs:\n%s", r)
	}
	if err := os.WriteFile(p, []byte("cccc"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, past, past); err != nil {
		t.Fatal(err)
	}
	if r := w.ok("sync", local, "s3://"+b, "--checksum"); countPrefix(r.stdout, "upload: ") != 1 {
		t.Errorf("--checksum should upload changed content:\n%s", r)
	}
	if r := w.ok("sync", local, "s3://"+b, "--checksum"); r.stdout != "" {
		t.Errorf("--checksum with equal content did something:\n%s", r)
	}
	if r := w.ok("cat", "s3://"+b+"/f"); r.stdout != "cccc" {
		t.Errorf("content %q", r.stdout)
	}
}

func TestSyncDeleteRefusesEmptySource(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.bucket("syncsafe")
	for i := range 3 {
		w.runIn([]byte("keep"), "cp", "-", fmt.Sprintf("s3://%s/backup/%d", b, i))
	}
	before := w.remoteSnapshot(b)
	empty := t.TempDir()
	cases := []struct {
		name string
		src  string
	}{
		{"empty directory", empty},
		{"missing directory", filepath.Join(empty, "typo")},
		{"empty prefix", "s3://" + b + "/nothing-here/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := w.run("sync", tc.src, "s3://"+b+"/backup", "--delete")
			if r.code != 1 || !strings.Contains(r.stderr, "refusing to delete") {
				t.Errorf("want exit 1 refusing: %s", r)
			}
			if !maps.Equal(before, w.remoteSnapshot(b)) {
				t.Fatal("a refused sync --delete changed the bucket")
			}
		})
	}
	r := w.ok("sync", empty, "s3://"+b+"/backup", "--delete", "--force")
	if countPrefix(r.stdout, "delete: ") != 3 || len(w.keys(b, "backup/")) != 0 {
		t.Errorf("--force should delete everything: %s", r)
	}
}

func TestSyncBetweenBucketsAndJSONResults(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	src, dst := w.bucket("sync-src"), w.bucket("sync-dst")
	local := t.TempDir()
	for _, f := range []string{"a", "b/c", "b-d"} {
		writeFile(t, local, f, []byte(f))
	}
	r := w.ok("cp", local, "s3://"+src+"/p", "--recursive", "--json")
	var lines []struct {
		Op, Source, Target string
		Size               int64
	}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var e struct {
			Op, Source, Target string
			Size               int64
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("cp --json line %q: %v", l, err)
		}
		lines = append(lines, e)
	}
	if len(lines) != 3 || lines[0].Op != "upload" || !strings.HasPrefix(lines[0].Target, "s3://"+src+"/p/") || lines[0].Size != 1 && lines[0].Size != 3 {
		t.Errorf("cp --json results: %+v", lines)
	}
	w.runIn([]byte("stale"), "cp", "-", "s3://"+dst+"/q/stale")
	r = w.ok("sync", "s3://"+src+"/p", "s3://"+dst+"/q", "--delete")
	if countPrefix(r.stdout, "copy: ") != 3 || countPrefix(r.stdout, "delete: s3://"+dst+"/q/stale") != 1 {
		t.Errorf("sync between buckets:\n%s", r)
	}
	if got := w.keys(dst, ""); !slices.Equal(got, []string{"q/a", "q/b-d", "q/b/c"}) {
		t.Errorf("destination keys %v", got)
	}
	// Down with --delete: a local file missing from the bucket goes.
	down := t.TempDir()
	writeFile(t, down, "extra", []byte("x"))
	r = w.ok("sync", "s3://"+dst+"/q/", down, "--delete", "--json")
	if strings.Count(r.stdout, `"op":"download"`) != 3 || strings.Count(r.stdout, `"op":"delete"`) != 1 {
		t.Errorf("sync down --delete --json:\n%s", r)
	}
	if _, err := os.Stat(filepath.Join(down, "extra")); !os.IsNotExist(err) {
		t.Error("sync --delete kept a local file missing from the bucket")
	}
	if !equalContent(t, local, down) {
		t.Error("trees differ after sync down")
	}
}
