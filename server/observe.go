package server

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// MetricsPath serves the server's metrics in Prometheus text format when
// Config.Metrics is set.
const MetricsPath = "/-/metrics"

// opMetrics is the operation name of a scrape of MetricsPath.
const opMetrics = "GetMetrics"

// opNone labels requests that failed before the router named their
// operation (an unparsable URI, say).
const opNone = "None"

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
		s.accessLine(rq, start.Add(d), status, code, got, sent, d)
	}
}

// accessLine writes a request's access-log line, timed at its end. The key ID is the one
// that signed, or for a request refused before that the one it claimed;
// nothing after the ID in a credential, and never a signature or secret,
// is logged.
func (s *Server) accessLine(rq *request, end time.Time, status int, code string, in, out int64, d time.Duration) {
	id := ""
	if rq.v != nil {
		id = rq.v.AccessKeyID
	} else {
		id = claimedKeyID(rq.r)
	}
	s.access.line(end, rq, id, status, code, in, out, d)
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
		if !s.allowedEverywhere(rq, "s3:ListBucket") {
			// The metrics name every bucket of every account: only a
			// key that may list any bucket (read-only keys included)
			// reads them.
			rq.refused, rq.refusedWhy = true, "only a key that may use every bucket may read the metrics"
			return nil, errCode(s3xml.CodeAccessDenied)
		}
	}
	b := bytes.NewBuffer(s.metrics.appendText(ctx, nil))
	return &response{body: b, size: int64(b.Len()),
		header: http.Header{"Content-Type": {"text/plain; version=0.0.4; charset=utf-8"}}}, nil
}
