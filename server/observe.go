package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// MetricsPath serves the server's metrics in Prometheus text format when
// Config.Metrics is set.
const MetricsPath = "/-/metrics"

// opMetrics is the operation name of a scrape of MetricsPath.
const opMetrics = "GetMetrics"

// opNone labels requests that failed before the router named their
// operation (an unparsable URI, say).
const opNone = "None"

// durationBuckets are the latency histograms' upper bounds, in seconds:
// from a cached small GET (well under a millisecond) to a large upload.
var durationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// serverMetrics is one Server's registry. The library's Set is per
// server, never its process-wide default, so two servers in one process
// (tests, s3test) count apart.
type serverMetrics struct {
	set *metrics.Set
	// usage reports what the buckets hold (nil when the backend keeps no
	// running totals: then those series are left out rather than paid
	// for with a scan per scrape).
	usage  storage.UsageReporter
	public bool

	inFlight atomic.Int64
	// ops maps an operation name to its *opSeries; the router's names
	// are a fixed set, so it stays small.
	ops sync.Map
}

// opSeries are one operation's series, created on its first request.
type opSeries struct {
	name     string
	set      *metrics.Set
	duration *metrics.PrometheusHistogram
	in, out  *metrics.Counter
	// byStatus maps an HTTP status to its request counter.
	byStatus sync.Map
}

func newServerMetrics(b storage.Backend, public bool) *serverMetrics {
	m := &serverMetrics{set: metrics.NewSet(), public: public}
	m.usage, _ = b.(storage.UsageReporter)
	m.set.NewGauge("s3kit_requests_in_flight", func() float64 { return float64(m.inFlight.Load()) })
	if m.usage != nil {
		m.set.RegisterMetricsWriter(m.writeUsage)
	}
	return m
}

// series returns op's series, creating them on first use.
func (m *serverMetrics) series(op string) *opSeries {
	if op == "" {
		op = opNone
	}
	if v, ok := m.ops.Load(op); ok {
		return v.(*opSeries)
	}
	// Operation names are the router's identifiers: no quoting needed.
	label := `{op="` + op + `"}`
	o := &opSeries{name: op, set: m.set,
		duration: m.set.GetOrCreatePrometheusHistogramExt("s3kit_request_duration_seconds"+label, durationBuckets),
		in:       m.set.GetOrCreateCounter("s3kit_received_bytes_total" + label),
		out:      m.set.GetOrCreateCounter("s3kit_sent_bytes_total" + label),
	}
	v, _ := m.ops.LoadOrStore(op, o)
	return v.(*opSeries)
}

// requests returns the counter of op's requests answered with status.
func (o *opSeries) requests(status int) *metrics.Counter {
	if v, ok := o.byStatus.Load(status); ok {
		return v.(*metrics.Counter)
	}
	c := o.set.GetOrCreateCounter(`s3kit_requests_total{op="` + o.name + `",status="` + strconv.Itoa(status) + `"}`)
	v, _ := o.byStatus.LoadOrStore(status, c)
	return v.(*metrics.Counter)
}

// record counts one finished request.
func (m *serverMetrics) record(op string, status int, in, out int64, d time.Duration) {
	o := m.series(op)
	o.requests(status).Inc()
	o.in.Add(int(in))
	o.out.Add(int(out))
	o.duration.Update(d.Seconds())
}

// writeUsage writes the per-bucket totals and the free space; it runs at
// each scrape and reads the backend's running totals, not its objects.
func (m *serverMetrics) writeUsage(w io.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	u, err := m.usage.Usage(ctx)
	if err != nil {
		return // the scrape still has the request series
	}
	metrics.WriteMetadataIfNeeded(w, "s3kit_bucket_objects", "gauge")
	for _, b := range u.Buckets {
		fmt.Fprintf(w, "s3kit_bucket_objects{bucket=%s} %d\n", labelValue(b.Name), b.Objects)
	}
	metrics.WriteMetadataIfNeeded(w, "s3kit_bucket_bytes", "gauge")
	for _, b := range u.Buckets {
		fmt.Fprintf(w, "s3kit_bucket_bytes{bucket=%s} %d\n", labelValue(b.Name), b.Bytes)
	}
	if u.FreeBytes >= 0 {
		metrics.WriteGaugeUint64(w, "s3kit_storage_free_bytes", uint64(u.FreeBytes))
	}
}

// labelValue quotes a label value as the text format wants it: backslash,
// double quote and newline escaped.
func labelValue(v string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// observe is the instrumentation around handle: the in-flight gauge, the
// request's counters and latency under the operation name the router
// gave it, and its access-log line.
func (s *Server) observe(w http.ResponseWriter, rq *request) {
	start := time.Now()
	m := s.metrics
	if m != nil {
		m.inFlight.Add(1)
		defer m.inFlight.Add(-1)
	}
	status, code, sent := s.handle(w, rq)
	d := time.Since(start)
	var got int64
	if rq.wire != nil {
		got = rq.wire.got
	}
	if m != nil {
		m.record(rq.op, status, got, sent, d)
	}
	if s.access != nil {
		s.accessLine(rq, status, code, got, sent, d)
	}
}

// accessLine writes a request's access-log line. The key ID is the one
// that signed, or for a request refused before that the one it claimed;
// nothing after the ID in a credential, and never a signature or secret,
// is logged.
func (s *Server) accessLine(rq *request, status int, code string, in, out int64, d time.Duration) {
	id := ""
	if rq.v != nil {
		id = rq.v.AccessKeyID
	} else {
		id = claimedKeyID(rq.r)
	}
	s.access.line(time.Now(), rq, id, status, code, in, out, d)
}

// serveMetrics answers a scrape of MetricsPath. Unless the metrics are
// public, it must be signed with a key that may see every bucket (the
// metrics name them all); a key limited to some buckets is refused.
func (s *Server) serveMetrics(ctx context.Context, rq *request) (*response, error) {
	if !s.metrics.public {
		q := rq.r.URL.Query()
		rq.q = q
		if err := s.authenticate(ctx, rq); err != nil {
			rq.refused = toError(err).StatusCode() < 500
			return nil, err
		}
		if len(rq.k.Buckets) > 0 {
			rq.refused, rq.refusedWhy = true, "key limited to some buckets may not read the metrics"
			return nil, errCode(s3xml.CodeAccessDenied)
		}
	}
	var b bytes.Buffer
	s.metrics.set.WritePrometheus(&b)
	return &response{body: &b, size: int64(b.Len()),
		header: http.Header{"Content-Type": {"text/plain; version=0.0.4; charset=utf-8"}}}, nil
}
