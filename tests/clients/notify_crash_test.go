package clients

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3kit/s3kit/server/notify"
	"github.com/s3kit/s3kit/sigv4"
)

// TestNotifyAcrossKill runs the built "s3kit serve --notify-webhook" with
// a webhook receiver on 127.0.0.1 that is down (503) while writers PUT
// and DELETE keys, kills the server with SIGKILL mid-traffic, restarts it
// on the same data directory, writes more, and only then brings the
// receiver up: every acknowledged PUT and DELETE must be delivered at
// least once, each key's events in the order they were acknowledged.
func TestNotifyAcrossKill(t *testing.T) {
	t.Parallel()
	bin := buildS3kit(t)
	rc := &crashReceiver{}
	rc.down.Store(true)
	hook := httptest.NewServer(rc)
	defer hook.Close()
	data := t.TempDir()
	flag := "--notify-webhook=hook=" + hook.URL + "/events?token=x"
	srv := startServer(t, bin, data, cleanEnv(t.TempDir()), flag)
	c := &s3caller{endpoint: srv.Endpoint, creds: sigv4.Credentials{AccessKeyID: srv.KeyID, SecretAccessKey: srv.Secret}}
	c.must(t, "PUT", "/bkt", nil, 200)
	cfg := `<NotificationConfiguration><QueueConfiguration><Id>all</Id><Queue>arn:s3kit:sqs:us-east-1:local:hook</Queue>` +
		`<Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:*</Event></QueueConfiguration></NotificationConfiguration>`
	c.must(t, "PUT", "/bkt?notification", []byte(cfg), 200)

	// Each writer changes its own keys one request at a time and records
	// what was acknowledged, in order.
	var acked sync.Map // key -> *[]string ("put <etag>" or "delete")
	write := func(ctx context.Context, w, n int, c *s3caller) {
		for i := 0; i < n && ctx.Err() == nil; i++ {
			key := fmt.Sprintf("w%d/k%d", w, i%3)
			v, _ := acked.LoadOrStore(key, new([]string))
			list := v.(*[]string)
			if i%4 == 3 {
				if c.do("DELETE", "/bkt/"+key, nil) == 204 {
					*list = append(*list, "delete")
				}
				continue
			}
			body := []byte(fmt.Sprintf("%s #%d at %d", key, i, time.Now().UnixNano()))
			if c.do("PUT", "/bkt/"+key, body) == 200 {
				sum := md5.Sum(body)
				*list = append(*list, "put "+hex.EncodeToString(sum[:]))
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); write(ctx, w, 1000, c) }()
	}
	time.Sleep(700 * time.Millisecond)
	srv.Kill()
	cancel()
	wg.Wait()

	again := startServer(t, bin, data, cleanEnv(t.TempDir()), flag)
	c2 := &s3caller{endpoint: again.Endpoint, creds: c.creds}
	for w := range 4 {
		write(context.Background(), w, 8, c2)
	}
	time.Sleep(300 * time.Millisecond)
	rc.down.Store(false)

	want := 0
	acked.Range(func(_, v any) bool { want += len(*v.(*[]string)); return true })
	if want < 20 {
		t.Fatalf("only %d acknowledged changes before and after the kill", want)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		missing := rc.check(t, &acked)
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s: %s", missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("%d acknowledged changes delivered (%d records received: unacknowledged changes cut off by the kill and redeliveries included)", want, rc.count())
}

// crashReceiver is the webhook: 503 while down, else it records records.
type crashReceiver struct {
	down atomic.Bool
	mu   sync.Mutex
	recs []notify.Record
}

func (r *crashReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if r.down.Load() {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	var m notify.Message
	if err := json.Unmarshal(body, &m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.recs = append(r.recs, m.Records...)
	r.mu.Unlock()
}

func (r *crashReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.recs)
}

// check compares what arrived with what was acknowledged: it fails t if a
// key's events arrived out of order, and returns what is still missing.
func (r *crashReceiver) check(t *testing.T, acked *sync.Map) string {
	t.Helper()
	r.mu.Lock()
	byKey := map[string][]notify.Record{}
	for _, rec := range r.recs {
		k, _ := url.QueryUnescape(rec.S3.Object.Key)
		byKey[k] = append(byKey[k], rec)
	}
	r.mu.Unlock()
	missing := ""
	acked.Range(func(k, v any) bool {
		key, want := k.(string), *v.(*[]string)
		// Delivery is at least once: a redelivery repeats an event's
		// sequencer, but a key's sequencers never go back.
		var got []string
		last := ""
		for _, rec := range byKey[key] {
			o := rec.S3.Object
			if o.Sequencer < last {
				t.Fatalf("key %s: sequencer %s arrived after %s", key, o.Sequencer, last)
			}
			if o.Sequencer == last {
				continue
			}
			last = o.Sequencer
			if rec.EventName == "ObjectRemoved:Delete" {
				got = append(got, "delete")
			} else {
				got = append(got, "put "+o.ETag)
			}
		}
		// The acknowledged changes must appear in order; changes cut off
		// by the kill may appear between them or not at all.
		i := 0
		for _, g := range got {
			if i < len(want) && g == want[i] {
				i++
			}
		}
		if i < len(want) {
			missing = fmt.Sprintf("key %s: acknowledged %v, delivered %v (missing from %q on)", key, want, got, want[i])
			return false
		}
		return true
	})
	return missing
}

// s3caller sends signed requests to a server.
type s3caller struct {
	endpoint string
	creds    sigv4.Credentials
}

// do sends one request and returns its status (0 when it failed on the
// wire, as when the server was killed).
func (c *s3caller) do(method, path string, body []byte) int {
	req, err := http.NewRequest(method, c.endpoint+path, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	sum := sha256.Sum256(body)
	if _, err := sigv4.NewSigner().Sign(req, sigv4.SignInput{Credentials: c.creds, Service: "s3", Region: "us-east-1",
		Time: time.Now(), PayloadHash: hex.EncodeToString(sum[:])}); err != nil {
		return 0
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func (c *s3caller) must(t *testing.T, method, path string, body []byte, want int) {
	t.Helper()
	if got := c.do(method, path, body); got != want {
		t.Fatalf("%s %s: status %d, want %d", method, path, got, want)
	}
}
