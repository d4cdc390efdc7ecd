package disk

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/s3kit/s3kit/storage"
)

// fullDisk simulates a file system that filled up, through
// Options.fault. While full, content files and the reserve cannot be
// written; log appends and index commits can once the reserve has been
// released (they use its blocks), unless indexNeedsMore says a commit
// needs more than the reserve gave back.
type fullDisk struct {
	full, released, indexNeedsMore atomic.Bool
}

func (d *fullDisk) fault(op faultOp) error {
	if !d.full.Load() {
		return nil
	}
	switch op {
	case faultRelease:
		d.released.Store(true)
	case faultData, faultReserve:
		return syscall.ENOSPC
	case faultLog:
		if !d.released.Load() {
			return syscall.ENOSPC
		}
	case faultIndex:
		if !d.released.Load() || d.indexNeedsMore.Load() {
			return syscall.ENOSPC
		}
	}
	return nil
}

// fullState is what a test expects the store to hold.
type fullState map[string][]byte

func (want fullState) check(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	res, err := s.ListObjects(ctx, "b", storage.ListOptions{})
	if err != nil {
		t.Fatalf("ListObjects: %v", err)
	}
	var listed, keys []string
	for _, o := range res.Objects {
		listed = append(listed, o.Key)
	}
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if fmt.Sprint(listed) != fmt.Sprint(keys) {
		t.Fatalf("listed %v, want %v", listed, keys)
	}
	for k, data := range want {
		if got := mustRead(t, s, k); !bytes.Equal(got, data) {
			t.Fatalf("%s: read %d bytes, want the %d acknowledged", k, len(got), len(data))
		}
	}
}

func (want fullState) put(t *testing.T, s *Store, key string, size int) {
	t.Helper()
	data := bytes.Repeat([]byte{byte(len(want))}, size)
	mustPut(t, s, key, data)
	want[key] = data
}

// TestFullDiskDegrades fills the disk under a store (simulated) and
// checks that new data is refused with ErrInsufficientStorage while
// deletes, listings and multipart bookkeeping keep working, that nothing
// acknowledged is lost, and that writes resume once space is back.
func TestFullDiskDegrades(t *testing.T) {
	for _, tc := range []struct {
		name string
		// indexNeedsMore: even with the reserve released, index commits
		// fail (the listing must then merge the log instead of folding).
		indexNeedsMore bool
	}{{"reserve enough", false}, {"reserve too small", true}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			var d fullDisk
			s := openWith(t, dir, func(o *Options) { o.fault = d.fault; o.Reserve = 1 << 20 })
			defer func() { s.Close() }()
			if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
				t.Fatal(err)
			}
			want := fullState{}
			for i := range 6 {
				want.put(t, s, fmt.Sprintf("small%d", i), 100)
			}
			for i := range 3 {
				want.put(t, s, fmt.Sprintf("big%d", i), 100<<10)
			}
			up, err := s.CreateMultipartUpload(ctx, "b", "mp", storage.ObjectMeta{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.UploadPart(ctx, "b", "mp", up.UploadID, 1, bytes.NewReader(make([]byte, 100<<10)), storage.PartOptions{}); err != nil {
				t.Fatal(err)
			}

			d.full.Store(true)
			d.indexNeedsMore.Store(tc.indexNeedsMore)
			// A body that cannot be written fails with the clear error.
			if _, err := s.PutObject(ctx, "b", "big-new", bytes.NewReader(make([]byte, 100<<10)), storage.PutOptions{}); !errors.Is(err, storage.ErrInsufficientStorage) {
				t.Fatalf("PUT of a body on a full disk: %v, want ErrInsufficientStorage", err)
			}
			// A delete needs a log record: the reserve makes room for it.
			if err := s.DeleteObject(ctx, "b", "small0"); err != nil {
				t.Fatalf("DeleteObject on a full disk: %v", err)
			}
			delete(want, "small0")
			if !d.released.Load() {
				t.Fatal("the reserve was not released")
			}
			// Now the store is full: no new data, not even inline.
			for _, size := range []int{10, 100 << 10} {
				if _, err := s.PutObject(ctx, "b", "new", bytes.NewReader(make([]byte, size)), storage.PutOptions{}); !errors.Is(err, storage.ErrInsufficientStorage) {
					t.Fatalf("PUT of %d bytes on a full store: %v, want ErrInsufficientStorage", size, err)
				}
			}
			if _, err := s.UploadPart(ctx, "b", "mp", up.UploadID, 2, bytes.NewReader(make([]byte, 10)), storage.PartOptions{}); !errors.Is(err, storage.ErrInsufficientStorage) {
				t.Fatalf("UploadPart on a full store: %v, want ErrInsufficientStorage", err)
			}
			// Listing works (and reflects the logged delete).
			want.check(t, s)
			if !tc.indexNeedsMore {
				// Index commits fit in the reserve: file-backed deletes
				// and multipart bookkeeping work.
				if err := s.DeleteObject(ctx, "b", "big0"); err != nil {
					t.Fatalf("DeleteObject of a file-backed object on a full disk: %v", err)
				}
				delete(want, "big0")
				if _, err := s.CreateMultipartUpload(ctx, "b", "mp2", storage.ObjectMeta{}); err != nil {
					t.Fatalf("CreateMultipartUpload on a full disk: %v", err)
				}
				if err := s.AbortMultipartUpload(ctx, "b", "mp", up.UploadID); err != nil {
					t.Fatalf("AbortMultipartUpload on a full disk: %v", err)
				}
			} else {
				// Inline deletes still go to the log.
				if err := s.DeleteObject(ctx, "b", "small1"); err != nil {
					t.Fatalf("DeleteObject on a full disk: %v", err)
				}
				delete(want, "small1")
				if err := s.DeleteObject(ctx, "b", "big0"); !errors.Is(err, storage.ErrInsufficientStorage) {
					t.Fatalf("DeleteObject needing an index commit with no room: %v, want ErrInsufficientStorage", err)
				}
			}
			want.check(t, s)

			// Space is back: writes resume, and everything survives a
			// reopen.
			d.full.Store(false)
			want.put(t, s, "after", 100<<10)
			want.put(t, s, "after-small", 10)
			want.check(t, s)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = openWith(t, dir, func(o *Options) { o.fault = d.fault; o.Reserve = 1 << 20 })
			want.check(t, s)
			checkNoLeftovers(t, s)
		})
	}
}

