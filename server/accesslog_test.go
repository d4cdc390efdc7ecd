package server_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
)

// accessEnv is a server whose access log goes to the returned sink and
// whose server log to the other.
func accessEnv(t *testing.T, bk backend, level slog.Level) (*env, *logSink, *logSink) {
	t.Helper()
	var access, log logSink
	e := bk.env(t, s3test.WithLogger(log.logger(level)),
		s3test.WithConfig(func(c *server.Config) { c.AccessLog = &access }))
	return e, &access, &log
}

// oneLine returns the only access-log line logged since the last take.
func oneLine(t *testing.T, sink *logSink) (map[string]any, string) {
	t.Helper()
	lines, raw := sink.take(t)
	if len(lines) != 1 {
		t.Fatalf("%d access-log lines, want 1:\n%s", len(lines), raw)
	}
	return lines[0], raw
}

// checkFields compares the named fields of an access-log line; numbers
// are compared as JSON decodes them (float64).
func checkFields(t *testing.T, l map[string]any, raw string, want map[string]any) {
	t.Helper()
	for k, v := range want {
		got := l[k]
		if n, ok := v.(int); ok {
			v = float64(n)
		}
		if got != v {
			t.Errorf("%s = %v (%T), want %v\n%s", k, got, got, v, raw)
		}
	}
}

// The access log has one JSON line per request with who asked for what,
// how it ended, how many bytes went each way and how long it took; a
// refused request's line has the key ID it claimed and the error code,
// and never the secret or the signature.
func TestAccessLogLines(t *testing.T) {
	run(t, func(t *testing.T, bk backend) {
		e, access, _ := accessEnv(t, bk, slog.LevelInfo)
		e.mkBucket("bkt")
		access.take(t)
		body := bytes.Repeat([]byte("a"), 1000)

		r := e.must(200, "PUT", "/bkt/dir/my%20key", body, nil)
		l, raw := oneLine(t, access)
		checkFields(t, l, raw, map[string]any{
			"level": "INFO", "msg": "s3 access", "access_key_id": e.creds.AccessKeyID, "op": "PutObject",
			"method": "PUT", "bucket": "bkt", "key": "dir/my key", "status": 200, "error_code": "",
			"bytes_in": len(body), "bytes_out": 0, "request_id": r.header.Get("X-Amz-Request-Id"),
		})
		if remote, _ := l["remote"].(string); !strings.HasPrefix(remote, "127.0.0.1:") {
			t.Errorf("remote %q, want the client's address", remote)
		}
		if d, ok := l["duration_ms"].(float64); !ok || d < 0 {
			t.Errorf("duration_ms %v, want a number of milliseconds", l["duration_ms"])
		}
		if _, ok := l["time"]; !ok {
			t.Errorf("no time: %s", raw)
		}

		e.must(200, "GET", "/bkt/dir/my%20key", nil, nil)
		l, raw = oneLine(t, access)
		checkFields(t, l, raw, map[string]any{"op": "GetObject", "status": 200, "bytes_in": 0, "bytes_out": len(body), "key": "dir/my key"})

		r = e.wantErr(404, "NoSuchKey", "GET", "/bkt/missing", nil, nil)
		l, raw = oneLine(t, access)
		checkFields(t, l, raw, map[string]any{"op": "GetObject", "status": 404, "error_code": "NoSuchKey", "bytes_out": len(r.body)})

		const wrongSecret = "wrong-secret-0123456789abcdefghijklmnopq"
		req := e.as(e.creds.AccessKeyID, wrongSecret)
		r = req.wantErr(403, "SignatureDoesNotMatch", "PUT", "/bkt/k", []byte("xyz"), nil)
		l, raw = oneLine(t, access)
		checkFields(t, l, raw, map[string]any{"op": "PutObject", "status": 403, "error_code": "SignatureDoesNotMatch",
			"access_key_id": e.creds.AccessKeyID, "bucket": "bkt", "key": "k"})
		for _, secret := range []string{e.creds.SecretAccessKey, wrongSecret, "Signature=", "signature"} {
			if strings.Contains(raw, secret) {
				t.Errorf("access log line holds %q:\n%s", secret, raw)
			}
		}
		// The signature the client sent is in the error document AWS
		// returns; it must not reach the log.
		var doc struct{ SignatureProvided string }
		r.decode(t, &doc)
		if doc.SignatureProvided == "" || strings.Contains(raw, doc.SignatureProvided) {
			t.Errorf("signature %q (from the error document) in the line:\n%s", doc.SignatureProvided, raw)
		}
	})
}

