package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/sigv4"
)

// benchSmall measures signed 4 KiB PUTs or GETs over loopback with
// b.RunParallel (run with -cpu to set the client count).
func benchSmall(b *testing.B, get bool, opts ...s3test.Option) {
	srv := s3test.NewServer(b, opts...)
	signer := sigv4.NewSigner()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	body := bytes.Repeat([]byte("x"), 4<<10)
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	do := func(method, path string, payload []byte, ph string) {
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(payload))
		if _, err := signer.Sign(req, sigv4.SignInput{Credentials: srv.Credentials(), Service: "s3", Region: srv.Region, Time: time.Now(), PayloadHash: ph}); err != nil {
			b.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s %s: %d", method, path, resp.StatusCode)
		}
	}
	do("PUT", "/bench", nil, sigv4.EmptyPayloadHash)
	const keys = 256
	if get {
		for i := range keys {
			do("PUT", fmt.Sprintf("/bench/k%d", i), body, hash)
		}
	}
	var n atomic.Int64
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			path := fmt.Sprintf("/bench/k%d", n.Add(1)%keys)
			if get {
				do("GET", path, nil, sigv4.EmptyPayloadHash)
			} else {
				do("PUT", path, body, hash)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

func BenchmarkPut4KiBMem(b *testing.B)  { benchSmall(b, false) }
func BenchmarkGet4KiBMem(b *testing.B)  { benchSmall(b, true) }
func BenchmarkPut4KiBDisk(b *testing.B) { benchSmall(b, false, s3test.WithDisk()) }
func BenchmarkGet4KiBDisk(b *testing.B) { benchSmall(b, true, s3test.WithDisk()) }