// TestOpenOnFullDisk leaves logged writes that are not yet in the index
// (the disk had no room to fold them, as after a crash) and reopens the
// store on a disk that still has no room: Open must succeed with every
// acknowledged write readable and listed, and once there is room the
// writes reach the index and logging resumes.
func TestOpenOnFullDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var d fullDisk
	reopen := func() *Store {
		return openWith(t, dir, func(o *Options) { o.fault = d.fault; o.Reserve = 1 << 20 })
	}
	// noRoom makes index commits fail while log appends still work: what
	// Close leaves is then what a crash leaves, the writes only logged.
	noRoom := func(on bool) {
		d.released.Store(on)
		d.indexNeedsMore.Store(on)
		d.full.Store(on)
	}
	s := reopen()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	want := fullState{}
	want.put(t, s, "big", 100<<10)
	noRoom(true)
	for i := range 5 {
		want.put(t, s, fmt.Sprintf("small%d", i), 100)
	}
	s.Close()
	if fi, err := os.Stat(filepath.Join(dir, walName)); err != nil || fi.Size() == 0 {
		t.Fatalf("the log was emptied (%v): its records must be kept until folded", err)
	}

	s = reopen()
	want.check(t, s)
	if _, err := s.PutObject(ctx, "b", "new", bytes.NewReader([]byte("x")), storage.PutOptions{}); !errors.Is(err, storage.ErrInsufficientStorage) {
		t.Fatalf("PUT on a full store: %v, want ErrInsufficientStorage", err)
	}
	// With no room at all even a delete cannot be recorded; it says so.
	if err := s.DeleteObject(ctx, "b", "small0"); !errors.Is(err, storage.ErrInsufficientStorage) {
		t.Fatalf("DeleteObject with no room: %v, want ErrInsufficientStorage", err)
	}
	s.Close()
	s = reopen()
	want.check(t, s)

	// Room again: the first commit folds the log in and logging resumes
	// (with sequence numbers past the old records); what is logged then
	// survives another stop without a fold.
	noRoom(false)
	if err := s.DeleteObject(ctx, "b", "small0"); err != nil {
		t.Fatal(err)
	}
	delete(want, "small0")
	want.put(t, s, "after", 10)
	noRoom(true)
	want.put(t, s, "after2", 10)
	s.Close()
	noRoom(false)
	s = reopen()
	defer s.Close()
	want.check(t, s)
	checkNoLeftovers(t, s)
}

// fullEnv makes the test binary act as TestRealFullDiskKill9's server.
const fullEnv = "S3KIT_DISK_FULL_CHILD"

// fullSize is the size of the object written at step i of the fill.
func fullSize(i int) int {
	if i%2 == 0 {
		return 200 << 10 // a content file
	}
	return 1000 // inline, logged
}

