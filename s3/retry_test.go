package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3kit/s3kit/sigv4"
)

// fixedClock is the signing time of unit tests.
func fixedClock() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// testClient returns a client for endpoint with fixed keys and clock and
// millisecond backoff.
func testClient(t *testing.T, endpoint string, mod ...func(*clientConfig)) *Client {
	t.Helper()
	cfg := clientConfig{
		creds: func(context.Context) (sigv4.Credentials, bool, error) {
			return sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}, true, nil
		},
		region: "us-east-1", endpoint: endpoint, now: fixedClock,
		backoffBase: time.Millisecond, backoffMax: 5 * time.Millisecond,
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := newClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// flaky answers the first failures requests with status and code, then 200.
func flaky(failures int32, status int, code string) (http.HandlerFunc, *atomic.Int32) {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) <= failures {
			w.Header().Set("X-Amz-Request-Id", fmt.Sprintf("req-%d", n.Load()))
			w.WriteHeader(status)
			if r.Method != http.MethodHead {
				fmt.Fprintf(w, "<Error><Code>%s</Code><Message>try again</Message></Error>", code)
			}
			return
		}
		w.Header().Set("ETag", `"ok"`)
	}, &n
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name        string
		failures    int32
		status      int
		code        string
		mode        string
		maxAttempts int
		provider    string
		body        func() io.Reader
		wantCalls   int32
		wantErr     string // code; "" for success
	}{
		{name: "503 SlowDown then success", failures: 2, status: 503, code: "SlowDown", wantCalls: 3},
		{name: "500 InternalError then success", failures: 1, status: 500, code: "InternalError", wantCalls: 2},
		{name: "429 throttle standard mode", failures: 2, status: 429, code: "TooManyRequestsException", mode: RetryStandard, wantCalls: 3},
		{name: "400 RequestTimeout is transient", failures: 1, status: 400, code: "RequestTimeout", wantCalls: 2},
		{name: "legacy default is 5 attempts", failures: 10, status: 503, code: "SlowDown", wantCalls: 5, wantErr: "SlowDown"},
		{name: "standard default is 3 attempts", failures: 10, status: 503, code: "SlowDown", mode: RetryStandard, wantCalls: 3, wantErr: "SlowDown"},
		{name: "adaptive limits and retries", failures: 2, status: 503, code: "SlowDown", mode: RetryAdaptive, wantCalls: 3},
		{name: "max_attempts 1 never retries", failures: 1, status: 503, code: "SlowDown", maxAttempts: 1, wantCalls: 1, wantErr: "SlowDown"},
		{name: "403 is not retried", failures: 5, status: 403, code: "AccessDenied", wantCalls: 1, wantErr: "AccessDenied"},
		{name: "non-replayable body streamed to s3kit is not retried", failures: 1, status: 503, code: "SlowDown", provider: "s3kit",
			body: func() io.Reader { return io.MultiReader(strings.NewReader("stream")) }, wantCalls: 1, wantErr: "SlowDown"},
		// Elsewhere a stream is buffered (it must carry Content-MD5), so it
		// can be sent again.
		{name: "non-replayable body to an unknown server is buffered and retried", failures: 1, status: 503, code: "SlowDown",
			body: func() io.Reader { return io.MultiReader(strings.NewReader("stream")) }, wantCalls: 2},
		{name: "seekable body is rewound and retried", failures: 2, status: 503, code: "SlowDown",
			body: func() io.Reader { return strings.NewReader("seekable") }, wantCalls: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, calls := flaky(tt.failures, tt.status, tt.code)
			var bodies []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				h(w, r)
			}))
			defer srv.Close()
			c := testClient(t, srv.URL, func(cfg *clientConfig) {
				cfg.retryMode, cfg.maxAttempts, cfg.provider = tt.mode, tt.maxAttempts, tt.provider
			})
			in := &PutObjectInput{Bucket: "bucket", Key: "key"}
			if tt.body != nil {
				in.Body = tt.body()
				in.ContentLength = 6
				if _, ok := in.Body.(io.Seeker); ok {
					in.ContentLength = 8
				}
			}
			_, err := c.PutObject(context.Background(), in)
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("server saw %d requests, want %d", got, tt.wantCalls)
			}
			var e *Error
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("PutObject: %v", err)
			case tt.wantErr != "" && (!errors.As(err, &e) || e.Code != tt.wantErr):
				t.Fatalf("PutObject error = %v, want code %s", err, tt.wantErr)
			}
			if tt.body != nil && tt.wantErr == "" {
				for i, b := range bodies {
					if !strings.Contains(b, "seekable") && b != "stream" {
						t.Errorf("attempt %d sent body %q, want the whole body again", i+1, b)
					}
				}
			}
		})
	}
}

