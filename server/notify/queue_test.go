package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// receiver records the messages POSTed to it; while down it answers 503.
type receiver struct {
	mu   sync.Mutex
	msgs []Message
	down atomic.Bool
	srv  *httptest.Server
	got  chan struct{}
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{got: make(chan struct{}, 1000)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if r.down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var m Message
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("receiver: %v: %s", err, body)
		}
		r.mu.Lock()
		r.msgs = append(r.msgs, m)
		r.mu.Unlock()
		r.got <- struct{}{}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// wait waits until n messages have arrived in all and returns them.
// Delivery is at least once: an event whose answer was lost is sent again
// at once, so a message repeating the one before it (same sequencer) is a
// retry and is dropped; any other repeat still shows up as out of order.
func (r *receiver) wait(t *testing.T, n int) []Message {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		r.mu.Lock()
		var out []Message
		for _, m := range r.msgs {
			if len(out) > 0 && m.Records[0].S3.Object.Sequencer == out[len(out)-1].Records[0].S3.Object.Sequencer {
				continue
			}
			out = append(out, m)
		}
		r.mu.Unlock()
		if len(out) >= n {
			return out
		}
		select {
		case <-r.got:
		case <-deadline:
			t.Fatalf("received %d distinct messages, want %d", len(out), n)
		}
	}
}

func openQueue(t *testing.T, dir, url string) *Queue {
	t.Helper()
	return openQueueSync(t, dir, url, 0)
}

