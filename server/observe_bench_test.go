package server_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/sigv4"
	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/mem"
)

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// discardWriter is a ResponseWriter that keeps nothing, so a benchmark
// measures the server's own CPU per request, not a network stack's.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkObserve4KiBGet is the server CPU of one signed 4 KiB GET,
// handled in process, without instrumentation, with the metrics, with
// the access log (JSON lines appended to a file in batches, as serve
// writes them) and with both; the difference is what the instrumentation costs per
// request.
func BenchmarkObserve4KiBGet(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
	key := server.Key{AccessKeyID: "AKIABENCH00000000000", Secret: "bench-secret-0123456789abcdefghijklmnopqr"}
	backend := mem.New(mem.Options{})
	if err := backend.CreateBucket(ctx, "bkt", storage.CreateBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	if _, err := backend.PutObject(ctx, "bkt", "obj", bytes.NewReader(bytes.Repeat([]byte("x"), 4<<10)), storage.PutOptions{}); err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:9000/bkt/obj", nil)
	req.RemoteAddr = "127.0.0.1:40000"
	if _, err := sigv4.NewSigner().Sign(req, sigv4.SignInput{Credentials: sigv4.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.Secret},
		Service: "s3", Region: server.DefaultRegion, Time: now, PayloadHash: sigv4.EmptyPayloadHash}); err != nil {
		b.Fatal(err)
	}
	accessLog := func(b *testing.B) io.Writer {
		f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
		if err != nil {
			b.Fatal(err)
		}
		// serve writes the lines in batches of up to 32 KiB (one write
		// per batch, not per line); bufio does the same here.
		w := bufio.NewWriterSize(f, 32<<10)
		b.Cleanup(func() { w.Flush(); f.Close() })
		return w
	}
	for _, tc := range []struct {
		name          string
		metrics, logs bool
	}{{"plain", false, false}, {"metrics", true, false}, {"accesslog", false, true}, {"both", true, true}} {
		b.Run(tc.name, func(b *testing.B) {
			cfg := server.Config{Backend: backend, Keys: server.NewStaticKeys(key), Now: func() time.Time { return now }, Metrics: tc.metrics}
			if tc.logs {
				cfg.AccessLog = accessLog(b)
			}
			srv := server.New(cfg)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				clear(w.h)
				srv.ServeHTTP(w, req)
			}
			// Process CPU (user and system) per request: other processes
			// on a shared machine stretch the wall time, not this.
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