// fullChild fills the store in dir until it refuses new data, then
// deletes, lists and runs a multipart upload's bookkeeping, reporting
// each acknowledged change ("put KEY I", "del KEY"), and waits to be
// killed. Any unexpected error is reported as "fatal".
func fullChild(dir string) {
	ctx := context.Background()
	fatal := func(format string, args ...any) {
		fmt.Printf("fatal "+format+"\n", args...)
		os.Exit(2)
	}
	s, err := Open(ctx, dir, Options{}) // the default reserve: an eighth of the file system
	if err != nil {
		fatal("open: %v", err)
	}
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		fatal("create bucket: %v", err)
	}
	pool := newCrashPool()
	refused := 0
	for i := 0; refused < 4; i++ {
		if i > 10000 {
			fatal("the disk never filled")
		}
		key := fmt.Sprintf("k%05d", i)
		_, err := s.PutObject(ctx, "b", key, bytes.NewReader(pool.data(int64(i), fullSize(i))), storage.PutOptions{})
		switch {
		case errors.Is(err, storage.ErrInsufficientStorage):
			refused++
		case err != nil:
			fatal("put %s: %v", key, err)
		default:
			refused = 0
			fmt.Printf("put %s %d\n", key, i)
		}
	}
	for _, key := range []string{"k00000", "k00001", "k00002", "k00003"} {
		if err := s.DeleteObject(ctx, "b", key); err != nil {
			fatal("delete %s on a full disk: %v", key, err)
		}
		fmt.Printf("del %s\n", key)
	}
	if _, err := s.ListObjects(ctx, "b", storage.ListOptions{}); err != nil {
		fatal("list on a full disk: %v", err)
	}
	up, err := s.CreateMultipartUpload(ctx, "b", "mp", storage.ObjectMeta{})
	if err != nil {
		fatal("create multipart upload on a full disk: %v", err)
	}
	if err := s.AbortMultipartUpload(ctx, "b", "mp", up.UploadID); err != nil {
		fatal("abort multipart upload on a full disk: %v", err)
	}
	if _, err := s.PutObject(ctx, "b", "refused", bytes.NewReader(make([]byte, 10)), storage.PutOptions{}); !errors.Is(err, storage.ErrInsufficientStorage) {
		fatal("put on a full disk after small deletes: %v, want ErrInsufficientStorage", err)
	}
	// A last delete that is only logged when the kill comes.
	if err := s.DeleteObject(ctx, "b", "k00005"); err != nil {
		fatal("delete k00005 on a full disk: %v", err)
	}
	fmt.Println("del k00005")
	fmt.Println("ready")
	select {}
}

// mountTmpfs mounts a tmpfs of size bytes on a new directory, or skips
// the test when that is not possible (it needs root).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs to fill")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fillFS writes a file at path until the file system is full.
func fillFS(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	for len(buf) > 1 { // the last partial blocks
		if _, err := f.Write(buf); err != nil {
			buf = buf[:len(buf)/2]
		}
	}
}

// TestRealFullDiskKill9 runs a store on a real 8 MiB tmpfs in another
// process: it fills the disk until new data is refused, then deletes,
// lists and aborts on the full disk, and is killed with SIGKILL. The
// store must reopen (also with the disk filled to the last byte) with
// every acknowledged object intact, and accept new data once space is
// freed.
func TestRealFullDiskKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process; skipped with -short")
	}
	root := mountTmpfs(t, "8m")
	dir := filepath.Join(root, "store")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fullEnv+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	hard := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer hard.Stop()
	acked := map[string]int{} // key: step of its body
	ready := false
	sc := bufio.NewScanner(out)
	for !ready && sc.Scan() {
		var verb, key string
		var i int
		fmt.Sscanf(sc.Text(), "%s %s %d", &verb, &key, &i)
		switch verb {
		case "put":
			acked[key] = i
		case "del":
			delete(acked, key)
		case "ready":
			ready = true
		default:
			cmd.Process.Kill()
			t.Fatalf("child: %s", sc.Text())
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if !ready {
		t.Fatal("the child died before it was ready")
	}
	if len(acked) < 10 {
		t.Fatalf("only %d objects acknowledged before the disk was full", len(acked))
	}
	t.Logf("%d objects acknowledged, then refused; killed after deletes, a listing and an abort on the full disk", len(acked))

	pool := newCrashPool()
	extra := fullState{} // written by this process
	check := func(s *Store) {
		t.Helper()
		want := maps.Clone(extra)
		for key, i := range acked {
			want[key] = pool.data(int64(i), fullSize(i))
		}
		want.check(t, s)
	}
	// Fill the disk to the last byte: Open must still succeed.
	fillFS(t, filepath.Join(root, "filler"))
	s, err := Open(context.Background(), dir, Options{Logger: quiet})
	if err != nil {
		t.Fatalf("reopen on a full disk after kill -9: %v", err)
	}
	check(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "filler")); err != nil {
		t.Fatal(err)
	}

	s, err = Open(context.Background(), dir, Options{Logger: quiet})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer s.Close()
	check(s)
	checkNoLeftovers(t, s)
	ctx := context.Background()
	// Still full (the deletes freed less than twice the reserve): free
	// more, and new data is accepted again.
	var big []string
	for key, i := range acked {
		if fullSize(i) > DefaultInlineMax {
			big = append(big, key)
		}
	}
	slices.Sort(big)
	for _, key := range big[:len(big)/2] {
		if err := s.DeleteObject(ctx, "b", key); err != nil {
			t.Fatalf("delete %s: %v", key, err)
		}
		delete(acked, key)
	}
	data := pool.data(-1, 300<<10)
	if _, err := s.PutObject(ctx, "b", "after", bytes.NewReader(data), storage.PutOptions{}); err != nil {
		t.Fatalf("PUT after freeing space: %v", err)
	}
	extra["after"] = data
	check(s)
}