func openQueueSync(t *testing.T, dir, url string, every time.Duration) *Queue {
	t.Helper()
	q, err := Open(context.Background(), Options{Dir: dir, Targets: map[string]string{"hook": url},
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, SyncEvery: every})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func put(key string, i int) Event {
	return Event{Target: "hook", Name: "ObjectCreated:Put", Bucket: "bkt", Key: key, Size: int64(i), ETag: fmt.Sprintf("etag%d", i), Time: time.Unix(0, 0)}
}

// TestDeliveryAfterOutageAndReopen: events enqueued while the receiver is
// down, and left undelivered when the queue closes, arrive in order once
// a reopened queue finds the receiver up.
func TestDeliveryAfterOutageAndReopen(t *testing.T) {
	for _, mode := range []string{"disk", "disk-interval-sync", "memory"} {
		t.Run(mode, func(t *testing.T) {
			r := newReceiver(t)
			r.down.Store(true)
			dir := ""
			if mode != "memory" {
				dir = t.TempDir()
			}
			every := time.Duration(0)
			if mode == "disk-interval-sync" {
				every = 5 * time.Millisecond
			}
			q := openQueueSync(t, dir, r.srv.URL, every)
			const n = 50
			for i := range n {
				if err := q.Enqueue(context.Background(), put(fmt.Sprintf("k%d", i%3), i)); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(50 * time.Millisecond)
			if mode != "memory" {
				if err := q.Close(); err != nil {
					t.Fatal(err)
				}
				q = openQueueSync(t, dir, r.srv.URL, every)
			}
			defer q.Close()
			r.down.Store(false)
			msgs := r.wait(t, n)
			if len(msgs) != n {
				t.Fatalf("%d messages, want %d (at most once here: every delivery was acknowledged)", len(msgs), n)
			}
			var last string
			for i, m := range msgs {
				o := m.Records[0].S3.Object
				if *o.Size != int64(i) {
					t.Fatalf("message %d is event %d: out of order", i, *o.Size)
				}
				if o.Sequencer <= last {
					t.Fatalf("sequencer %s after %s: not increasing", o.Sequencer, last)
				}
				last = o.Sequencer
			}
		})
	}
}

// TestTornTailAndSequencerAcrossRestart: a record cut short by a crash is
// dropped, the log stays appendable, and sequencers keep increasing
// after a restart even once everything was delivered.
func TestTornTailAndSequencerAcrossRestart(t *testing.T) {
	r := newReceiver(t)
	dir := t.TempDir()
	q := openQueue(t, dir, r.srv.URL)
	for i := range 3 {
		if err := q.Enqueue(context.Background(), put("k", i)); err != nil {
			t.Fatal(err)
		}
	}
	first := r.wait(t, 3)
	q.Close()
	seg := filepath.Join(dir, segName(1))
	f, err := os.OpenFile(seg, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(appendRecord(nil, 99, []byte(`{"t":"hook"}`))[:20])
	f.Close()
	q = openQueue(t, dir, r.srv.URL)
	defer q.Close()
	if err := q.Enqueue(context.Background(), put("k", 3)); err != nil {
		t.Fatal(err)
	}
	r.wait(t, 4)
	// At least once: the last event before the restart may come again
	// (its answer may have raced Close), but nothing else, and never the
	// torn record.
	time.Sleep(50 * time.Millisecond)
	r.mu.Lock()
	msgs := append([]Message(nil), r.msgs...)
	r.mu.Unlock()
	seen := map[string]bool{}
	for _, m := range msgs {
		seen[m.Records[0].S3.Object.Sequencer] = true
	}
	if len(seen) != 4 || len(msgs) > 5 {
		t.Fatalf("%d messages, %d distinct, after restart; want 4 distinct events", len(msgs), len(seen))
	}
	last := msgs[len(msgs)-1].Records[0].S3.Object
	if *last.Size != 3 {
		t.Fatalf("last message is event %d, want the one enqueued after the restart", *last.Size)
	}
	if a := first[2].Records[0].S3.Object.Sequencer; last.Sequencer <= a {
		t.Fatalf("sequencer after restart %s, before %s: not increasing", last.Sequencer, a)
	}
}

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		in, name string
		ok       bool
	}{
		{"hook=http://127.0.0.1:8080/events", "hook", true},
		{"my_hook-2=https://example.com/x?a=b", "my_hook-2", true},
		{"hook", "", false},
		{"=http://x", "", false},
		{"a b=http://x", "", false},
		{"hook=ftp://x", "", false},
		{"hook=/relative", "", false},
	} {
		name, _, err := ParseTarget(tc.in)
		if (err == nil) != tc.ok || name != tc.name {
			t.Errorf("ParseTarget(%q) = %q, %v; want ok=%v", tc.in, name, err, tc.ok)
		}
	}
}

func TestEncodeKey(t *testing.T) {
	for in, want := range map[string]string{
		"a b/c+d.txt": "a+b/c%2Bd.txt",
		"日本":          "%E6%97%A5%E6%9C%AC",
		"x=1&y":       "x%3D1%26y",
	} {
		if got := EncodeKey(in); got != want {
			t.Errorf("EncodeKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDeliveryErrorHidesURL: the error logged for a failed delivery must
// not quote the webhook URL, whose query may hold a token.
func TestDeliveryErrorHidesURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL + "/hook?token=s3cr3t"
	srv.Close() // connection refused from now on
	p, err := newPoster(u)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.post(context.Background(), []byte("{}")); err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("post to a closed server: %v", err)
	}
	q, err := Open(context.Background(), Options{Targets: map[string]string{"hook": u}, Client: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := q.post(context.Background(), u, []byte("{}")); err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("post with Options.Client to a closed server: %v", err)
	}
}

// TestPosterKeepAliveAndReconnect: events go over one kept-alive
// connection, and one the receiver dropped while idle is replaced
// without the event failing.
func TestPosterKeepAliveAndReconnect(t *testing.T) {
	var conns atomic.Int32
	var got atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || string(b) != "{}" ||
			r.URL.RequestURI() != "/h?x=1" {
			t.Errorf("got %s %s %q %s", r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), b)
		}
		got.Add(1)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	p, err := newPoster(srv.URL + "/h?x=1")
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	for range 5 {
		if err := p.post(context.Background(), []byte("{}")); err != nil {
			t.Fatal(err)
		}
	}
	if conns.Load() != 1 {
		t.Fatalf("%d connections for 5 events, want 1", conns.Load())
	}
	srv.CloseClientConnections()
	time.Sleep(20 * time.Millisecond)
	if err := p.post(context.Background(), []byte("{}")); err != nil {
		t.Fatalf("after the receiver closed the idle connection: %v", err)
	}
	if got.Load() != 6 || conns.Load() != 2 {
		t.Fatalf("%d events over %d connections, want 6 over 2", got.Load(), conns.Load())
	}
}
