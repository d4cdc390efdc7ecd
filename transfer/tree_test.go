package transfer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/transfer"
)

// writeTree creates files (relative path → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// readTree returns the regular files under dir (relative "/" path → content).
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		got[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return got
}

// remoteKeys lists the keys under prefix.
func remoteKeys(t *testing.T, c *s3.Client, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	for o, err := range c.AllObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: bucket, Prefix: prefix}) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, o.Key)
	}
	return keys
}

// collect drains a transfer's results: the successes as "op source target"
// lines, sorted, and the errors.
func collect(seq func(func(transfer.Result, error) bool)) (done []string, errs []error) {
	for res, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		done = append(done, strings.TrimSpace(string(res.Op)+" "+res.Source+" "+res.Target))
	}
	slices.Sort(done)
	return done, errs
}

func TestCopyTreeUploadsAndDownloadsFiltered(t *testing.T) {
	ctx := context.Background()
	c := serverClient(t, "tree")
	m := transfer.New(c, transfer.Options{Concurrency: 4})
	src := t.TempDir()
	writeTree(t, src, map[string]string{"a.txt": "a", "sub/b.txt": "bb", "sub/skip.tmp": "x", "c-d": "cd"})
	var f transfer.Filter
	if err := f.Exclude("*.tmp"); err != nil {
		t.Fatal(err)
	}
	done, errs := collect(m.CopyTree(ctx, transfer.Local(src), transfer.Remote("tree", "p"), transfer.TreeOptions{Filter: f}))
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	want := []string{
		"upload " + filepath.Join(src, "a.txt") + " s3://tree/p/a.txt",
		"upload " + filepath.Join(src, "c-d") + " s3://tree/p/c-d",
		"upload " + filepath.Join(src, "sub", "b.txt") + " s3://tree/p/sub/b.txt",
	}
	if !slices.Equal(done, want) {
		t.Errorf("results\n%q\nwant\n%q", done, want)
	}
	if got := remoteKeys(t, c, "tree", ""); !slices.Equal(got, []string{"p/a.txt", "p/c-d", "p/sub/b.txt"}) {
		t.Errorf("bucket holds %q", got)
	}
	dst := filepath.Join(t.TempDir(), "new")
	if _, errs := collect(m.CopyTree(ctx, transfer.Remote("tree", "p/"), transfer.Local(dst), transfer.TreeOptions{})); len(errs) != 0 {
		t.Fatal(errs)
	}
	if got := readTree(t, dst); len(got) != 3 || got["sub/b.txt"] != "bb" || got["c-d"] != "cd" {
		t.Errorf("downloaded %v", got)
	}
	// S3 to S3 is a server-side copy.
	done, errs = collect(m.CopyTree(ctx, transfer.Remote("tree", "p/sub"), transfer.Remote("tree", "q"), transfer.TreeOptions{}))
	if len(errs) != 0 || !slices.Equal(done, []string{"copy s3://tree/p/sub/b.txt s3://tree/q/b.txt"}) {
		t.Errorf("copy: %q %v", done, errs)
	}
}

func TestCopyTreeMoveAndDryRun(t *testing.T) {
	ctx := context.Background()
	c := serverClient(t, "mvt")
	m := transfer.New(c, transfer.Options{})
	src := t.TempDir()
	writeTree(t, src, map[string]string{"a": "1", "d/b": "2"})
	res, errs := collect(m.CopyTree(ctx, transfer.Local(src), transfer.Remote("mvt", ""), transfer.TreeOptions{Move: true, DryRun: true}))
	if len(errs) != 0 || len(res) != 2 {
		t.Fatalf("dry run: %q %v", res, errs)
	}
	if keys := remoteKeys(t, c, "mvt", ""); len(keys) != 0 || len(readTree(t, src)) != 2 {
		t.Fatalf("a dry run changed something: bucket %q, source %v", keys, readTree(t, src))
	}
	var moved int
	for r, err := range m.CopyTree(ctx, transfer.Local(src), transfer.Remote("mvt", ""), transfer.TreeOptions{Move: true}) {
		if err != nil || !r.Move || r.Size != 1 {
			t.Errorf("move result %+v, %v", r, err)
		}
		moved++
	}
	if keys := remoteKeys(t, c, "mvt", ""); moved != 2 || !slices.Equal(keys, []string{"a", "d/b"}) {
		t.Errorf("moved %d, bucket %q", moved, keys)
	}
	if left := readTree(t, src); len(left) != 0 {
		t.Errorf("sources left after a move: %v", left)
	}
}