// --log-level filters the server log: at Warn a refused request is not
// logged, at Info it is one line saying why, and at Debug the
// authentication decision is logged too, with what the server computed
// for a signature that did not match but never a secret or the signature.
// The access log is not affected by the level.
func TestLogLevels(t *testing.T) {
	const wrongSecret = "wrong-secret-0123456789abcdefghijklmnopq"
	msgs := func(lines []map[string]any) []string {
		var out []string
		for _, l := range lines {
			out = append(out, l["level"].(string)+" "+l["msg"].(string))
		}
		return out
	}
	tests := []struct {
		level slog.Level
		want  []string
	}{
		{slog.LevelWarn, nil},
		{slog.LevelInfo, []string{"INFO s3 request refused"}},
		{slog.LevelDebug, []string{"DEBUG s3 auth refused", "INFO s3 request refused"}},
	}
	for _, tc := range tests {
		t.Run(tc.level.String(), func(t *testing.T) {
			e, access, log := accessEnv(t, memBackend, tc.level)
			e.mkBucket("bkt")
			log.take(t)
			access.take(t)
			r := e.as(e.creds.AccessKeyID, wrongSecret).wantErr(403, "SignatureDoesNotMatch", "GET", "/bkt/k", nil, nil)
			lines, raw := log.take(t)
			if got := msgs(lines); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("log at %v: %q, want %q\n%s", tc.level, got, tc.want, raw)
			}
			var doc struct{ SignatureProvided string }
			r.decode(t, &doc)
			for _, s := range []string{e.creds.SecretAccessKey, wrongSecret, doc.SignatureProvided} {
				if strings.Contains(raw, s) {
					t.Fatalf("log holds %q:\n%s", s, raw)
				}
			}
			for _, l := range lines {
				if l["msg"] == "s3 request refused" && !strings.Contains(l["reason"].(string), "signature we calculated does not match") {
					t.Errorf("refusal without its reason: %s", raw)
				}
				if l["msg"] == "s3 auth refused" && (l["access_key_id"] != e.creds.AccessKeyID || l["auth"] != "sigv4-header" ||
					!strings.Contains(l["canonical_request"].(string), "/bkt/k")) {
					t.Errorf("auth decision without its details: %s", raw)
				}
			}
			if lines, raw := access.take(t); len(lines) != 1 {
				t.Errorf("access log at %v: %d lines, want 1\n%s", tc.level, len(lines), raw)
			}
			if tc.level == slog.LevelDebug {
				e.must(200, "GET", "/bkt?list-type=2", nil, nil)
				lines, raw := log.take(t)
				// The policy decision ("authorization"), how the request
				// was authenticated, then the request.
				if got := msgs(lines); len(got) != 3 || got[0] != "DEBUG authorization" || got[1] != "DEBUG s3 auth allowed" || got[2] != "DEBUG s3 request" ||
					lines[1]["access_key_id"] != e.creds.AccessKeyID || lines[1]["op"] != "ListObjectsV2" {
					t.Errorf("debug lines of an allowed request: %q\n%s", got, raw)
				}
			}
		})
	}
}

// A key with quotes, backslashes, line breaks, control characters,
// U+2028 or bytes that are not UTF-8 still gives one access-log line that
// encoding/json parses, with the key as sent (invalid bytes as U+FFFD).
func TestAccessLogHostileKeys(t *testing.T) {
	run(t, func(t *testing.T, bk backend) {
		e, access, _ := accessEnv(t, bk, slog.LevelInfo)
		e.mkBucket("bkt")
		access.take(t)
		for _, tc := range []struct{ path, key string }{
			{"/bkt/a%22b", `a"b`},
			{"/bkt/back%5Cslash%5C", `back\slash\`},
			{"/bkt/two%0Alines%0D%0A", "two\nlines\r\n"},
			{"/bkt/ctl%01%1F%7F%09", "ctl\x01\x1f\x7f\t"},
			{"/bkt/sep%E2%80%A8%E2%80%A9", "sep\u2028\u2029"},
			{"/bkt/%22%7D%0A%7B%22status%22:1", "\"}\n{\"status\":1"},
		} {
			e.must(200, "PUT", tc.path, []byte("x"), nil)
			l, raw := oneLine(t, access)
			checkFields(t, l, raw, map[string]any{"key": tc.key, "status": 200})
			if strings.Count(raw, "\n") != 1 {
				t.Errorf("%q: line breaks in the line:\n%s", tc.key, raw)
			}
		}
		// Not UTF-8: whatever the answer, the line is one JSON object and
		// the bad bytes read as U+FFFD.
		r := e.do("GET", "/bkt/bad%FF%C3%28end", nil, nil)
		l, raw := oneLine(t, access)
		checkFields(t, l, raw, map[string]any{"status": r.status})
		if k, _ := l["key"].(string); k != "bad\ufffd\ufffd(end" {
			t.Errorf("key %q, want invalid bytes as U+FFFD\n%s", k, raw)
		}
	})
}
