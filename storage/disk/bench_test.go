package disk

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3kit/s3kit/storage"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/sync/errgroup"
)

// benchClients is the number of concurrent callers the server's speed
// targets (BENCHMARKS.md) are stated for.
const benchClients = 16

func parallelism() int {
	p := runtime.GOMAXPROCS(0)
	return (benchClients + p - 1) / p
}

func benchStore(b *testing.B, opts Options) *Store {
	b.Helper()
	opts.Logger = quiet
	s, err := Open(context.Background(), b.TempDir(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.CreateBucket(context.Background(), "b", storage.CreateBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkPutObject4KiB16 is 16 concurrent durable 4 KiB PUTs.
func BenchmarkPutObject4KiB16(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts Options
	}{
		{"inline", Options{}},            // write-ahead log, one fdatasync per group
		{"file", Options{InlineMax: -1}}, // own file + fsync + dir fsync + bbolt commit
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := benchStore(b, bc.opts)
			body := bytes.Repeat([]byte("s3kit!!!"), 512)
			var n atomic.Int64
			b.SetBytes(int64(len(body)))
			b.SetParallelism(parallelism())
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					key := "k/" + strconv.FormatInt(n.Add(1), 10)
					if _, err := s.PutObject(ctx, "b", key, bytes.NewReader(body), storage.PutOptions{}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkGetObject4KiB16 is 16 concurrent GETs of 4 KiB objects, read
// to the end.
func BenchmarkGetObject4KiB16(b *testing.B) {
	s := benchStore(b, Options{})
	ctx := context.Background()
	body := bytes.Repeat([]byte("s3kit!!!"), 512)
	const keys = 1000
	fill(b, keys, func(i int) error {
		_, err := s.PutObject(ctx, "b", fmt.Sprintf("k/%d", i), bytes.NewReader(body), storage.PutOptions{})
		return err
	})
	var n atomic.Int64
	b.SetBytes(int64(len(body)))
	b.SetParallelism(parallelism())
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		buf := make([]byte, 8192)
		for pb.Next() {
			o, err := s.GetObject(ctx, "b", fmt.Sprintf("k/%d", n.Add(1)%keys))
			if err != nil {
				b.Error(err)
				return
			}
			m, _ := io.ReadFull(o.Content, buf)
			o.Content.Close()
			if m != len(body) {
				b.Errorf("read %d bytes", m)
				return
			}
		}
	})
}

// fill runs put for 0..n-1 from benchClients goroutines, so setup enjoys
// group commit too.
func fill(b *testing.B, n int, put func(i int) error) {
	b.Helper()
	var next atomic.Int64
	var g errgroup.Group
	for w := 0; w < benchClients; w++ {
		g.Go(func() error {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := put(i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
}

// patternReader yields n bytes without holding them in memory.
type patternReader struct{ left int64 }

func (r *patternReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	for i := range p {
		p[i] = byte(i)
	}
	r.left -= int64(len(p))
	return len(p), nil
}

// benchAsked reports whether -test.bench names this benchmark explicitly,
// for benchmarks too heavy to run with -bench=. .
func benchAsked(name string) bool {
	f := flag.Lookup("test.bench")
	return f != nil && strings.Contains(f.Value.String(), name)
}

// BenchmarkPutObject1GiB streams a 1 GiB body into the store (fsynced) and
// reports the peak RSS of the process. Runs only when asked by name:
// -bench=PutObject1GiB.
func BenchmarkPutObject1GiB(b *testing.B) {
	if !benchAsked("1GiB") {
		b.Skip("1 GiB benchmark: run with -bench=PutObject1GiB")
	}
	s := benchStore(b, Options{})
	b.SetBytes(1 << 30)
	for i := 0; i < b.N; i++ {
		if _, err := s.PutObject(context.Background(), "b", "big", &patternReader{left: 1 << 30}, storage.PutOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(peakRSSMiB(), "peakRSS-MiB")
}

// peakRSSMiB reads the process's high-water RSS from /proc.
func peakRSSMiB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return -1
}

// BenchmarkListObjects1000 lists a page of 1,000 keys starting mid-bucket
// in a bucket of 1,000 keys and of 1,000,000 keys. The big bucket is built
// with direct batched index inserts and cached under the system temp dir
// (S3KIT_BENCH_CACHE overrides) so later runs skip the build.
func BenchmarkListObjects1000(b *testing.B) {
	for _, n := range []int{1000, 1000000} {
		b.Run(fmt.Sprintf("bucket=%d", n), func(b *testing.B) {
			s := listBucket(b, n)
			ctx := context.Background()
			after := benchKey(n/2 - 500)
			if n == 1000 {
				after = ""
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := s.ListObjects(ctx, "b", storage.ListOptions{After: after, MaxKeys: 1000})
				if err != nil || len(res.Objects) != 1000 {
					b.Fatalf("ListObjects = %d objects, %v", len(res.Objects), err)
				}
			}
		})
	}
}

func benchKey(i int) string { return fmt.Sprintf("data/%03d/object-%08d.bin", i%1000, i) }

// listBucket opens a store whose bucket "b" holds n small inline objects.
func listBucket(b *testing.B, n int) *Store {
	b.Helper()
	dir := b.TempDir()
	if n >= 100000 {
		root := os.Getenv("S3KIT_BENCH_CACHE")
		if root == "" {
			root = os.TempDir()
		}
		dir = filepath.Join(root, fmt.Sprintf("s3kit-bench-list-%d-v2", n))
	}
	s, err := Open(context.Background(), dir, Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.HeadBucket(context.Background(), "b"); err == nil {
		return s // cached
	}
	if err := s.CreateBucket(context.Background(), "b", storage.CreateBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	rec := objRecord{Size: 5, ETag: `"5d41402abc4b2a76b9719d911017c592"`, Mod: 1700000000e9}
	val := encodeObject(&rec, []byte("hello"))
	const batch = 50000
	for start := 0; start < n; start += batch {
		err := s.db.Update(func(tx *bolt.Tx) error {
			objs := tx.Bucket(bktBuckets).Bucket([]byte("b")).Bucket(bktObjects)
			objs.FillPercent = 0.9
			for i := start; i < start+batch && i < n; i++ {
				if err := objs.Put([]byte(benchKey(i)), val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkGetObject256MiB reads a 256 MiB object (already in the page
// cache) through Content.WriteTo into /dev/null.
func BenchmarkGetObject256MiB(b *testing.B) {
	s := benchStore(b, Options{})
	ctx := context.Background()
	const size = 256 << 20
	if _, err := s.PutObject(ctx, "b", "big", &patternReader{left: size}, storage.PutOptions{}); err != nil {
		b.Fatal(err)
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer null.Close()
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o, err := s.GetObject(ctx, "b", "big")
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(null, o.Content)
		o.Content.Close()
		if err != nil || n != size {
			b.Fatalf("copied %d, %v", n, err)
		}
	}
}

// BenchmarkListFirstPageAfterBurst measures what `s3kit ls` waits for right
// after a burst of small writes: 100,000 empty objects PUT by 16 writers
// (most still in the write-ahead log), then the first 1,000-key page. Only
// the listing is timed. Run with -benchtime=1x; each iteration fills a
// fresh store (about 3 s).
func BenchmarkListFirstPageAfterBurst(b *testing.B) {
	const n, writers = 100000, 16
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(ctx, b.TempDir(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.CreateBucket(ctx, "list", storage.CreateBucketOptions{}); err != nil {
			b.Fatal(err)
		}
		var g errgroup.Group
		for w := 0; w < writers; w++ {
			g.Go(func() error {
				for k := w; k < n; k += writers {
					if _, err := s.PutObject(ctx, "list", fmt.Sprintf("k/%08d", k), bytes.NewReader(nil), storage.PutOptions{}); err != nil {
						return err
					}
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		r, err := s.ListObjects(ctx, "list", storage.ListOptions{Prefix: "k/"})
		b.StopTimer()
		if err != nil || len(r.Objects) != 1000 {
			b.Fatalf("first page: %d keys, %v", len(r.Objects), err)
		}
		s.Close()
	}
}

// BenchmarkPinExtents is what a GET of a 1,280-part object (10 GiB in
// 8 MiB parts) pays to pin and unpin its extents.
func BenchmarkPinExtents(b *testing.B) {
	s := benchStore(b, Options{})
	xs := make([]extent, 1280)
	for i := range xs {
		xs[i] = extent{ID: fmt.Sprintf("%032x", i), Size: 8 << 20}
	}
	b.ReportAllocs()
	for b.Loop() {
		c, err := s.openExtents(xs, s.pins.gen())
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

// BenchmarkPutDurable4KiB is durable 4 KiB PUTs from 1, 8 and 64
// concurrent callers, each to a new key. It reports throughput (ops/s)
// and per-PUT latency percentiles.
func BenchmarkPutDurable4KiB(b *testing.B) {
	for _, conc := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("c%d", conc), func(b *testing.B) {
			benchPuts(b, benchStore(b, Options{}), conc)
		})
	}
}

// benchPuts runs b.N PUTs of 4 KiB from conc goroutines and reports
// ops/s and the p50 and p99 latency.
func benchPuts(b *testing.B, s *Store, conc int) {
	body := bytes.Repeat([]byte("s3kit!!!"), 512)
	lat := make([][]time.Duration, conc)
	var next atomic.Int64
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	start := time.Now()
	var g errgroup.Group
	for w := range conc {
		g.Go(func() error {
			ctx := context.Background()
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				t0 := time.Now()
				if _, err := s.PutObject(ctx, "b", "k/"+strconv.FormatInt(i, 10), bytes.NewReader(body), storage.PutOptions{}); err != nil {
					return err
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkListVersioned1000 lists a page of 1,000 current objects from
// mid-bucket in two buckets of the same store holding the same 2,000 keys:
// "u" unversioned, "v" with versioning enabled and 10 versions per key.
// The two listings alternate within each iteration, so both see the same
// machine load, and the ratio (versioned/unversioned) is reported.
func BenchmarkListVersioned1000(b *testing.B) {
	s := benchStore(b, Options{})
	ctx := context.Background()
	const keys = 2000
	if err := s.CreateBucket(ctx, "u", storage.CreateBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	if err := s.CreateBucket(ctx, "v", storage.CreateBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	if err := s.PutBucketVersioning(ctx, "v", storage.Enabled); err != nil {
		b.Fatal(err)
	}
	var g errgroup.Group
	g.SetLimit(benchClients)
	for round := 0; round < 10; round++ {
		for i := 0; i < keys; i++ {
			g.Go(func() error {
				if round == 0 {
					if _, err := s.PutObject(ctx, "u", fmt.Sprintf("k%06d", i), strings.NewReader("hello"), storage.PutOptions{}); err != nil {
						return err
					}
				}
				_, err := s.PutObject(ctx, "v", fmt.Sprintf("k%06d", i), strings.NewReader("hello"), storage.PutOptions{})
				return err
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	after := fmt.Sprintf("k%06d", keys/2-500)
	list := func(bucket string) time.Duration {
		start := time.Now()
		res, err := s.ListObjects(ctx, bucket, storage.ListOptions{After: after, MaxKeys: 1000})
		if err != nil || len(res.Objects) != 1000 {
			b.Fatalf("ListObjects(%s) = %d objects, %v", bucket, len(res.Objects), err)
		}
		return time.Since(start)
	}
	var tu, tv time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			tu += list("u")
			tv += list("v")
		} else {
			tv += list("v")
			tu += list("u")
		}
	}
	b.ReportMetric(float64(tu.Nanoseconds())/float64(b.N), "unversioned-ns/page")
	b.ReportMetric(float64(tv.Nanoseconds())/float64(b.N), "versioned-ns/page")
	b.ReportMetric(float64(tv)/float64(tu), "ratio")
}

// BenchmarkListVersionsDeepKey pages through one key's 10,000 versions
// 1,000 at a time, first page and a page from the middle of its history
// (version-id-marker), which should cost about the same: a page seeks to
// its marker instead of walking the versions before it.
func BenchmarkListVersionsDeepKey(b *testing.B) {
	s := benchStore(b, Options{})
	ctx := context.Background()
	if err := s.PutBucketVersioning(ctx, "b", storage.Enabled); err != nil {
		b.Fatal(err)
	}
	var g errgroup.Group
	g.SetLimit(benchClients)
	for i := 0; i < 10000; i++ {
		g.Go(func() error {
			_, err := s.PutObject(ctx, "b", "deep", strings.NewReader("v"), storage.PutOptions{})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	mid, err := s.ListObjectVersions(ctx, "b", storage.ListVersionsOptions{MaxKeys: 5000})
	if err != nil || !mid.IsTruncated {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts storage.ListVersionsOptions
	}{
		{"first", storage.ListVersionsOptions{MaxKeys: 1000}},
		{"middle", storage.ListVersionsOptions{MaxKeys: 1000, KeyMarker: mid.NextKeyMarker, VersionIDMarker: mid.NextVersionIDMarker}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res, err := s.ListObjectVersions(ctx, "b", tc.opts)
				if err != nil || len(res.Versions) != 1000 {
					b.Fatalf("%d versions, %v", len(res.Versions), err)
				}
			}
		})
	}
}