func TestCopyTreeNeverWritesOutsideTarget(t *testing.T) {
	ctx := context.Background()
	c := serverClient(t, "esc")
	m := transfer.New(c, transfer.Options{})
	for _, k := range []string{"p/fine", "p/link/x", "p/../../escape"} {
		if _, err := m.Upload(ctx, strings.NewReader("data"), "esc", k); err != nil {
			t.Fatal(err)
		}
	}
	base := t.TempDir()
	outside := t.TempDir()
	dst := filepath.Join(base, "a", "out")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dst, "link")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"CopyTree", "Sync"} {
		seq := m.CopyTree(ctx, transfer.Remote("esc", "p"), transfer.Local(dst), transfer.TreeOptions{})
		if name == "Sync" {
			seq = m.Sync(ctx, transfer.Remote("esc", "p"), transfer.Local(dst), transfer.SyncOptions{})
		}
		var unsafeKey, escape bool
		for res, err := range seq {
			var se *transfer.SymlinkEscapeError
			switch {
			case err == nil:
				if res.Source != "s3://esc/p/fine" {
					t.Errorf("%s: %+v succeeded", name, res)
				}
			case errors.As(err, &se):
				escape = res.Op == transfer.OpDownload && se.Link == filepath.Join(dst, "link")
			case strings.Contains(err.Error(), "not a safe local path"):
				unsafeKey = res.Op == transfer.OpDownload
			default:
				t.Errorf("%s: %v", name, err)
			}
		}
		if !unsafeKey || !escape {
			t.Errorf("%s: refused the escaping key %v, the symbolic link %v", name, unsafeKey, escape)
		}
		if _, err := os.Stat(filepath.Join(base, "escape")); !os.IsNotExist(err) {
			t.Fatalf("%s wrote outside the target directory", name)
		}
		if got := readTree(t, outside); len(got) != 0 {
			t.Fatalf("%s wrote through the symbolic link: %v", name, got)
		}
	}
}

func TestSyncUpdatesDeletesAndRefusesEmptySource(t *testing.T) {
	ctx := context.Background()
	c := serverClient(t, "sync")
	m := transfer.New(c, transfer.Options{})
	src := t.TempDir()
	writeTree(t, src, map[string]string{"keep": "k", "change": "v1"})
	remote := transfer.Remote("sync", "s/")
	if _, errs := collect(m.Sync(ctx, transfer.Local(src), remote, transfer.SyncOptions{})); len(errs) != 0 {
		t.Fatal(errs)
	}
	if _, err := m.Upload(ctx, strings.NewReader("stale"), "sync", "s/gone"); err != nil {
		t.Fatal(err)
	}
	writeTree(t, src, map[string]string{"change": "version 2"})
	planned, errs := collect(m.Sync(ctx, transfer.Local(src), remote, transfer.SyncOptions{Delete: true, DryRun: true}))
	if len(errs) != 0 || len(planned) != 2 {
		t.Fatalf("dry run: %q %v", planned, errs)
	}
	if keys := remoteKeys(t, c, "sync", "s/"); len(keys) != 3 {
		t.Fatalf("a dry run changed the bucket: %q", keys)
	}
	done, errs := collect(m.Sync(ctx, transfer.Local(src), remote, transfer.SyncOptions{Delete: true}))
	want := []string{"delete s3://sync/s/gone", "upload " + filepath.Join(src, "change") + " s3://sync/s/change"}
	if len(errs) != 0 || !slices.Equal(done, want) || !slices.Equal(planned, want) {
		t.Errorf("sync: %q %v, planned %q; want %q", done, errs, planned, want)
	}

	empty := t.TempDir()
	for _, src := range []string{empty, filepath.Join(empty, "missing")} {
		done, errs = collect(m.Sync(ctx, transfer.Local(src), remote, transfer.SyncOptions{Delete: true}))
		if len(done) != 0 || len(errs) != 1 || !errors.Is(errs[0], transfer.ErrUnsafeDelete) {
			t.Errorf("sync --delete from %s: %q %v; want one ErrUnsafeDelete", src, done, errs)
		}
	}
	if keys := remoteKeys(t, c, "sync", "s/"); len(keys) != 2 {
		t.Fatalf("a refused sync deleted: %q left", keys)
	}
	if _, errs := collect(m.Sync(ctx, transfer.Local(empty), remote, transfer.SyncOptions{Delete: true, Force: true})); len(errs) != 0 {
		t.Fatal(errs)
	}
	if keys := remoteKeys(t, c, "sync", "s/"); len(keys) != 0 {
		t.Errorf("a forced sync from an empty source left %q", keys)
	}
}

