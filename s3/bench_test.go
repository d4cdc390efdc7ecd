package s3

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"testing"

	"github.com/s3kit/s3kit/s3test"
)

func benchClient(b *testing.B, provider string) (*Client, string) {
	b.Helper()
	srv := s3test.NewServer(b)
	sess, err := NewSession(context.Background(), WithCredentials(srv.AccessKeyID, srv.SecretAccessKey, ""),
		WithRegion(srv.Region), WithEnv(envMap(nil), b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	c, err := sess.Client(WithEndpointURL(srv.URL), WithProvider(provider))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.CreateBucket(context.Background(), &CreateBucketInput{Bucket: "bench"}); err != nil {
		b.Fatal(err)
	}
	return c, "bench"
}

// BenchmarkClient measures one client's request path against an
// in-process s3test server: payload modes for uploads, and streaming GETs.
func BenchmarkClient(b *testing.B) {
	ctx := context.Background()
	for _, size := range []int{64 << 10, 8 << 20} {
		data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
		for _, mode := range []struct {
			name, provider string
			body           func() io.Reader
		}{
			{"seekable-crc32-header", "s3kit", func() io.Reader { return bytes.NewReader(data) }},
			{"stream-chunked-trailer", "s3kit", func() io.Reader { return io.MultiReader(bytes.NewReader(data)) }},
			{"seekable-no-checksum", "unknown", func() io.Reader { return bytes.NewReader(data) }},
		} {
			b.Run(fmt.Sprintf("Put/%dKiB/%s", size>>10, mode.name), func(b *testing.B) {
				c, bucket := benchClient(b, mode.provider)
				b.SetBytes(int64(size))
				for i := 0; b.Loop(); i++ {
					_, err := c.PutObject(ctx, &PutObjectInput{Bucket: bucket, Key: strconv.Itoa(i % 16), Body: mode.body(), ContentLength: int64(size)})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(fmt.Sprintf("Get/%dKiB/verify-crc32", size>>10), func(b *testing.B) {
			c, bucket := benchClient(b, "s3kit")
			if _, err := c.PutObject(ctx, &PutObjectInput{Bucket: bucket, Key: "obj", Body: bytes.NewReader(data)}); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(size))
			for b.Loop() {
				out, err := c.GetObject(ctx, &GetObjectInput{Bucket: bucket, Key: "obj"})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, out.Body); err != nil {
					b.Fatal(err)
				}
				out.Body.Close()
			}
		})
	}
}
