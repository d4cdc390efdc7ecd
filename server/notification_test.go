package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/server/notify"
)

// hookReceiver is a webhook on 127.0.0.1 recording what it is POSTed;
// while down it answers 503.
type hookReceiver struct {
	mu     sync.Mutex
	bodies [][]byte
	down   atomic.Bool
	srv    *httptest.Server
	got    chan struct{}
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	r := &hookReceiver{got: make(chan struct{}, 1)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if r.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		if ct := req.Header.Get("Content-Type"); req.Method != http.MethodPost || ct != "application/json" {
			t.Errorf("receiver got %s with Content-Type %q", req.Method, ct)
		}
		r.mu.Lock()
		r.bodies = append(r.bodies, body)
		r.mu.Unlock()
		select {
		case r.got <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// records waits until the receiver holds n event records (test events
// aside) and returns them with the test events seen.
func (r *hookReceiver) records(t *testing.T, n int) ([]notify.Record, []notify.TestMessage) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var recs []notify.Record
		var tests []notify.TestMessage
		r.mu.Lock()
		for _, b := range r.bodies {
			if strings.Contains(string(b), `"s3:TestEvent"`) {
				var m notify.TestMessage
				if err := json.Unmarshal(b, &m); err != nil {
					t.Fatalf("test event: %v: %s", err, b)
				}
				tests = append(tests, m)
				continue
			}
			var m notify.Message
			if err := json.Unmarshal(b, &m); err != nil || len(m.Records) != 1 {
				t.Fatalf("event: %v, %d records: %s", err, len(m.Records), b)
			}
			recs = append(recs, m.Records[0])
		}
		r.mu.Unlock()
		if len(recs) >= n {
			return recs, tests
		}
		if time.Now().After(deadline) {
			t.Fatalf("receiver has %d event records, want %d", len(recs), n)
		}
		select {
		case <-r.got:
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// queueConfig is a NotificationConfiguration with one QueueConfiguration.
func queueConfig(id, arn string, events []string, prefix, suffix string) []byte {
	var b strings.Builder
	b.WriteString(`<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><QueueConfiguration>`)
	if id != "" {
		b.WriteString("<Id>" + id + "</Id>")
	}
	b.WriteString("<Queue>" + arn + "</Queue>")
	for _, e := range events {
		b.WriteString("<Event>" + e + "</Event>")
	}
	if prefix != "" || suffix != "" {
		b.WriteString("<Filter><S3Key>")
		if prefix != "" {
			b.WriteString("<FilterRule><Name>prefix</Name><Value>" + prefix + "</Value></FilterRule>")
		}
		if suffix != "" {
			b.WriteString("<FilterRule><Name>suffix</Name><Value>" + suffix + "</Value></FilterRule>")
		}
		b.WriteString("</S3Key></Filter>")
	}
	b.WriteString("</QueueConfiguration></NotificationConfiguration>")
	return []byte(b.String())
}

const hookARN = "arn:s3kit:sqs:us-east-1:local:hook"

// TestNotificationConfiguration puts and gets a configuration, and checks
// S3's refusals: unknown or malformed destinations, other destination
// kinds, unsupported events, bad filter rules, overlapping configurations.
func TestNotificationConfiguration(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		rc := newHookReceiver(t)
		e := bk.env(t, s3test.WithNotifyWebhook("hook", rc.srv.URL))
		e.mkBucket("bkt")
		e.must(200, "PUT", "/bkt?notification", queueConfig("", hookARN, []string{"s3:ObjectCreated:*"}, "img/", ".jpg"), nil)
		var got s3xml.NotificationConfiguration
		e.must(200, "GET", "/bkt?notification", nil, nil).decode(t, &got)
		if len(got.QueueConfigurations) != 1 {
			t.Fatalf("got %+v", got)
		}
		q := got.QueueConfigurations[0]
		if q.ID == "" || q.Queue != hookARN || len(q.Events) != 1 || q.Events[0] != "s3:ObjectCreated:*" || q.Filter == nil ||
			fmt.Sprint(q.Filter.Rules) != "[{Prefix img/} {Suffix .jpg}]" {
			t.Fatalf("stored configuration %+v (filter %+v): want a generated Id and S3's Prefix/Suffix", q, q.Filter)
		}
		_, tests := rc.records(t, 0)
		for len(tests) == 0 {
			time.Sleep(20 * time.Millisecond)
			_, tests = rc.records(t, 0)
		}
		if tm := tests[0]; tm.Event != "s3:TestEvent" || tm.Bucket != "bkt" || tm.Service != "Amazon S3" || tm.Time == "" {
			t.Errorf("test event %+v", tm)
		}

		refusals := []struct {
			name, doc, code, msg string
		}{
			{"unknown target", string(queueConfig("", "arn:s3kit:sqs:us-east-1:local:nohook", []string{"s3:ObjectCreated:*"}, "", "")),
				"InvalidArgument", "Unable to validate the following destination configurations"},
			{"malformed arn", string(queueConfig("", "arn:aws:sqs:us-east-1:123456789012:hook", []string{"s3:ObjectCreated:*"}, "", "")),
				"InvalidArgument", "Unable to validate the following destination configurations"},
			{"other region", string(queueConfig("", "arn:s3kit:sqs:eu-west-1:local:hook", []string{"s3:ObjectCreated:*"}, "", "")),
				"InvalidArgument", "Unable to validate the following destination configurations"},
			{"topic", `<NotificationConfiguration><TopicConfiguration><Topic>arn:aws:sns:us-east-1:1:t</Topic><Event>s3:ObjectCreated:*</Event></TopicConfiguration></NotificationConfiguration>`,
				"InvalidArgument", "Unable to validate the following destination configurations"},
			{"bad event", string(queueConfig("", hookARN, []string{"s3:ObjectCreated:Nope"}, "", "")),
				"InvalidArgument", "The event is not supported for notifications"},
			{"bad filter", strings.Replace(string(queueConfig("", hookARN, []string{"s3:ObjectCreated:*"}, "a", "")), "<Name>prefix", "<Name>middle", 1),
				"InvalidArgument", "filter rule name must be either prefix or suffix"},
			{"overlap", `<NotificationConfiguration>` +
				`<QueueConfiguration><Queue>` + hookARN + `</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>a/</Value></FilterRule></S3Key></Filter></QueueConfiguration>` +
				`<QueueConfiguration><Queue>` + hookARN + `</Queue><Event>s3:ObjectCreated:Put</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>a/b/</Value></FilterRule></S3Key></Filter></QueueConfiguration>` +
				`</NotificationConfiguration>`,
				"InvalidArgument", "Configurations overlap. Configurations on the same bucket cannot share a common event type."},
			{"not xml", "<NotificationConfiguration><Queue", "MalformedXML", ""},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				var doc s3xml.Error
				e.wantErr(400, tc.code, "PUT", "/bkt?notification", []byte(tc.doc), nil).decode(t, &doc)
				if tc.msg != "" && doc.Message != tc.msg {
					t.Errorf("message %q, want %q", doc.Message, tc.msg)
				}
			})
		}
		// A refused configuration changed nothing.
		var after s3xml.NotificationConfiguration
		e.must(200, "GET", "/bkt?notification", nil, nil).decode(t, &after)
		if len(after.QueueConfigurations) != 1 || after.QueueConfigurations[0].ID != q.ID {
			t.Fatalf("after refusals: %+v", after)
		}
		// Disjoint filters on one event type do not overlap.
		two := `<NotificationConfiguration>` +
			`<QueueConfiguration><Id>a</Id><Queue>` + hookARN + `</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>a/</Value></FilterRule></S3Key></Filter></QueueConfiguration>` +
			`<QueueConfiguration><Id>b</Id><Queue>` + hookARN + `</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>b/</Value></FilterRule></S3Key></Filter></QueueConfiguration>` +
			`</NotificationConfiguration>`
		e.must(200, "PUT", "/bkt?notification", []byte(two), nil)
		// An empty configuration turns notifications off.
		e.must(200, "PUT", "/bkt?notification", []byte(`<NotificationConfiguration/>`), nil)
		var off s3xml.NotificationConfiguration
		e.must(200, "GET", "/bkt?notification", nil, nil).decode(t, &off)
		if len(off.QueueConfigurations) != 0 {
			t.Fatalf("after an empty put: %+v", off)
		}
		e.wantErr(404, "NoSuchBucket", "PUT", "/nobkt?notification", queueConfig("", hookARN, []string{"s3:ObjectCreated:*"}, "", ""), nil)
	})
}