func TestSyncDeletesLocalFilesInsideTargetOnly(t *testing.T) {
	ctx := context.Background()
	c := serverClient(t, "ldel")
	m := transfer.New(c, transfer.Options{})
	if _, err := m.Upload(ctx, strings.NewReader("x"), "ldel", "keep"); err != nil {
		t.Fatal(err)
	}
	dst, outside := t.TempDir(), t.TempDir()
	writeTree(t, dst, map[string]string{"keep": "x", "extra": "e"})
	writeTree(t, outside, map[string]string{"victim": "v"})
	if err := os.Symlink(outside, filepath.Join(dst, "link")); err != nil {
		t.Fatal(err)
	}
	// WalkLocal skips links to directories, so the sync never sees
	// link/victim; the delete of "extra" goes through.
	done, errs := collect(m.Sync(ctx, transfer.Remote("ldel", ""), transfer.Local(dst), transfer.SyncOptions{Delete: true}))
	if len(errs) != 0 || !slices.Equal(done, []string{"delete " + filepath.Join(dst, "extra")}) {
		t.Errorf("sync: %q %v", done, errs)
	}
	if got := readTree(t, outside); got["victim"] != "v" {
		t.Errorf("a file outside the target was deleted")
	}
}

func TestBreakingOutOfCopyTreeStopsIt(t *testing.T) {
	ctx := context.Background()
	c := serverClient(t, "brk")
	m := transfer.New(c, transfer.Options{Concurrency: 1})
	src := t.TempDir()
	files := map[string]string{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		files[n] = n
	}
	writeTree(t, src, files)
	for _, err := range m.CopyTree(ctx, transfer.Local(src), transfer.Remote("brk", ""), transfer.TreeOptions{Concurrency: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	// With one file at a time, the run stops within the file in flight
	// when the loop is left and the next one the walk had queued.
	if keys := remoteKeys(t, c, "brk", ""); len(keys) == 0 || len(keys) > 3 {
		t.Errorf("after a break at the first result the bucket holds %q", keys)
	}
	// The Manager stays usable.
	if _, errs := collect(m.CopyTree(ctx, transfer.Local(src), transfer.Remote("brk", ""), transfer.TreeOptions{})); len(errs) != 0 {
		t.Fatal(errs)
	}
}

func TestTransferMovesOneObject(t *testing.T) {
	ctx := context.Background()
	c := serverClient(t, "one")
	m := transfer.New(c, transfer.Options{})
	if _, err := m.Upload(ctx, strings.NewReader("hello"), "one", "a"); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "a.txt")
	res, err := m.Transfer(ctx, transfer.Remote("one", "a"), transfer.Local(dst), transfer.TransferOptions{Move: true})
	if err != nil || res.Op != transfer.OpDownload || !res.Move || res.Size != 5 {
		t.Fatalf("Transfer = %+v, %v", res, err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "hello" {
		t.Errorf("downloaded %q", b)
	}
	if keys := remoteKeys(t, c, "one", ""); len(keys) != 0 {
		t.Errorf("the moved object is still there: %q", keys)
	}
}

func TestFilterLastMatchWins(t *testing.T) {
	var f transfer.Filter
	if !f.Match("anything") {
		t.Error("the zero Filter excludes")
	}
	for _, step := range []struct {
		include bool
		pattern string
	}{{false, "*"}, {true, "*.txt"}, {false, "tmp/*"}} {
		add := f.Exclude
		if step.include {
			add = f.Include
		}
		if err := add(step.pattern); err != nil {
			t.Fatal(err)
		}
	}
	for key, want := range map[string]bool{"a.txt": true, "d/e.txt": true, "a.log": false, "tmp/x.txt": false} {
		if got := f.Match(key); got != want {
			t.Errorf("Match(%q) = %v, want %v", key, got, want)
		}
	}
	if err := f.Exclude("[z-a]"); err == nil || !strings.Contains(err.Error(), `bad pattern "[z-a]"`) {
		t.Errorf("Exclude of an invalid range: %v", err)
	}
}

func TestLocalToLocalIsRefused(t *testing.T) {
	m := transfer.New(serverClient(t, "ll0"), transfer.Options{})
	a, b := t.TempDir(), t.TempDir()
	writeTree(t, a, map[string]string{"f": "x"})
	ctx := context.Background()
	_, errs := collect(m.CopyTree(ctx, transfer.Local(a), transfer.Local(b), transfer.TreeOptions{}))
	_, serrs := collect(m.Sync(ctx, transfer.Local(a), transfer.Local(b), transfer.SyncOptions{}))
	_, terr := m.Transfer(ctx, transfer.Local(filepath.Join(a, "f")), transfer.Local(filepath.Join(b, "f")), transfer.TransferOptions{})
	for _, err := range append(append(errs, serrs...), terr) {
		if !errors.Is(err, transfer.ErrLocalToLocal) {
			t.Errorf("local to local: %v, want ErrLocalToLocal", err)
		}
	}
	if len(errs) != 1 || len(serrs) != 1 || len(readTree(t, b)) != 0 {
		t.Errorf("local to local: %v %v, target %v", errs, serrs, readTree(t, b))
	}
}

func TestDeletePrefixFilteredAndDryRun(t *testing.T) {
	ctx := context.Background()
	c := serverClient(t, "rmp")
	m := transfer.New(c, transfer.Options{})
	for _, k := range []string{"logs/a.log", "logs/keep.txt", "logs-old/b.log", "other/c.log"} {
		if _, err := m.Upload(ctx, strings.NewReader("x"), "rmp", k); err != nil {
			t.Fatal(err)
		}
	}
	var f transfer.Filter
	if err := f.Exclude("*.txt"); err != nil {
		t.Fatal(err)
	}
	want := []string{"delete s3://rmp/logs-old/b.log", "delete s3://rmp/logs/a.log"}
	planned, errs := collect(m.DeletePrefix(ctx, "rmp", "logs", transfer.DeleteOptions{Filter: f, DryRun: true}))
	if len(errs) != 0 || !slices.Equal(planned, want) || len(remoteKeys(t, c, "rmp", "")) != 4 {
		t.Fatalf("dry run: %q %v, bucket %q", planned, errs, remoteKeys(t, c, "rmp", ""))
	}
	done, errs := collect(m.DeletePrefix(ctx, "rmp", "logs", transfer.DeleteOptions{Filter: f}))
	if len(errs) != 0 || !slices.Equal(done, want) {
		t.Errorf("delete: %q %v; want %q", done, errs, want)
	}
	if got := remoteKeys(t, c, "rmp", ""); !slices.Equal(got, []string{"logs/keep.txt", "other/c.log"}) {
		t.Errorf("bucket holds %q", got)
	}
	_, errs = collect(m.DeletePrefix(ctx, "no-such-bucket", "", transfer.DeleteOptions{}))
	var se *s3.Error
	if len(errs) != 1 || !errors.As(errs[0], &se) || se.Code != "NoSuchBucket" {
		t.Errorf("listing a missing bucket: %v", errs)
	}
}

func TestDeleteKeysBatchesAndStopsOnBreak(t *testing.T) {
	ctx := context.Background()
	c := serverClient(t, "rmk")
	m := transfer.New(c, transfer.Options{})
	var keys []string
	for i := range transfer.MaxBatchDelete + 5 {
		k := "k" + strings.Repeat("0", 5-len(strconv.Itoa(i))) + strconv.Itoa(i)
		keys = append(keys, k)
	}
	last := keys[len(keys)-1]
	for _, k := range append(keys[:3:3], last) {
		if _, err := m.Upload(ctx, strings.NewReader("x"), "rmk", k); err != nil {
			t.Fatal(err)
		}
	}
	// Keys that do not exist delete fine in S3; the first batch is whole
	// before any Result, so a break there leaves the second batch undone.
	n := 0
	for res, err := range m.DeleteKeys(ctx, "rmk", slices.Values(keys), transfer.DeleteOptions{}) {
		if err != nil || res.Op != transfer.OpDelete || res.Source != "s3://rmk/"+keys[n] {
			t.Fatalf("result %d: %+v, %v", n, res, err)
		}
		n++
		break
	}
	if got := remoteKeys(t, c, "rmk", ""); !slices.Equal(got, []string{last}) {
		t.Errorf("after a break in the first batch the bucket holds %q, want only %q", got, last)
	}
}
