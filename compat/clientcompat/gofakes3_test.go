// Package clientcompat runs s3kit's client against S3 servers written by
// others, in the compat module so they never enter the main go.mod.
package clientcompat

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/transfer"
)

// flipReader flips one bit of the byte at offset at.
type flipReader struct {
	r       io.ReadCloser
	at, pos int64
}

func (f *flipReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if f.at >= f.pos && f.at < f.pos+int64(n) {
		p[f.at-f.pos] ^= 0x01
	}
	f.pos += int64(n)
	return n, err
}

func (f *flipReader) Close() error { return f.r.Close() }

// flippingProxy flips one byte in the middle of every PUT body on its way
// to backend.
func flippingProxy(t *testing.T, backend string) (string, *atomic.Int32) {
	u, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		if pr.Out.Method == http.MethodPut && pr.Out.ContentLength > 0 {
			pr.Out.Body = &flipReader{r: pr.Out.Body, at: pr.Out.ContentLength / 2}
			n.Add(1)
		}
	}}
	rp.ErrorLog = log.New(io.Discard, "", 0)
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

func client(t *testing.T, endpoint string) *s3.Client {
	sess, err := s3.NewSession(context.Background(), s3.WithCredentials("AKID", "secret", ""), s3.WithRegion("us-east-1"),
		s3.WithEnv(func(string) (string, bool) { return "", false }, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sess.Client(s3.WithEndpointURL(endpoint), s3.WithBackoff(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func data(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// TestGofakes3 reproduces a finding against johannesboyne/gofakes3, which
// answers "Server: AmazonS3" but stores aws-chunked framing as data and
// checks no checksum: s3kit's uploads (a 2 MiB PutObject, a stream, a
// transfer multipart upload) store exactly the bytes sent, and behind a
// proxy that flips one byte per body every one of them fails with an
// error rather than reporting success.
func TestGofakes3(t *testing.T) {
	ctx := context.Background()
	fake := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer fake.Close()
	if _, err := client(t, fake.URL).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: "compat"}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "big")
	big := data(11 << 20)
	if err := os.WriteFile(file, big, 0o600); err != nil {
		t.Fatal(err)
	}
	uploads := []struct {
		name string
		want []byte
		run  func(c *s3.Client, key string) error
	}{
		{"PutObject", big[:2<<20], func(c *s3.Client, key string) error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: "compat", Key: key, Body: bytes.NewReader(big[:2<<20])})
			return err
		}},
		{"PutObject-stream", big[:3<<20], func(c *s3.Client, key string) error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: "compat", Key: key,
				Body: io.MultiReader(bytes.NewReader(big[:3<<20])), ContentLength: 3 << 20})
			return err
		}},
		{"transfer-multipart", big, func(c *s3.Client, key string) error {
			m := transfer.New(c, transfer.Options{PartSize: 5 << 20})
			_, err := m.UploadFile(ctx, file, "compat", key)
			return err
		}},
	}
	direct := client(t, fake.URL)
	proxy, flipped := flippingProxy(t, fake.URL)
	for _, u := range uploads {
		t.Run(u.name+"/direct", func(t *testing.T) {
			if err := u.run(client(t, fake.URL), "direct/"+u.name); err != nil {
				t.Fatal(err)
			}
			out, err := direct.GetObject(ctx, &s3.GetObjectInput{Bucket: "compat", Key: "direct/" + u.name})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, u.want) {
				t.Fatalf("gofakes3 stored %d bytes starting %q, want the %d sent", len(got), got[:min(len(got), 8)], len(u.want))
			}
		})
		t.Run(u.name+"/corrupting-proxy", func(t *testing.T) {
			before := flipped.Load()
			err := u.run(client(t, proxy), "proxied/"+u.name)
			if flipped.Load() == before {
				t.Fatal("the proxy corrupted nothing")
			}
			var ie *s3.IntegrityError
			var se *s3.Error
			if !errors.As(err, &ie) && !(errors.As(err, &se) && se.Code == "BadDigest") {
				t.Fatalf("upload through a corrupting proxy: err = %v, want *s3.IntegrityError or BadDigest", err)
			}
		})
	}
}