// TestNotificationWithoutTargets: a server without webhooks takes only an
// empty configuration.
func TestNotificationWithoutTargets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mkBucket("bkt")
	e.wantErr(400, "InvalidArgument", "PUT", "/bkt?notification", queueConfig("", hookARN, []string{"s3:ObjectCreated:*"}, "", ""), nil)
	e.must(200, "PUT", "/bkt?notification", []byte(`<NotificationConfiguration></NotificationConfiguration>`), nil)
}

// TestNotificationEvents checks the events a webhook gets for each kind
// of change, their JSON fields, and the prefix/suffix filter.
func TestNotificationEvents(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		rc := newHookReceiver(t)
		e := bk.env(t, s3test.WithNotifyWebhook("hook", rc.srv.URL))
		e.mkBucket("bkt")
		doc := queueConfig("cfg1", hookARN, []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectTagging:*"}, "in/", ".txt")
		e.must(200, "PUT", "/bkt?notification", doc, nil)

		etag := e.put("bkt", "in/a%20b+c.txt", []byte("hello"), nil)
		e.put("bkt", "in/skip.jpg", []byte("no: suffix"), nil)
		e.put("bkt", "out/skip.txt", []byte("no: prefix"), nil)
		e.must(200, "PUT", "/bkt/in/copy.txt", nil, hdr{"X-Amz-Copy-Source": "/bkt/in/a%20b+c.txt"})
		e.must(200, "PUT", "/bkt/in/copy.txt?tagging", []byte(`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`), nil)
		r := e.must(200, "POST", "/bkt/in/mp.txt?uploads", nil, nil)
		var up s3xml.InitiateMultipartUploadResult
		r.decode(t, &up)
		pe := e.must(200, "PUT", "/bkt/in/mp.txt?partNumber=1&uploadId="+up.UploadID, []byte("part"), nil).header.Get("ETag")
		e.must(200, "POST", "/bkt/in/mp.txt?uploadId="+up.UploadID,
			[]byte(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>`+pe+`</ETag></Part></CompleteMultipartUpload>`), nil)
		del := e.must(204, "DELETE", "/bkt/in/a%20b+c.txt", nil, nil)
		e.must(200, "POST", "/bkt?delete", []byte(`<Delete><Object><Key>in/copy.txt</Key></Object><Object><Key>out/skip.txt</Key></Object></Delete>`), nil)

		recs, _ := rc.records(t, 6)
		var names []string
		for _, rec := range recs {
			names = append(names, rec.EventName+" "+rec.S3.Object.Key)
		}
		want := []string{
			"ObjectCreated:Put in/a+b%2Bc.txt",
			"ObjectCreated:Copy in/copy.txt",
			"ObjectTagging:Put in/copy.txt",
			"ObjectCreated:CompleteMultipartUpload in/mp.txt",
			"ObjectRemoved:Delete in/a+b%2Bc.txt",
			"ObjectRemoved:Delete in/copy.txt",
		}
		if len(names) != len(want) || strings.Join(names, "\n") != strings.Join(want, "\n") {
			t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
		}
		p := recs[0]
		if p.EventVersion != "2.1" || p.EventSource != "aws:s3" || p.AWSRegion != "us-east-1" || p.EventTime == "" ||
			p.UserIdentity.PrincipalID != e.srv.AccessKeyID || p.RequestParameters.SourceIPAddress != "127.0.0.1" ||
			p.ResponseElements.RequestID == "" || p.ResponseElements.HostID == "" {
			t.Errorf("record envelope %+v", p)
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", p.EventTime); err != nil {
			t.Errorf("eventTime %q: %v", p.EventTime, err)
		}
		s3 := p.S3
		if s3.SchemaVersion != "1.0" || s3.ConfigurationID != "cfg1" || s3.Bucket.Name != "bkt" ||
			s3.Bucket.ARN != "arn:aws:s3:::bkt" || s3.Bucket.OwnerIdentity.PrincipalID == "" {
			t.Errorf("s3 entity %+v", s3)
		}
		if o := s3.Object; o.Size == nil || *o.Size != 5 || o.ETag != strings.Trim(etag, `"`) || o.Sequencer == "" {
			t.Errorf("object %+v, want size 5, eTag %s", o, etag)
		}
		if o := recs[4].S3.Object; o.Size != nil || o.ETag != "" {
			t.Errorf("a removal has size or eTag: %+v", o)
		}
		if recs[4].ResponseElements.RequestID != del.header.Get("X-Amz-Request-Id") || recs[4].ResponseElements.HostID != del.header.Get("X-Amz-Id-2") {
			t.Errorf("delete event names request %s/%s; the response said %s/%s", recs[4].ResponseElements.RequestID,
				recs[4].ResponseElements.HostID, del.header.Get("X-Amz-Request-Id"), del.header.Get("X-Amz-Id-2"))
		}
		if a, b := recs[0].S3.Object.Sequencer, recs[4].S3.Object.Sequencer; len(a) != len(b) || a >= b {
			t.Errorf("sequencers of one key %s then %s: want increasing", a, b)
		}
		// The configuration goes with the bucket.
		e.must(204, "DELETE", "/bkt/in/mp.txt", nil, nil)
		e.must(204, "DELETE", "/bkt/in/skip.jpg", nil, nil)
		rc.records(t, 7)
		e.must(204, "DELETE", "/bkt", nil, nil)
		e.mkBucket("bkt")
		e.put("bkt", "in/new.txt", []byte("x"), nil)
		var cfg s3xml.NotificationConfiguration
		e.must(200, "GET", "/bkt?notification", nil, nil).decode(t, &cfg)
		if len(cfg.QueueConfigurations) != 0 {
			t.Fatalf("re-created bucket has %+v", cfg)
		}
		time.Sleep(200 * time.Millisecond)
		if recs, _ := rc.records(t, 7); len(recs) != 7 {
			t.Fatalf("%d records after the bucket was re-created, want 7", len(recs))
		}
	})
}

