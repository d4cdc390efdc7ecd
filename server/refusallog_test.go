package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/sigv4"
)

// logSink collects a server's JSON log lines, safely for concurrent use.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// take returns the lines logged so far and forgets them.
func (l *logSink) take(t *testing.T) (lines []map[string]any, raw string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	raw = l.buf.String()
	sc := bufio.NewScanner(strings.NewReader(raw))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	l.buf.Reset()
	return lines, raw
}

func (l *logSink) logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: level}))
}

// Each refused request is one Info line naming the reason, the key ID it
// claimed and the client's address; no secret is ever logged.
func TestRefusalsAreLoggedOnce(t *testing.T) {
	runSerial(t, func(t *testing.T, bk backend) {
		var sink logSink
		ro := server.Key{AccessKeyID: "AKIAREADONLY00000000", Secret: "readonly-secret-0123456789abcdefghijklmn", ReadOnly: true}
		e := bk.env(t, s3test.WithLogger(sink.logger(slog.LevelInfo)), s3test.WithKeys(ro))
		e.mkBucket("bkt")
		e.put("bkt", "k", []byte("data"), nil)
		expired := func() string {
			req := e.request("GET", "/bkt/k", nil, nil)
			u, err := e.signer.Presign(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: e.srv.Region,
				Time: e.clock.Now().Add(-2 * time.Minute), PayloadHash: sigv4.UnsignedPayload}, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			return u.RequestURI()
		}()
		if lines, raw := sink.take(t); len(lines) != 0 {
			t.Fatalf("successful requests logged at Info:\n%s", raw)
		}
		const wrongSecret = "wrong-secret-0123456789abcdefghijklmnopq"
		tests := []struct {
			name   string
			send   func() result
			code   string
			keyID  string
			reason string
		}{
			{"bad signature", func() result { return e.as(e.creds.AccessKeyID, wrongSecret).do("GET", "/bkt/k", nil, nil) },
				"SignatureDoesNotMatch", e.creds.AccessKeyID, "signature we calculated does not match"},
			{"unknown key", func() result { return e.as("AKIANOSUCHKEY0000000", wrongSecret).do("GET", "/bkt/k", nil, nil) },
				"InvalidAccessKeyId", "AKIANOSUCHKEY0000000", "does not exist"},
			{"read-only key writes", func() result { return e.as(ro.AccessKeyID, ro.Secret).do("PUT", "/bkt/k2", []byte("x"), nil) },
				"AccessDenied", ro.AccessKeyID, "read-only key"},
			{"expired URL", func() result { return e.anon("GET", expired, nil, nil) },
				"AccessDenied", e.creds.AccessKeyID, "expired"},
			{"anonymous", func() result { return e.anon("GET", "/bkt/k", nil, nil) },
				"AccessDenied", "", "anonymous request"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.send()
				checkErr(t, r, 403, tc.code, false)
				lines, raw := sink.take(t)
				if len(lines) != 1 {
					t.Fatalf("%d log lines, want 1:\n%s", len(lines), raw)
				}
				l := lines[0]
				if l["level"] != "INFO" || l["msg"] != "s3 request refused" || l["code"] != tc.code {
					t.Errorf("line %s, want INFO \"s3 request refused\" code %s", raw, tc.code)
				}
				if reason, _ := l["reason"].(string); !strings.Contains(reason, tc.reason) {
					t.Errorf("reason %q, want it to mention %q", reason, tc.reason)
				}
				if l["access_key_id"] != tc.keyID {
					t.Errorf("access_key_id %v, want %q", l["access_key_id"], tc.keyID)
				}
				if remote, _ := l["remote"].(string); !strings.HasPrefix(remote, "127.0.0.1:") {
					t.Errorf("remote %q, want the client's address", remote)
				}
				if l["request_id"] != r.header.Get("X-Amz-Request-Id") {
					t.Errorf("request_id %v, want %s", l["request_id"], r.header.Get("X-Amz-Request-Id"))
				}
				for _, secret := range []string{e.creds.SecretAccessKey, wrongSecret, ro.Secret} {
					if strings.Contains(raw, secret) {
						t.Fatalf("secret in the log:\n%s", raw)
					}
				}
			})
		}
	})
}

// A client that stops a download on purpose is logged at Debug, not as a
// warning. On disk the body goes out with sendfile(2), whose broken pipe
// used to race the request context's cancellation.
//
// Disk only: the race was sendfile's.
func TestCancelledDownloadIsNotAWarning(t *testing.T) {
	var sink logSink
	e := newEnv(t, s3test.WithDisk(), s3test.WithLogger(sink.logger(slog.LevelDebug)))
	e.mkBucket("bkt")
	e.put("bkt", "big", bytes.Repeat([]byte("x"), 32<<20), nil)
	sink.take(t)
	for i := range 10 {
		req := e.signed("GET", "/bkt/big", nil, nil)
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(resp.Body, make([]byte, 1<<10)); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close() // as cp does when its context ends
		// The request's own line comes after the body's outcome.
		deadline := time.Now().Add(5 * time.Second)
		var lines []map[string]any
		var raw string
		for got := false; !got; {
			more, r := sink.take(t)
			lines, raw = append(lines, more...), raw+r
			for _, l := range lines {
				got = got || l["msg"] == "s3 request"
			}
			if !got && time.Now().After(deadline) {
				t.Fatalf("GET %d: no request line within 5s:\n%s", i, raw)
			}
			time.Sleep(5 * time.Millisecond)
		}
		for _, l := range lines {
			if l["level"] != "DEBUG" {
				t.Fatalf("GET %d cancelled by the client logged above Debug:\n%s", i, raw)
			}
		}
	}
}

// failingKeys is a key store that cannot be read.
type failingKeys struct{}

func (failingKeys) Lookup(context.Context, string) (server.Key, error) {
	return server.Key{}, errors.New("key file unreadable")
}

// A key store that fails is the server's fault: an Error line with the
// cause, not a refusal.
func TestKeyStoreFailureIsNotARefusal(t *testing.T) {
	runSerial(t, func(t *testing.T, bk backend) {
		var sink logSink
		e := bk.env(t, s3test.WithLogger(sink.logger(slog.LevelInfo)),
			s3test.WithConfig(func(c *server.Config) { c.Keys = failingKeys{} }))
		e.wantErr(500, "InternalError", "GET", "/", nil, nil)
		lines, raw := sink.take(t)
		if len(lines) != 1 || lines[0]["level"] != "ERROR" || !strings.Contains(raw, "key file unreadable") {
			t.Fatalf("want one ERROR line with the cause:\n%s", raw)
		}
	})
}
