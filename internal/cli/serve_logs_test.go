package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// accessLines decodes JSON access-log lines, skipping other lines (the
// server log shares stderr with "--access-log" alone).
func accessLines(t *testing.T, text string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("access-log line %q: %v", line, err)
		}
		if m["msg"] == "s3 access" {
			out = append(out, m)
		}
	}
	return out
}

// --access-log=FILE appends one JSON line per request to FILE;
// --access-log alone writes them to stderr; without it there are none.
func TestServeAccessLog(t *testing.T) {
	file := filepath.Join(t.TempDir(), "access.log")
	if err := os.WriteFile(file, []byte("kept from before\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, serveEnv(t), "--data", t.TempDir(), "--access-log="+file)
	if code := listBuckets(t, s.Endpoint, s.KeyID, s.Secret); code != 200 {
		t.Fatalf("ListBuckets: %d", code)
	}
	// Lines are written in batches at most accessLogDelay old.
	var b []byte
	var lines []map[string]any
	for deadline := time.Now().Add(5 * time.Second); len(lines) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var err error
		if b, err = os.ReadFile(file); err != nil {
			t.Fatal(err)
		}
		lines = accessLines(t, string(b))
	}
	if !strings.HasPrefix(string(b), "kept from before\n") || len(lines) != 1 || lines[0]["op"] != "ListBuckets" ||
		lines[0]["status"] != float64(200) || lines[0]["access_key_id"] != s.KeyID {
		t.Errorf("access log file:\n%s", b)
	}
	if strings.Contains(string(b), s.Secret) || strings.Contains(s.Log.String(), s.Secret) {
		t.Error("the secret reached a log")
	}
	if accessLines(t, s.Log.String()) != nil {
		t.Errorf("access lines on stderr with --access-log=FILE:\n%s", s.Log)
	}

	s = startServe(t, serveEnv(t), "--data", t.TempDir(), "--access-log")
	listBuckets(t, s.Endpoint, s.KeyID, s.Secret)
	s.stop() // writes what is pending
	if lines := accessLines(t, s.Log.String()); len(lines) != 1 || lines[0]["op"] != "ListBuckets" {
		t.Errorf("--access-log alone: stderr\n%s", s.Log)
	}

	s = startServe(t, serveEnv(t), "--data", t.TempDir())
	listBuckets(t, s.Endpoint, s.KeyID, s.Secret)
	if lines := accessLines(t, s.Log.String()); lines != nil {
		t.Errorf("no --access-log, yet access lines:\n%s", s.Log)
	}
}

// serve --memory has the access log and the metrics too; with no file
// system under the objects there is no free-space series.
func TestServeMemoryLogsAndMetrics(t *testing.T) {
	s := startServe(t, serveEnv(t), "--memory", "--access-log")
	if code := listBuckets(t, s.Endpoint, s.KeyID, s.Secret); code != 200 {
		t.Fatalf("ListBuckets: %d", code)
	}
	resp, err := http.Get(s.Endpoint + "/-/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if body := string(b); resp.StatusCode != 200 || !strings.Contains(body, `s3kit_requests_total{op="ListBuckets",status="200"} 1`) ||
		strings.Contains(body, "s3kit_storage_free_bytes") {
		t.Errorf("--memory metrics: %d\n%s", resp.StatusCode, body)
	}
	s.stop() // writes what is pending
	if lines := accessLines(t, s.Log.String()); len(lines) != 2 || lines[0]["op"] != "ListBuckets" || lines[1]["op"] != "GetMetrics" {
		t.Errorf("--memory --access-log: stderr\n%s", s.Log)
	}
}

// --log-level picks what the server log on stderr shows: at debug each
// authentication decision, at warn not even the start-up line.
func TestServeLogLevel(t *testing.T) {
	s := startServe(t, serveEnv(t), "--data", t.TempDir(), "--log-level", "debug")
	listBuckets(t, s.Endpoint, s.KeyID, s.Secret)
	if log := s.Log.String(); !strings.Contains(log, `msg="s3 auth allowed"`) || !strings.Contains(log, "access_key_id="+s.KeyID) {
		t.Errorf("--log-level debug:\n%s", log)
	}
	s = startServe(t, serveEnv(t), "--data", t.TempDir(), "--log-level", "warn")
	listBuckets(t, s.Endpoint, s.KeyID, "wrong-secret-0123456789abcdefghijklmnopq")
	if log := s.Log.String(); log != "" {
		t.Errorf("--log-level warn logged:\n%s", log)
	}
}

// /-/metrics answers unsigned scrapes when serve listens on a loopback
// address or with --metrics-public, and needs a signed request otherwise;
// --metrics=false turns it off.
func TestServeMetricsAccess(t *testing.T) {
	get := func(endpoint string) (int, string) {
		t.Helper()
		resp, err := http.Get(endpoint + "/-/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	s := startServe(t, serveEnv(t), "--data", t.TempDir())
	if code, body := get(s.Endpoint); code != 200 || !strings.Contains(body, "# TYPE s3kit_requests_in_flight gauge") {
		t.Errorf("loopback, unsigned: %d\n%s", code, body)
	}
	all := startServe(t, serveEnv(t), "--data", t.TempDir(), "--addr", "0.0.0.0:0")
	if code, _ := get(all.Endpoint); code != 403 {
		t.Errorf("all interfaces, unsigned: %d, want 403", code)
	}
	req, _ := http.NewRequest(http.MethodGet, all.Endpoint+"/-/metrics", nil)
	if code, body := signedDo(t, req, all.KeyID, all.Secret); code != 200 || !strings.Contains(body, "s3kit_requests_total") {
		t.Errorf("all interfaces, signed: %d\n%s", code, body)
	}
	public := startServe(t, serveEnv(t), "--data", t.TempDir(), "--addr", "0.0.0.0:0", "--metrics-public")
	if code, _ := get(public.Endpoint); code != 200 {
		t.Errorf("--metrics-public, unsigned: %d, want 200", code)
	}
	off := startServe(t, serveEnv(t), "--data", t.TempDir(), "--metrics=false")
	if code, body := get(off.Endpoint); code == 200 {
		t.Errorf("--metrics=false: %d\n%s", code, body)
	}
}

// lockedBuffer records each Write it gets, safely for the batcher's timer.
type lockedBuffer struct {
	mu     sync.Mutex
	writes []string
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes = append(l.writes, string(p))
	return len(p), nil
}

func (l *lockedBuffer) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.writes...)
}

// The access log's batcher writes queued lines together once the oldest
// has waited its delay, at once when a batch is full, and on Close.
func TestLineBatcher(t *testing.T) {
	var out lockedBuffer
	lb := newLineBatcher(&out, 50*time.Millisecond)
	lb.Write([]byte("one\n"))
	lb.Write([]byte("two\n"))
	if got := out.get(); len(got) != 0 {
		t.Fatalf("written before the delay: %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(out.get()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := out.get(); len(got) != 1 || got[0] != "one\ntwo\n" {
		t.Fatalf("after the delay: %q, want both lines in one write", got)
	}
	big := strings.Repeat("x", accessLogBatch) + "\n"
	lb.Write([]byte(big))
	if got := out.get(); len(got) != 2 || got[1] != big {
		t.Fatalf("a full batch waited: %d writes", len(got))
	}
	lb.Write([]byte("last\n"))
	lb.Close()
	if got := out.get(); len(got) != 3 || got[2] != "last\n" {
		t.Fatalf("Close did not write the pending line: %q", got[len(got)-1])
	}
}
