package s3

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
)

// sessionFor returns a session holding srv's key and region, with an empty
// environment and home so nothing on the machine leaks in.
func sessionFor(t *testing.T, srv *s3test.Server, opts ...SessionOption) *Session {
	t.Helper()
	opts = append([]SessionOption{WithCredentials(srv.AccessKeyID, srv.SecretAccessKey, ""), WithRegion(srv.Region),
		WithEnv(envMap(nil), t.TempDir())}, opts...)
	sess, err := NewSession(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

func TestS3Test(t *testing.T) {
	t.Parallel()
	srv := s3test.NewServer(t)
	c, err := sessionFor(t, srv).Client(WithEndpointURL(srv.URL), WithProvider("s3kit"), WithBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	runSuite(t, c)
}

// TestS3TestUnknownProvider runs the suite with the conservative row of the
// quirks table (no trailers, no checksum headers, Content-MD5 only).
func TestS3TestUnknownProvider(t *testing.T) {
	t.Parallel()
	srv := s3test.NewServer(t)
	c, err := sessionFor(t, srv).Client(WithEndpointURL(srv.URL), WithBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if c.Quirks().Name != "unknown" {
		t.Fatalf("quirks row %q, want unknown for a custom endpoint", c.Quirks().Name)
	}
	// Pin the row so s3kit detection (X-S3kit-Integrity) cannot switch it
	// mid-suite.
	c, err = sessionFor(t, srv).Client(WithEndpointURL(srv.URL), WithProvider("unknown"), WithBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	runSuite(t, c, "Multipart") // same payload path as PutObject; saves time
}

// TestS3TestTLS covers the https path: UNSIGNED-PAYLOAD-TRAILER uploads.
func TestS3TestTLS(t *testing.T) {
	t.Parallel()
	srv := s3test.NewServer(t, s3test.WithTLS())
	c, err := sessionFor(t, srv, WithHTTPClient(srv.Client())).Client(WithEndpointURL(srv.URL), WithProvider("s3kit"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &CreateBucketInput{Bucket: "tls-bucket"}); err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("over tls ", 10000)
	for name, r := range map[string]func() io.Reader{
		"seekable": func() io.Reader { return strings.NewReader(body) },
		"stream":   func() io.Reader { return io.MultiReader(strings.NewReader(body)) },
	} {
		if _, err := c.PutObject(ctx, &PutObjectInput{Bucket: "tls-bucket", Key: name, Body: r(), ContentLength: int64(len(body))}); err != nil {
			t.Fatalf("PutObject %s over TLS: %v", name, err)
		}
		out, err := c.GetObject(ctx, &GetObjectInput{Bucket: "tls-bucket", Key: name})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil || string(got) != body {
			t.Errorf("%s: read back %d bytes, %v", name, len(got), err)
		}
	}
}

// TestS3TestVirtualHost sends bucket.domain requests to a server that
// knows its domain, resolving every name to 127.0.0.1.
func TestS3TestVirtualHost(t *testing.T) {
	t.Parallel()
	srv := s3test.NewServer(t, s3test.WithDomain("s3.test"))
	u, _ := url.Parse(srv.URL)
	var hosts []string
	dialer := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		hosts = append(hosts, addr)
		return dialer.DialContext(ctx, network, "127.0.0.1:"+u.Port())
	}}}
	c, err := sessionFor(t, srv, WithHTTPClient(hc)).Client(WithEndpointURL("http://s3.test:"+u.Port()), WithAddressingStyle("virtual"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &CreateBucketInput{Bucket: "vhost"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &PutObjectInput{Bucket: "vhost", Key: "a/b", Body: strings.NewReader("v")}); err != nil {
		t.Fatal(err)
	}
	page, err := c.ListObjectsV2(ctx, &ListObjectsV2Input{Bucket: "vhost"})
	if err != nil || len(page.Objects) != 1 || page.Objects[0].Key != "a/b" {
		t.Fatalf("ListObjectsV2 = %+v, %v", page, err)
	}
	if len(hosts) == 0 || !strings.HasPrefix(hosts[0], "vhost.s3.test:") {
		t.Errorf("dialled %v, want vhost.s3.test", hosts)
	}
}

// TestS3kitServerRecognised: s3kit's server says so in X-S3kit-Integrity,
// so after its first response the client uses the s3kit row (verified
// CRC32s, no MD5 pass) without being told.
func TestS3kitServerRecognised(t *testing.T) {
	t.Parallel()
	srv := s3test.NewServer(t)
	c, err := sessionFor(t, srv).Client(WithEndpointURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBucket(context.Background(), &CreateBucketInput{Bucket: "recognised"}); err != nil {
		t.Fatal(err)
	}
	if q := c.Quirks(); q.Name != "s3kit" || !q.Verifies {
		t.Errorf("quirks row after a response from s3kit's server = %+v, want s3kit", q)
	}
}
