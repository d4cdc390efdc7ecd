package s3

import (
	"context"
	"io"
	"iter"
	"net"
	"net/http"
	"net/url"
	"slices"
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

// Every paginated listing has a pages iterator and an entries iterator,
// and both walk every page: with one or two entries per page, each sees
// all entries in order and the pages iterator as many pages as that takes.
func TestListingIterators(t *testing.T) {
	t.Parallel()
	srv := s3test.NewServer(t)
	c, err := sessionFor(t, srv).Client(WithEndpointURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &CreateBucketInput{Bucket: "iter"}); err != nil {
		t.Fatal(err)
	}
	keys := []string{"a", "b", "c", "dir/x", "e"}
	for _, k := range keys {
		if _, err := c.PutObject(ctx, &PutObjectInput{Bucket: "iter", Key: k}); err != nil {
			t.Fatal(err)
		}
	}
	collect := func(seq iter.Seq2[Object, error]) (got []string) {
		t.Helper()
		for o, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, o.Key)
		}
		return got
	}
	count := func(n int, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	pages := func(seq iter.Seq2[*ListObjectsOutput, error]) (n int, err error) {
		for _, err := range seq {
			if err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	}

	v1 := &ListObjectsInput{Bucket: "iter", MaxKeys: 2}
	if got := collect(c.AllObjects(ctx, v1)); !slices.Equal(got, keys) {
		t.Errorf("AllObjects = %q, want %q", got, keys)
	}
	if n := count(pages(c.ListObjectsPages(ctx, v1))); n != 3 {
		t.Errorf("ListObjectsPages gave %d pages of 2, want 3", n)
	}
	withDelim := []string{"a", "b", "c", "dir/", "e"}
	if got := collect(c.AllObjects(ctx, &ListObjectsInput{Bucket: "iter", Delimiter: "/", MaxKeys: 2})); !slices.Equal(got, withDelim) {
		t.Errorf("AllObjects with a delimiter = %q, want %q", got, withDelim)
	}
	if got := collect(c.AllObjectsV2(ctx, &ListObjectsV2Input{Bucket: "iter", Delimiter: "/", MaxKeys: 2})); !slices.Equal(got, withDelim) {
		t.Errorf("AllObjectsV2 with a delimiter = %q, want %q", got, withDelim)
	}

	var versions []string
	for v, err := range c.AllObjectVersions(ctx, &ListObjectVersionsInput{Bucket: "iter", MaxKeys: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v.Key)
	}
	if !slices.Equal(versions, keys) {
		t.Errorf("AllObjectVersions = %q, want %q", versions, keys)
	}

	var ids []string
	for _, k := range []string{"u1", "u2", "u3"} {
		out, err := c.CreateMultipartUpload(ctx, &CreateMultipartUploadInput{Bucket: "iter", Key: k})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, out.UploadID)
	}
	var uploads []string
	for u, err := range c.AllMultipartUploads(ctx, &ListMultipartUploadsInput{Bucket: "iter", MaxUploads: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		uploads = append(uploads, u.Key)
	}
	if want := []string{"u1", "u2", "u3"}; !slices.Equal(uploads, want) {
		t.Errorf("AllMultipartUploads = %q, want %q", uploads, want)
	}

	for n := 1; n <= 3; n++ {
		if _, err := c.UploadPart(ctx, &UploadPartInput{Bucket: "iter", Key: "u1", UploadID: ids[0], PartNumber: n,
			Body: strings.NewReader("part"), ContentLength: 4}); err != nil {
			t.Fatal(err)
		}
	}
	var parts []int
	for p, err := range c.AllParts(ctx, &ListPartsInput{Bucket: "iter", Key: "u1", UploadID: ids[0], MaxParts: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p.PartNumber)
	}
	if want := []int{1, 2, 3}; !slices.Equal(parts, want) {
		t.Errorf("AllParts = %v, want %v", parts, want)
	}
}
