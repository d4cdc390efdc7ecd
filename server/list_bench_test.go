package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/sigv4"
	"github.com/s3kit/s3kit/storage"
)

// BenchmarkListPage1000 fetches one signed ListObjectsV2 page of 1,000
// empty objects from a disk-backed server over loopback, the request
// bench/loadgen's listall repeats; the client only reads the body, so the
// CPU profile is mostly the server's.
func BenchmarkListPage1000(b *testing.B) {
	srv := s3test.NewServer(b, s3test.WithDisk())
	ctx := context.Background()
	if err := srv.Backend.CreateBucket(ctx, "list", storage.CreateBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		if _, err := srv.Backend.PutObject(ctx, "list", fmt.Sprintf("k/%08d", i), bytes.NewReader(nil), storage.PutOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	signer := sigv4.NewSigner()
	client := &http.Client{}
	var size int64
	get := func() {
		req, _ := http.NewRequest("GET", srv.URL+"/list?list-type=2&prefix=k%2F", nil)
		if _, err := signer.Sign(req, sigv4.SignInput{Credentials: srv.Credentials(), Service: "s3", Region: srv.Region, Time: time.Now(), PayloadHash: sigv4.EmptyPayloadHash}); err != nil {
			b.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		size, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("list: %d", resp.StatusCode)
		}
	}
	get()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		get()
	}
	b.ReportMetric(float64(size), "bytes/page")
}
