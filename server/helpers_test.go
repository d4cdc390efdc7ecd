package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/sigv4"
)

// clock is a settable test clock shared by the server and the signer.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one test's server and a signing client for it.
type env struct {
	t     *testing.T
	srv   *s3test.Server
	clock *clock
	creds sigv4.Credentials
	// region overrides the signing region when set.
	region string
	signer *sigv4.Signer
}

func newEnv(t *testing.T, opts ...s3test.Option) *env {
	t.Helper()
	return newEnvClock(t, newClock(), opts...)
}

// newEnvClock is newEnv with a clock the caller also hands to a backend.
func newEnvClock(t *testing.T, c *clock, opts ...s3test.Option) *env {
	t.Helper()
	srv := s3test.NewServer(t, append([]s3test.Option{s3test.WithNow(c.Now)}, opts...)...)
	return &env{t: t, srv: srv, clock: c, creds: srv.Credentials(), signer: sigv4.NewSigner()}
}

// as returns a copy of e signing with other credentials.
func (e *env) as(id, secret string) *env {
	c := *e
	c.creds = sigv4.Credentials{AccessKeyID: id, SecretAccessKey: secret}
	return &c
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func (r result) decode(t *testing.T, v any) {
	t.Helper()
	if err := xml.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, r.body)
	}
}

// hdr is a request's extra headers.
type hdr map[string]string

// do sends a signed request; path is the raw (already escaped) path and
// query.
func (e *env) do(method, path string, body []byte, h hdr) result {
	e.t.Helper()
	req := e.request(method, path, body, h)
	sum := sha256.Sum256(body)
	region := e.srv.Region
	if e.region != "" {
		region = e.region
	}
	if _, err := e.signer.Sign(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: region,
		Time: e.clock.Now(), PayloadHash: hex.EncodeToString(sum[:])}); err != nil {
		e.t.Fatalf("sign: %v", err)
	}
	return e.send(req)
}

// anon sends an unsigned request.
func (e *env) anon(method, path string, body []byte, h hdr) result {
	e.t.Helper()
	return e.send(e.request(method, path, body, h))
}

func (e *env) request(method, path string, body []byte, h hdr) *http.Request {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range h {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	return req
}

func (e *env) send(req *http.Request) result {
	e.t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: b}
}

// must sends a signed request and fails the test unless it gets want.
func (e *env) must(want int, method, path string, body []byte, h hdr) result {
	e.t.Helper()
	r := e.do(method, path, body, h)
	if r.status != want {
		e.t.Fatalf("%s %s: status %d, want %d\n%s", method, path, r.status, want, r.body)
	}
	return r
}

// wantErr sends a signed request and checks the S3 error it gets.
func (e *env) wantErr(status int, code, method, path string, body []byte, h hdr) result {
	e.t.Helper()
	r := e.do(method, path, body, h)
	checkErr(e.t, r, status, code, method == http.MethodHead)
	return r
}

func checkErr(t *testing.T, r result, status int, code string, head bool) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (%s)\n%s", r.status, status, code, r.body)
	}
	if head {
		if len(r.body) != 0 {
			t.Errorf("HEAD error has a body: %s", r.body)
		}
		return
	}
	var doc s3xml.Error
	if err := xml.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("error body: %v\n%s", err, r.body)
	}
	if doc.Code != code {
		t.Fatalf("code %q, want %q\n%s", doc.Code, code, r.body)
	}
	if id := r.header.Get("X-Amz-Request-Id"); id == "" || doc.RequestID != id {
		t.Errorf("RequestId %q, header %q", doc.RequestID, id)
	}
}

// mkBucket creates a bucket.
func (e *env) mkBucket(name string) {
	e.t.Helper()
	e.must(200, "PUT", "/"+name, nil, nil)
}

// put stores an object and returns its ETag.
func (e *env) put(bucket, key string, body []byte, h hdr) string {
	e.t.Helper()
	return e.must(200, "PUT", "/"+bucket+"/"+key, body, h).header.Get("ETag")
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// corruptReader flips one byte at offset off of r's stream.
func corruptReader(r io.ReadCloser, off int) io.ReadCloser {
	return &flipper{r: r, at: off}
}

type flipper struct {
	r   io.ReadCloser
	pos int
	at  int
}

func (f *flipper) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if f.at >= f.pos && f.at < f.pos+n {
		p[f.at-f.pos] ^= 0xff
	}
	f.pos += n
	return n, err
}

func (f *flipper) Close() error { return f.r.Close() }

// sub returns e reporting to a subtest's t.
func (e *env) sub(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

// backend names a storage backend the server's tests run against.
type backend string

const (
	memBackend  backend = "mem"
	diskBackend backend = "disk"
)

// run runs f once per backend (memory and disk when none is named), each
// as a parallel subtest named after it, the way net/http's client-server
// tests run once per mode: a handler bug that only one backend's answers
// expose (an error type, a lazily opened file) fails there.
func run(t *testing.T, f func(t *testing.T, b backend), backends ...backend) {
	t.Helper()
	runBackends(t, true, f, backends)
}

// runSerial is run with the subtests one after the other, for tests whose
// timing must not compete with a second server.
func runSerial(t *testing.T, f func(t *testing.T, b backend), backends ...backend) {
	t.Helper()
	runBackends(t, false, f, backends)
}

func runBackends(t *testing.T, parallel bool, f func(t *testing.T, b backend), backends []backend) {
	t.Helper()
	if len(backends) == 0 {
		backends = []backend{memBackend, diskBackend}
	}
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			if parallel {
				t.Parallel()
			}
			f(t, b)
		})
	}
}

// clientBackends are the backends for tests driving an external client
// (boto3, the AWS CLI), which take seconds each: under -short only disk,
// the backend `s3kit serve` uses.
func clientBackends() []backend {
	if testing.Short() {
		return []backend{diskBackend}
	}
	return []backend{memBackend, diskBackend}
}

// opts returns the s3test options selecting b, then more.
func (b backend) opts(more ...s3test.Option) []s3test.Option {
	var o []s3test.Option
	if b == diskBackend {
		o = append(o, s3test.WithDisk())
	}
	return append(o, more...)
}

// env is newEnv on b.
func (b backend) env(t *testing.T, opts ...s3test.Option) *env {
	t.Helper()
	return newEnv(t, b.opts(opts...)...)
}

// server is s3test.NewServer on b.
func (b backend) server(t *testing.T, opts ...s3test.Option) *s3test.Server {
	t.Helper()
	return s3test.NewServer(t, b.opts(opts...)...)
}