// TestMergedListingMatchesFolded lists a bucket whose logged changes
// cannot be folded into the index (no room) and checks every page
// against the listing of the same bucket once they are folded in.
func TestMergedListingMatchesFolded(t *testing.T) {
	ctx := context.Background()
	var d fullDisk
	s := openWith(t, t.TempDir(), func(o *Options) { o.fault = d.fault; o.Reserve = -1 })
	defer s.Close()
	for _, b := range []string{"a", "b", "c"} {
		if err := s.CreateBucket(ctx, b, storage.CreateBucketOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	put := func(key, body string) {
		t.Helper()
		if _, err := s.PutObject(ctx, "b", key, strings.NewReader(body), storage.PutOptions{}); err != nil {
			t.Fatalf("put %s: %v", key, err)
		}
	}
	for _, k := range []string{"a", "c", "d/1", "d/2", "e", "g", "x/y/z"} {
		put(k, "index "+k)
		mustPutIn(t, s, "a", k) // neighbours whose logged changes must not leak in
	}
	if _, err := s.ListObjects(ctx, "b", storage.ListOptions{}); err != nil { // folds
		t.Fatal(err)
	}
	d.released.Store(true) // log appends work, index commits do not
	d.indexNeedsMore.Store(true)
	d.full.Store(true)
	for _, k := range []string{"b", "d/3", "e", "f", "x/a"} {
		put(k, "logged "+k)
	}
	for _, k := range []string{"a", "c", "d/1", "g", "nothing"} {
		if err := s.DeleteObject(ctx, "b", k); err != nil {
			t.Fatal(err)
		}
	}
	mustPutIn(t, s, "c", "b")
	opts := []storage.ListOptions{
		{}, {MaxKeys: 1}, {MaxKeys: 2}, {Delimiter: "/"}, {Delimiter: "/", MaxKeys: 1},
		{Prefix: "d/"}, {Prefix: "x/", Delimiter: "/"}, {After: "c"}, {After: "d/"}, {Prefix: "zz"},
	}
	pages := func() []string {
		var out []string
		for _, o := range opts {
			for {
				res, err := s.ListObjects(ctx, "b", o)
				if err != nil {
					t.Fatalf("list %+v: %v", o, err)
				}
				for _, obj := range res.Objects {
					out = append(out, fmt.Sprintf("%+v %s %d %s", o, obj.Key, obj.Size, obj.ETag))
				}
				out = append(out, fmt.Sprintf("%+v prefixes %v truncated %v", o, res.CommonPrefixes, res.IsTruncated))
				if !res.IsTruncated {
					break
				}
				o.After = res.NextAfter
			}
		}
		return out
	}
	merged := pages()
	if s.ov.len() == 0 && !s.ov.hasOld() {
		t.Fatal("the logged changes were folded in: the merged listing was not tested")
	}
	d.full.Store(false)
	folded := pages()
	if s.ov.has("b") {
		t.Fatal("the logged changes were not folded in")
	}
	if strings.Join(merged, "\n") != strings.Join(folded, "\n") {
		t.Fatalf("merged listing:\n%s\nfolded listing:\n%s", strings.Join(merged, "\n"), strings.Join(folded, "\n"))
	}
}

func mustPutIn(t *testing.T, s *Store, bucket, key string) {
	t.Helper()
	if _, err := s.PutObject(context.Background(), bucket, key, strings.NewReader("other"), storage.PutOptions{}); err != nil {
		t.Fatalf("put %s/%s: %v", bucket, key, err)
	}
}