// TestNotificationReceiverOutage: with the receiver down while keys are
// written and deleted, every event still arrives once it is up, in order
// per key.
func TestNotificationReceiverOutage(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		rc := newHookReceiver(t)
		rc.down.Store(true)
		q, err := notify.Open(context.Background(), notify.Options{Targets: map[string]string{"hook": rc.srv.URL},
			MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { q.Close() })
		e := bk.env(t, s3test.WithConfig(func(c *server.Config) { c.Notify = q }))
		e.mkBucket("bkt")
		e.must(200, "PUT", "/bkt?notification", queueConfig("", hookARN, []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"}, "", ""), nil)
		// Several writers, each changing its own keys in turn.
		const writers, rounds = 4, 15
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range rounds {
					key := fmt.Sprintf("k%d-%d", w, i%3)
					if i%4 == 3 {
						e.must(204, "DELETE", "/bkt/"+key, nil, nil)
					} else {
						e.put("bkt", key, []byte(fmt.Sprintf("%d", i)), nil)
					}
				}
			}()
		}
		wg.Wait()
		time.Sleep(100 * time.Millisecond)
		rc.down.Store(false)
		recs, _ := rc.records(t, writers*rounds)
		if len(recs) != writers*rounds {
			t.Fatalf("%d records, want %d", len(recs), writers*rounds)
		}
		checkPerKeyOrder(t, recs)
	})
}

