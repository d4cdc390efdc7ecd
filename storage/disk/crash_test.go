package disk

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/s3kit/s3kit/storage"
	bolt "go.etcd.io/bbolt"
)

// crashEnv makes the test binary act as the crash test's writer process;
// with crashVersionedEnv set too, its bucket has versioning enabled.
const (
	crashEnv          = "S3KIT_DISK_CRASH_CHILD"
	crashVersionedEnv = "S3KIT_DISK_CRASH_VERSIONED"
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(crashEnv); spec != "" {
		crashChild(spec)
		return
	}
	if dir := os.Getenv(fullEnv); dir != "" {
		fullChild(dir)
		return
	}
	os.Exit(m.Run())
}

const (
	crashBucket  = "crash"
	crashWorkers = 4
	crashKeys    = 6 // per worker
)

// crashSizes mixes inline, just-over-inline, file and multipart bodies.
var crashSizes = []int{0, 100, 4096, 4096, DefaultInlineMax, DefaultInlineMax + 1, 300 << 10, 1 << 20, storage.MinPartSize + 1000}

// crashPool is a block of pseudo-random bytes that bodies are cut from.
type crashPool []byte

func newCrashPool() crashPool {
	b := make([]byte, 256<<10)
	x := uint64(0x5eed)
	for i := 0; i < len(b); i += 8 {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		binary.LittleEndian.PutUint64(b[i:], z^(z>>31))
	}
	return b
}

// data is the body for seed: the pool read cyclically from an offset
// derived from seed, so bodies of different operations differ and can be
// regenerated cheaply (a few memmoves, fast even under -race).
func (p crashPool) data(seed int64, size int) []byte {
	b := make([]byte, size)
	off := p.start(seed)
	for n := 0; n < size; {
		n += copy(b[n:], p[off:])
		off = 0
	}
	return b
}

func (p crashPool) start(seed int64) int {
	return int((uint64(seed) * 0x9e3779b97f4a7c15) >> 40 % uint64(len(p)))
}

// matches reports whether r holds exactly the size bytes of seed's body,
// comparing chunk by chunk against the pool without building the body.
func (p crashPool) matches(r io.ReaderAt, seed int64, size int) (bool, error) {
	buf := make([]byte, 64<<10)
	off := p.start(seed)
	for at := 0; at < size; {
		n := min(len(buf), size-at, len(p)-off)
		if _, err := r.ReadAt(buf[:n], int64(at)); err != nil {
			return false, err
		}
		if !bytes.Equal(buf[:n], p[off:off+n]) {
			return false, nil
		}
		at += n
		off = (off + n) % len(p)
	}
	return true, nil
}

// crashChild writes until it is killed. Each operation is announced with
// "begin" before it starts and "ok" once acknowledged: a line
// "ok KEY SEED SIZE" (SIZE -1 for a delete) means the store returned
// success for it.
func crashChild(spec string) {
	var dir string
	var round int
	fmt.Sscanf(spec, "%d %s", &round, &dir)
	// Checkpoint every few logged writes, so kills land in and around
	// background checkpoints and log file switches too.
	ctx := context.Background()
	s, err := Open(ctx, dir, Options{logMaxEntries: 3})
	if err != nil {
		fmt.Println("fatal", err)
		os.Exit(2)
	}
	if err := s.CreateBucket(ctx, crashBucket, storage.CreateBucketOptions{}); err != nil && !errors.Is(err, storage.ErrBucketExists) {
		fmt.Println("fatal", err)
		os.Exit(2)
	}
	if os.Getenv(crashVersionedEnv) != "" {
		if err := s.PutBucketVersioning(ctx, crashBucket, storage.Enabled); err != nil {
			fmt.Println("fatal", err)
			os.Exit(2)
		}
	}
	pool := newCrashPool()
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, format+"\n", args...)
	}
	var wg sync.WaitGroup
	for w := 0; w < crashWorkers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(round*100 + w)))
			for i := 0; ; i++ {
				key := fmt.Sprintf("w%d/k%d", w, rng.Intn(crashKeys))
				seed := int64(round)<<40 | int64(w)<<32 | int64(i)
				size := crashSizes[rng.Intn(len(crashSizes))]
				if rng.Intn(10) == 0 {
					size = -1
				}
				say("begin %s %d %d", key, seed, size)
				if err := crashOp(ctx, s, pool, key, seed, size); err != nil {
					say("fatal %s: %v", key, err)
					os.Exit(2)
				}
				say("ok %s %d %d", key, seed, size)
			}
		}(w)
	}
	wg.Wait()
}

