package server_test

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/s3kit/s3kit/policy"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
)

// metricsEnv is a server with metrics on, public or not.
func metricsEnv(t *testing.T, bk backend, public bool, opts ...s3test.Option) *env {
	t.Helper()
	return bk.env(t, append(opts, s3test.WithConfig(func(c *server.Config) {
		c.Metrics, c.MetricsPublic = true, public
	}))...)
}

// sampleLine is one sample of the text format: name, optional labels,
// value.
var sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$`)

// scrape reads the metrics and returns each sample's value by its name
// and labels as written ("name{a=\"b\"}"); it fails on any line that is
// neither a comment nor a sample.
func scrape(t *testing.T, r result) map[string]float64 {
	t.Helper()
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("scrape: status %d, Content-Type %q\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a sample line: %q", line)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out[m[1]+m[2]] = v
	}
	return out
}

// GET /-/metrics counts requests by operation and status, the bytes each
// way, latencies per operation and the requests in flight, and says what
// each bucket holds and how much space is free.
func TestMetrics(t *testing.T) {
	run(t, func(t *testing.T, bk backend) {
		e := metricsEnv(t, bk, true)
		e.mkBucket("bkt")
		e.mkBucket("empty")
		body := bytes.Repeat([]byte("m"), 3000)
		e.put("bkt", "a", body, nil)
		e.put("bkt", "b", body[:100], nil)
		e.put("bkt", "b", body[:10], nil) // overwrite
		e.must(200, "GET", "/bkt/a", nil, nil)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/missing", nil, nil)
		e.as(e.creds.AccessKeyID, "wrong-secret-0123456789abcdefghijklmnopq").
			wantErr(403, "SignatureDoesNotMatch", "GET", "/bkt/a", nil, nil)
		m := scrape(t, e.anon("GET", server.MetricsPath, nil, nil))
		want := map[string]float64{
			`s3kit_requests_total{op="CreateBucket",status="200"}`:            2,
			`s3kit_requests_total{op="PutObject",status="200"}`:               3,
			`s3kit_requests_total{op="GetObject",status="200"}`:               1,
			`s3kit_requests_total{op="GetObject",status="404"}`:               1,
			`s3kit_requests_total{op="GetObject",status="403"}`:               1,
			`s3kit_received_bytes_total{op="PutObject"}`:                      3110,
			`s3kit_sent_bytes_total{op="PutObject"}`:                          0,
			`s3kit_request_duration_seconds_count{op="PutObject"}`:            3,
			`s3kit_request_duration_seconds_bucket{op="PutObject",le="+Inf"}`: 3,
			`s3kit_request_duration_seconds_count{op="GetObject"}`:            3,
			// The scrape itself is in flight.
			`s3kit_requests_in_flight`:             1,
			`s3kit_bucket_objects{bucket="bkt"}`:   2,
			`s3kit_bucket_bytes{bucket="bkt"}`:     3010,
			`s3kit_bucket_objects{bucket="empty"}`: 0,
			`s3kit_bucket_bytes{bucket="empty"}`:   0,
		}
		for k, v := range want {
			if got, ok := m[k]; !ok || got != v {
				t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
			}
		}
		if got := m[`s3kit_sent_bytes_total{op="GetObject"}`]; got < 3000 {
			t.Errorf("GetObject sent %v bytes, want the object's 3000 and the error documents", got)
		}
		free, ok := m["s3kit_storage_free_bytes"]
		if bk == diskBackend && (!ok || free <= 0) {
			t.Errorf("disk: s3kit_storage_free_bytes = %v (present %v), want the free space", free, ok)
		}
		if bk == memBackend && ok {
			t.Errorf("memory: s3kit_storage_free_bytes = %v, want none", free)
		}

		e.must(204, "DELETE", "/bkt/a", nil, nil)
		m = scrape(t, e.anon("GET", server.MetricsPath, nil, nil))
		if m[`s3kit_bucket_objects{bucket="bkt"}`] != 1 || m[`s3kit_bucket_bytes{bucket="bkt"}`] != 10 ||
			m[`s3kit_requests_total{op="GetMetrics",status="200"}`] != 1 {
			t.Errorf("after a delete and a scrape: bkt %v objects %v bytes, %v scrapes counted",
				m[`s3kit_bucket_objects{bucket="bkt"}`], m[`s3kit_bucket_bytes{bucket="bkt"}`], m[`s3kit_requests_total{op="GetMetrics",status="200"}`])
		}
	})
}

// Unless the metrics are public a scrape must be signed, like any S3
// request, by a key that may list every bucket (read-only keys too, by a
// flag or by their identity policy); a virtual-host request for
// a bucket's "-/metrics" key is an object request, not a scrape. Without
// Config.Metrics the path is an S3 request like any other ("-" is no
// valid bucket name, so no bucket is hidden by it).
func TestMetricsAccess(t *testing.T) {
	limited := server.Key{AccessKeyID: "AKIALIMITED000000000", Secret: "limited-secret-0123456789abcdefghijklmn", Buckets: []string{"bkt"}}
	// Keys of s3kit serve carry their access as identity policies.
	bucketPolicy := server.Key{AccessKeyID: "AKIABUCKETPOLICY0000", Secret: "bucketpolicy-secret-0123456789", Policies: []*policy.Policy{mustIdentityPolicy(t,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}]}`)}}
	readPolicy := server.Key{AccessKeyID: "AKIAREADPOLICY000000", Secret: "readpolicy-secret-0123456789", Policies: []*policy.Policy{mustIdentityPolicy(t,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`)}}
	e := metricsEnv(t, memBackend, false, s3test.WithKeys(limited, bucketPolicy, readPolicy), s3test.WithDomain("s3.local"))
	e.mkBucket("bkt")
	checkErr(t, e.anon("GET", server.MetricsPath, nil, nil), 403, "AccessDenied", false)
	checkErr(t, e.as(limited.AccessKeyID, limited.Secret).do("GET", server.MetricsPath, nil, nil), 403, "AccessDenied", false)
	checkErr(t, e.as(bucketPolicy.AccessKeyID, bucketPolicy.Secret).do("GET", server.MetricsPath, nil, nil), 403, "AccessDenied", false)
	scrape(t, e.as(readPolicy.AccessKeyID, readPolicy.Secret).do("GET", server.MetricsPath, nil, nil))
	if m := scrape(t, e.do("GET", server.MetricsPath, nil, nil)); m[`s3kit_requests_total{op="GetMetrics",status="403"}`] != 3 {
		t.Errorf("refused scrapes counted %v, want 3", m[`s3kit_requests_total{op="GetMetrics",status="403"}`])
	}
	req := e.request("GET", server.MetricsPath, nil, nil)
	req.Host = "bkt.s3.local"
	if r := e.send(req); r.status != 403 || bytes.Contains(r.body, []byte("s3kit_requests_total")) {
		t.Errorf("virtual-host GET of key -/metrics: %d\n%s", r.status, r.body)
	}

	off := newEnv(t)
	if r := off.do("GET", server.MetricsPath, nil, nil); r.status == 200 || bytes.Contains(r.body, []byte("s3kit_requests_total")) {
		t.Errorf("metrics off: GET %s = %d\n%s", server.MetricsPath, r.status, r.body)
	}
}

// Requests counted from many connections at once, while scrapes run,
// are all counted: none lost when two first requests of an operation race.
func TestMetricsConcurrent(t *testing.T) {
	e := metricsEnv(t, memBackend, true)
	e.mkBucket("bkt")
	const workers, each = 8, 15
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				e.do("HEAD", "/bkt", nil, nil)
				e.do("GET", "/bkt/missing", nil, nil)
				e.do("GET", "/bkt?list-type=2", nil, nil)
				e.anon("GET", server.MetricsPath, nil, nil)
			}
		}()
	}
	wg.Wait()
	m := scrape(t, e.anon("GET", server.MetricsPath, nil, nil))
	for _, k := range []string{
		`s3kit_requests_total{op="HeadBucket",status="200"}`,
		`s3kit_requests_total{op="GetObject",status="404"}`,
		`s3kit_requests_total{op="ListObjectsV2",status="200"}`,
		`s3kit_request_duration_seconds_count{op="ListObjectsV2"}`,
		`s3kit_requests_total{op="GetMetrics",status="200"}`,
	} {
		if m[k] != workers*each {
			t.Errorf("%s = %v, want %d", k, m[k], workers*each)
		}
	}
}
