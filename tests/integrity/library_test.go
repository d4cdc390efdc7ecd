package integrity

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/transfer"
)

const (
	partSize = 5 << 20
	bucket   = "integrity"
)

// uploadPath is one way the library uploads data to bucket/key.
type uploadPath struct {
	name string
	size int
	run  func(ctx context.Context, c *s3.Client, key string, data []byte) error
}

func uploadPaths(t *testing.T) []uploadPath {
	manager := func(c *s3.Client) *transfer.Manager {
		return transfer.New(c, transfer.Options{PartSize: partSize, Concurrency: 2})
	}
	return []uploadPath{
		{name: "PutObject/seekable", size: 200 << 10, run: func(ctx context.Context, c *s3.Client, key string, data []byte) error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: bytes.NewReader(data)})
			return err
		}},
		// Over smallBody: to s3kit on loopback this streams with a trailer.
		{name: "PutObject/large-seekable", size: 2 << 20, run: func(ctx context.Context, c *s3.Client, key string, data []byte) error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: bytes.NewReader(data)})
			return err
		}},
		{name: "PutObject/stream-known-length", size: 2 << 20, run: func(ctx context.Context, c *s3.Client, key string, data []byte) error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key,
				Body: io.MultiReader(bytes.NewReader(data)), ContentLength: int64(len(data))})
			return err
		}},
		{name: "PutObject/stream-unknown-length", size: 300 << 10, run: func(ctx context.Context, c *s3.Client, key string, data []byte) error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: io.MultiReader(bytes.NewReader(data))})
			return err
		}},
		{name: "UploadPart", size: partSize + 1<<20, run: func(ctx context.Context, c *s3.Client, key string, data []byte) error {
			idOut, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key})
			if err != nil {
				return err
			}
			id := idOut.UploadID
			var parts []s3.CompletedPart
			for n, off := 1, 0; off < len(data); n, off = n+1, off+partSize {
				chunk := data[off:min(off+partSize, len(data))]
				out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadID: id, PartNumber: n, Body: bytes.NewReader(chunk)})
				if err != nil {
					c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: bucket, Key: key, UploadID: id})
					return err
				}
				parts = append(parts, s3.CompletedPart{PartNumber: n, ETag: out.ETag})
			}
			_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadID: id, Parts: parts})
			return err
		}},
		{name: "transfer/UploadFile-single", size: 300 << 10, run: func(ctx context.Context, c *s3.Client, key string, data []byte) error {
			_, err := manager(c).UploadFile(ctx, writeTemp(t, data), bucket, key)
			return err
		}},
		{name: "transfer/UploadFile-multipart", size: 2*partSize + 1<<20, run: func(ctx context.Context, c *s3.Client, key string, data []byte) error {
			_, err := manager(c).UploadFile(ctx, writeTemp(t, data), bucket, key)
			return err
		}},
		{name: "transfer/Upload-stream", size: partSize + 1<<20, run: func(ctx context.Context, c *s3.Client, key string, data []byte) error {
			_, err := manager(c).Upload(ctx, io.MultiReader(bytes.NewReader(data)), bucket, key)
			return err
		}},
		{name: "transfer/Upload-short-stream", size: 100 << 10, run: func(ctx context.Context, c *s3.Client, key string, data []byte) error {
			_, err := manager(c).Upload(ctx, io.MultiReader(bytes.NewReader(data)), bucket, key)
			return err
		}},
	}
}