// checkPerKeyOrder checks that each key's events arrived with increasing
// sequencers.
func checkPerKeyOrder(t *testing.T, recs []notify.Record) {
	t.Helper()
	last := map[string]string{}
	for _, r := range recs {
		o := r.S3.Object
		if prev, ok := last[o.Key]; ok && o.Sequencer <= prev {
			t.Fatalf("key %s: sequencer %s after %s", o.Key, o.Sequencer, prev)
		}
		last[o.Key] = o.Sequencer
	}
}

// TestBoto3Notification puts and gets a configuration with real boto3
// (testdata/boto3_notification.py) and checks the events of its writes.
func TestBoto3Notification(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		rc := newHookReceiver(t)
		srv := bk.server(t, s3test.WithNotifyWebhook("hook", rc.srv.URL))
		t.Log(runBoto3Script(t, srv, "testdata/boto3_notification.py", nil, hookARN))
		recs, tests := rc.records(t, 2)
		if len(recs) != 2 || recs[0].EventName != "ObjectCreated:Put" || recs[1].EventName != "ObjectRemoved:Delete" ||
			recs[0].S3.Object.Key != "img/a+cat.jpg" || recs[0].S3.ConfigurationID != "images" {
			t.Fatalf("records %+v", recs)
		}
		if len(tests) != 1 || tests[0].Bucket != "notify" {
			t.Fatalf("test events %+v, want one for bucket notify", tests)
		}
	}, clientBackends()...)
}
