// Package storagecmp measures s3kit's storage engines against gofakes3's
// in-memory backend at the backend level (no HTTP), in one run, so the
// ratios between them come from the same machine state.
package storagecmp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/disk"
	"github.com/s3kit/s3kit/storage/mem"
)

const clients = 16

// backend is the two operations measured, for each engine.
type backend struct {
	put func(key string, body []byte) error
	get func(key string) (int, error)
}

func s3kitBackend(b storage.Backend) backend {
	ctx := context.Background()
	return backend{
		put: func(key string, body []byte) error {
			_, err := b.PutObject(ctx, "b", key, bytes.NewReader(body), storage.PutOptions{})
			return err
		},
		get: func(key string) (int, error) {
			o, err := b.GetObject(ctx, "b", key)
			if err != nil {
				return 0, err
			}
			defer o.Content.Close()
			n, err := io.Copy(io.Discard, o.Content)
			return int(n), err
		},
	}
}

func engines(b *testing.B) map[string]backend {
	ctx := context.Background()
	d, err := disk.Open(ctx, b.TempDir(), disk.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	m := mem.New(mem.Options{})
	for _, s := range []storage.Backend{d, m} {
		if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	g := s3mem.New()
	if err := g.CreateBucket("b"); err != nil {
		b.Fatal(err)
	}
	return map[string]backend{
		"s3kit-disk-fsync": s3kitBackend(d),
		"s3kit-mem":        s3kitBackend(m),
		"gofakes3-s3mem": {
			put: func(key string, body []byte) error {
				_, err := g.PutObject("b", key, map[string]string{}, bytes.NewReader(body), int64(len(body)), nil)
				return err
			},
			get: func(key string) (int, error) {
				o, err := g.GetObject("b", key, nil)
				if err != nil {
					return 0, err
				}
				defer o.Contents.Close()
				n, err := io.Copy(io.Discard, o.Contents)
				return int(n), err
			},
		},
	}
}

var order = []string{"gofakes3-s3mem", "s3kit-mem", "s3kit-disk-fsync"}

func parallel(b *testing.B, fn func(i int64) error) {
	var n atomic.Int64
	p := runtime.GOMAXPROCS(0)
	b.SetParallelism((clients + p - 1) / p)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := fn(n.Add(1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkPut4KiB is 16 concurrent 4 KiB PUTs per engine.
func BenchmarkPut4KiB(b *testing.B) {
	body := bytes.Repeat([]byte("s3kit!!!"), 512)
	for _, name := range order {
		b.Run(name, func(b *testing.B) {
			e := engines(b)[name]
			parallel(b, func(i int64) error { return e.put(fmt.Sprintf("k/%d", i), body) })
		})
	}
}

// BenchmarkGet4KiB is 16 concurrent 4 KiB GETs per engine.
func BenchmarkGet4KiB(b *testing.B) {
	body := bytes.Repeat([]byte("s3kit!!!"), 512)
	const keys = 1000
	for _, name := range order {
		b.Run(name, func(b *testing.B) {
			e := engines(b)[name]
			var next atomic.Int64
			var wg sync.WaitGroup
			errs := make(chan error, clients)
			for w := 0; w < clients; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1) - 1; i < keys; i = next.Add(1) - 1 {
						if err := e.put(fmt.Sprintf("k/%d", i), body); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			parallel(b, func(i int64) error {
				n, err := e.get(fmt.Sprintf("k/%d", i%keys))
				if err == nil && n != len(body) {
					err = fmt.Errorf("read %d bytes", n)
				}
				return err
			})
		})
	}
}