func writeTemp(t *testing.T, data []byte) string {
	p := filepath.Join(t.TempDir(), "upload")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// newClient returns a client for endpoint with its own session (so its
// provider detection starts afresh), trusting caFile through AWS_CA_BUNDLE.
func newClient(t *testing.T, endpoint, caFile, id, secret string) *s3.Client {
	t.Helper()
	env := map[string]string{}
	if caFile != "" {
		env["AWS_CA_BUNDLE"] = caFile
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	sess, err := s3.NewSession(context.Background(), s3.WithCredentials(id, secret, ""), s3.WithRegion("us-east-1"),
		s3.WithEnv(lookup, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sess.Client(s3.WithEndpointURL(endpoint), s3.WithBackoff(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// backend is a server under test, reached directly for setup and checks.
type backend struct {
	name       string
	url        string
	id, secret string
	// stored returns what the server holds at key (ok=false: nothing).
	stored func(t *testing.T, key string) ([]byte, bool)
	// verbatim is the fake (for its aws-chunked counter).
	verbatim *verbatimS3
}

func backends(t *testing.T) []backend {
	v, vs := newVerbatimS3(t)
	srv := s3test.NewServer(t)
	direct := newClient(t, srv.URL, "", srv.AccessKeyID, srv.SecretAccessKey)
	if _, err := direct.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	return []backend{
		{name: "verbatim", url: vs.URL, id: "AKID", secret: "secret", verbatim: v,
			stored: func(t *testing.T, key string) ([]byte, bool) { return v.get(bucket, key) }},
		{name: "s3kit", url: srv.URL, id: srv.AccessKeyID, secret: srv.SecretAccessKey,
			stored: func(t *testing.T, key string) ([]byte, bool) {
				out, err := direct.GetObject(context.Background(), &s3.GetObjectInput{Bucket: bucket, Key: key})
				if s3.IsNotFound(err) {
					return nil, false
				}
				if err != nil {
					t.Fatal(err)
				}
				defer out.Body.Close()
				b, err := io.ReadAll(out.Body)
				if err != nil {
					t.Fatal(err)
				}
				return b, true
			}},
	}
}

// TestLibraryUploads runs every library upload path against each backend:
// directly, the bytes stored are exactly the bytes sent (no aws-chunked
// framing to a server that only claims to be AWS); behind a proxy that
// flips one byte per upload body, over http and https, the upload fails
// with a typed error and s3kit's server stores nothing. "warm" runs the
// path after a first response, once the client has recognised s3kit's
// server (or not recognised the fake), "cold" as the first request.
func TestLibraryUploads(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends(t) {
		for _, conn := range []string{"direct", "proxy-http", "proxy-https"} {
			endpoint, caFile := b.url, ""
			var flipped interface{ Load() int32 }
			if conn != "direct" {
				var f interface{ Load() int32 }
				endpoint, caFile, f = corruptingProxy(t, b.url, conn == "proxy-https")
				flipped = f
			}
			for _, warm := range []bool{false, true} {
				for _, p := range uploadPaths(t) {
					name := b.name + "/" + conn + "/" + map[bool]string{false: "cold", true: "warm"}[warm] + "/" + p.name
					t.Run(name, func(t *testing.T) {
						c := newClient(t, endpoint, caFile, b.id, b.secret)
						if warm {
							if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: bucket}); err != nil {
								t.Fatal(err)
							}
						}
						key := name
						data := payload(p.size)
						err := p.run(ctx, c, key, data)
						if conn == "direct" {
							if err != nil {
								t.Fatalf("upload: %v", err)
							}
							got, ok := b.stored(t, key)
							if !ok {
								t.Fatal("nothing stored")
							}
							mustEqual(t, "direct upload", got, data)
							return
						}
						if flipped.Load() == 0 {
							t.Fatal("the proxy corrupted no request")
						}
						if err == nil {
							got, _ := b.stored(t, key)
							t.Fatalf("upload through a corrupting proxy reported success (stored %d bytes, equal: %v)", len(got), bytes.Equal(got, data))
						}
						var ie *s3.IntegrityError
						var se *s3.Error
						switch {
						case errors.As(err, &ie):
						case errors.As(err, &se) && b.name == "s3kit":
							// s3kit's server refused the body (BadDigest, or
							// a malformed aws-chunked stream).
						default:
							t.Fatalf("upload error = %v (%T), want an *s3.IntegrityError (or, from s3kit's server, an *s3.Error)", err, err)
						}
						if b.name == "s3kit" {
							if got, ok := b.stored(t, key); ok {
								t.Errorf("s3kit stored %d bytes of a corrupted upload (equal: %v)", len(got), bytes.Equal(got, data))
							}
						}
					})
				}
			}
		}
		if b.verbatim != nil && b.verbatim.framed.Load() != 0 {
			t.Errorf("the client sent %d aws-chunked requests to a server that only claims to be AWS", b.verbatim.framed.Load())
		}
	}
}
