package sse_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"testing"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/mem"
	"github.com/s3kit/s3kit/storage/sse"
)

// BenchmarkSealedReadWrite measures sealing (PUT) and opening (GET,
// through io.Copy as the server sends a body) of a 64 MiB object in
// memory, unencrypted and SSE-S3 side by side, so the cost of the
// encryption itself shows without the disk or HTTP.
func BenchmarkSealedReadWrite(b *testing.B) {
	ctx := context.Background()
	s := sse.New(mem.New(mem.Options{}), sse.Options{})
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 64<<20)
	rand.Read(data)
	for _, tc := range []struct {
		name string
		enc  *storage.Encryption
	}{{"plain", nil}, {"sse-s3", &storage.Encryption{Algorithm: storage.SSEAlgorithmAES256}}} {
		b.Run("put/"+tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if _, err := s.PutObject(ctx, "b", tc.name, bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: tc.enc}}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("get/"+tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				o, err := s.GetObject(ctx, "b", tc.name)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, o.Content); err != nil {
					b.Fatal(err)
				}
				o.Content.Close()
			}
		})
	}
}