func crashOp(ctx context.Context, s *Store, pool crashPool, key string, seed int64, size int) error {
	if size < 0 {
		return s.DeleteObject(ctx, crashBucket, key)
	}
	data := pool.data(seed, size)
	if size <= storage.MinPartSize {
		_, err := s.PutObject(ctx, crashBucket, key, bytes.NewReader(data), storage.PutOptions{})
		return err
	}
	u, err := s.CreateMultipartUpload(ctx, crashBucket, key, storage.ObjectMeta{})
	if err != nil {
		return err
	}
	var parts []storage.CompletePart
	for n, chunk := range [][]byte{data[:storage.MinPartSize], data[storage.MinPartSize:]} {
		p, err := s.UploadPart(ctx, crashBucket, key, u.UploadID, n+1, bytes.NewReader(chunk), storage.PartOptions{})
		if err != nil {
			return err
		}
		parts = append(parts, storage.CompletePart{PartNumber: n + 1, ETag: p.ETag})
	}
	_, err = s.CompleteMultipartUpload(ctx, crashBucket, key, u.UploadID, parts, storage.CompleteOptions{})
	return err
}

// version is one state a key can be in: a body (seed, size) or deleted.
type version struct {
	seed int64
	size int // -1: deleted or never written
}

// keyState is what the parent knows about a key: its last acknowledged
// version and, if an operation was under way when the child died, the
// version that operation would have produced.
type keyState struct {
	acked   version
	pending *version
	// ops counts acknowledged operations and maybe those in flight at a
	// kill: in a versioned bucket each adds one version or marker.
	ops, maybe int
}

// TestCrashKill9 runs a writer process, SIGKILLs it mid-stream, reopens the
// store and checks that every acknowledged write survived byte for byte,
// that no torn or mixed object is visible, and that no unreferenced
// content file is left. It does this for several rounds on one directory.
func TestCrashKill9(t *testing.T) {
	crashKill9(t, false)
}

// TestCrashKill9Versioned is TestCrashKill9 in a bucket with versioning
// enabled: every acknowledged write and delete must also survive as a
// version or delete marker, and noncurrent versions' content files are
// accounted for like current ones.
func TestCrashKill9Versioned(t *testing.T) {
	crashKill9(t, true)
}

func crashKill9(t *testing.T, versioned bool) {
	if testing.Short() {
		t.Skip("crash test starts processes; skipped with -short")
	}
	if versioned {
		t.Setenv(crashVersionedEnv, "1")
	}
	dir := t.TempDir()
	state := map[string]*keyState{}
	for w := 0; w < crashWorkers; w++ {
		for k := 0; k < crashKeys; k++ {
			state[fmt.Sprintf("w%d/k%d", w, k)] = &keyState{acked: version{size: -1}}
		}
	}
	for round := 1; round <= 3; round++ {
		start := time.Now()
		acks := runAndKill(t, dir, round, state)
		killed := time.Since(start)
		// A stray file as a half-written upload would leave it.
		stray := filepath.Join(dir, "data", "00000000000000000000000000000000")
		if err := os.WriteFile(stray, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(context.Background(), dir, Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		verifyCrashState(t, s, state)
		if versioned {
			verifyCrashVersions(t, s, state)
		}
		checkNoLeftovers(t, s)
		if _, err := os.Stat(stray); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("round %d: stray content file survived Open", round)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: %d acknowledged operations verified (writer ran %v, total %v)", round, acks, killed.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	}
}

// runAndKill starts the writer and SIGKILLs it once it has made some
// progress, recording every announcement in state.
func runAndKill(t *testing.T, dir string, round int, state map[string]*keyState) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %s", crashEnv, round, dir))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill after a few dozen acknowledgements, or after fewer on a slow
	// (loaded, -race) machine; a hard timeout bounds the round.
	killAt := 15 + rand.New(rand.NewSource(int64(round))).Intn(25)
	var late atomic.Bool
	soft := time.AfterFunc(2500*time.Millisecond, func() { late.Store(true) })
	defer soft.Stop()
	hard := time.AfterFunc(8*time.Second, func() { cmd.Process.Signal(syscall.SIGKILL) })
	defer hard.Stop()
	acks := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var verb, key string
		var v version
		if _, err := fmt.Sscanf(sc.Text(), "%s %s %d %d", &verb, &key, &v.seed, &v.size); err != nil || verb == "fatal" {
			cmd.Process.Signal(syscall.SIGKILL)
			t.Fatalf("child: %s", sc.Text())
		}
		ks := state[key]
		switch verb {
		case "begin":
			ks.pending = &v
		case "ok":
			ks.acked, ks.pending = v, nil
			ks.ops++
			if acks++; acks == killAt || (late.Load() && acks >= 5) {
				cmd.Process.Signal(syscall.SIGKILL)
			}
		}
	}
	io.Copy(io.Discard, out)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want killed by SIGKILL", err)
	}
	if acks < 3 {
		t.Fatalf("child acknowledged only %d operations before being killed", acks)
	}
	return acks
}