func TestRetryConnectionReset(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.(*net.TCPConn).SetLinger(0) // RST instead of FIN
				conn.Close()
			}
			return
		}
		w.Write([]byte("payload"))
	}))
	defer srv.Close()
	c := testClient(t, srv.URL)
	out, err := c.GetObject(context.Background(), &GetObjectInput{Bucket: "bucket", Key: "k"})
	if err != nil {
		t.Fatalf("GetObject after a reset connection: %v", err)
	}
	defer out.Body.Close()
	if b, _ := io.ReadAll(out.Body); string(b) != "payload" || n.Load() != 2 {
		t.Errorf("got %q after %d requests, want payload after 2", b, n.Load())
	}
}

func TestContextCancelStopsRetrying(t *testing.T) {
	h, calls := flaky(100, 503, "SlowDown")
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := testClient(t, srv.URL, func(cfg *clientConfig) {
		cfg.backoffBase, cfg.backoffMax, cfg.maxAttempts = time.Hour, time.Hour, 10
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.HeadObject(ctx, &HeadObjectInput{Bucket: "bucket", Key: "k"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("HeadObject = %v, want context.DeadlineExceeded", err)
	}
	if time.Since(start) > 5*time.Second || calls.Load() > 2 {
		t.Errorf("took %v and %d requests: the backoff ignored the context", time.Since(start), calls.Load())
	}
}

func TestBackoffFullJitter(t *testing.T) {
	p := newRetryPolicy(RetryStandard, 0, time.Second, 20*time.Second)
	caps := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 20 * time.Second, 20 * time.Second}
	for i, limit := range caps {
		var maxSeen time.Duration
		for range 200 {
			d := p.delay(i + 1)
			if d < 0 || d > limit {
				t.Fatalf("delay(%d) = %v, outside [0, %v]", i+1, d, limit)
			}
			maxSeen = max(maxSeen, d)
		}
		if maxSeen < limit/2 {
			t.Errorf("delay(%d) never exceeded %v in 200 draws: not full jitter up to %v", i+1, maxSeen, limit)
		}
	}
}

func TestStandardRetryQuota(t *testing.T) {
	h, calls := flaky(1<<30, 503, "SlowDown")
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := testClient(t, srv.URL, func(cfg *clientConfig) { cfg.retryMode, cfg.backoffBase = RetryStandard, 0 })
	// 500 tokens at 5 per retry: 100 retries, then calls fail on the first attempt.
	for range 60 {
		c.HeadObject(context.Background(), &HeadObjectInput{Bucket: "b", Key: "k"})
	}
	if got := calls.Load(); got != 60+100 {
		t.Errorf("60 failing calls made %d requests, want 160 (100 retries allowed by the quota)", got)
	}
	legacy := testClient(t, srv.URL, func(cfg *clientConfig) { cfg.backoffBase = 0 })
	calls.Store(0)
	for range 60 {
		legacy.HeadObject(context.Background(), &HeadObjectInput{Bucket: "b", Key: "k"})
	}
	if got := calls.Load(); got != 300 {
		t.Errorf("legacy mode made %d requests, want 300 (5 attempts each, no quota)", got)
	}
}

func TestAdaptiveRateLimiter(t *testing.T) {
	var l rateLimiter
	ctx := context.Background()
	start := time.Now()
	for range 20 {
		if err := l.wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// A limiter enabled at its first rate, 10 requests/s, would take about
	// 2 s for 20; the bound is margin for a busy machine.
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("disabled limiter waited %v", d)
	}
	l.observe(true) // first throttle: 10 requests/s
	l.observe(true) // second: 7 requests/s
	start = time.Now()
	for range 3 {
		if err := l.wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// One token in hand, two more at 7/s: at least ~285 ms.
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("3 requests after throttling took %v, want ≥ 250ms at 7 req/s", d)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	l.tokens = 0
	if err := l.wait(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("wait with a cancelled context = %v", err)
	}
}