// verifyCrashState checks each key holds its acknowledged version or the
// version of the operation in flight, byte for byte, and records which.
func verifyCrashState(t *testing.T, s *Store, state map[string]*keyState) {
	t.Helper()
	pool := newCrashPool()
	ctx := context.Background()
	listed := map[string]bool{}
	res, err := s.ListObjects(ctx, crashBucket, storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Objects {
		listed[o.Key] = true
	}
	for key, ks := range state {
		got := version{size: -1}
		o, err := s.GetObject(ctx, crashBucket, key)
		switch {
		case errors.Is(err, storage.ErrNoSuchKey):
		case err != nil:
			t.Fatalf("GetObject(%s): %v", key, err)
		default:
			got, err = matchVersion(pool, o, ks)
			if err != nil {
				t.Fatalf("read %s: %v", key, err)
			}
			if got.size < 0 {
				t.Fatalf("%s holds %d bytes matching neither the acknowledged version %+v nor the one in flight %+v: torn or lost write", key, o.Info.Size, ks.acked, ks.pending)
			}
			// The bytes matched through ReadAt; the stream must agree.
			n, err := io.Copy(io.Discard, o.Content)
			o.Content.Close()
			if err != nil || n != int64(got.size) {
				t.Fatalf("%s: Read yields %d bytes (%v), ReadAt matched %d", key, n, err, got.size)
			}
		}
		if got.size < 0 && !(ks.acked.size < 0 || (ks.pending != nil && ks.pending.size < 0)) {
			t.Fatalf("%s is gone, but its acknowledged version %+v was never deleted", key, ks.acked)
		}
		if listed[key] != (got.size >= 0) {
			t.Fatalf("%s: listed %v, readable %v", key, listed[key], got.size >= 0)
		}
		if ks.pending != nil {
			ks.maybe++
		}
		ks.acked, ks.pending = got, nil
	}
}

func matchVersion(pool crashPool, o *storage.Object, ks *keyState) (version, error) {
	for _, v := range []*version{&ks.acked, ks.pending} {
		if v == nil || v.size < 0 || int64(v.size) != o.Info.Size {
			continue
		}
		ok, err := pool.matches(o.Content, v.seed, v.size)
		if err != nil || ok {
			return *v, err
		}
	}
	return version{size: -1}, nil
}

// checkNoLeftovers checks that every file in data/ is referenced by the
// index, every referenced file exists, and reference counts match the
// records that hold them.
func checkNoLeftovers(t *testing.T, s *Store) {
	t.Helper()
	want := map[string]int64{}
	got := map[string]int64{}
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bktFiles).ForEach(func(k, v []byte) error {
			got[string(k)] = int64(binary.BigEndian.Uint64(v))
			return nil
		}); err != nil {
			return err
		}
		return tx.Bucket(bktBuckets).ForEachBucket(func(name []byte) error {
			b := tx.Bucket(bktBuckets).Bucket(name)
			for _, sub := range [][]byte{bktObjects, bktVersions} {
				if b.Bucket(sub) == nil {
					continue
				}
				if err := b.Bucket(sub).ForEach(func(k, v []byte) error {
					var r objRecord
					_, err := decodeObject(v, &r)
					for _, x := range r.Extents {
						want[x.ID]++
					}
					return err
				}); err != nil {
					return err
				}
			}
			return b.Bucket(bktParts).ForEach(func(k, v []byte) error {
				var p partRecord
				_, err := decodeValue(v, &p)
				want[p.File]++
				return err
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(want) != fmt.Sprint(got) {
		t.Fatalf("reference counts %v, records reference %v", got, want)
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Fatalf("data/ holds %d files, the index references %d: leftovers not cleaned", len(entries), len(want))
	}
	for _, e := range entries {
		if _, ok := want[e.Name()]; !ok {
			t.Fatalf("data/%s is not referenced by the index", e.Name())
		}
	}
}

// verifyCrashVersions checks each key of a versioned bucket has a version
// or marker for every acknowledged operation (and at most one more for
// each that was in flight at a kill).
func verifyCrashVersions(t *testing.T, s *Store, state map[string]*keyState) {
	t.Helper()
	res, err := s.ListObjectVersions(context.Background(), crashBucket, storage.ListVersionsOptions{MaxKeys: 1000})
	if err != nil || res.IsTruncated {
		t.Fatalf("ListObjectVersions: truncated %v, %v", res.IsTruncated, err)
	}
	n := map[string]int{}
	for _, v := range res.Versions {
		n[v.Key]++
	}
	for key, ks := range state {
		if n[key] < ks.ops || n[key] > ks.ops+ks.maybe {
			t.Fatalf("%s has %d versions and markers after %d acknowledged operations (%d in flight at kills)", key, n[key], ks.ops, ks.maybe)
		}
	}
}
