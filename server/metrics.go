package server

import (
	"context"
	"math"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/s3kit/s3kit/storage"
)

// The metrics are kept and written here rather than with a metrics
// library: the maintained ones (prometheus/client_golang,
// VictoriaMetrics/metrics) do I/O or sizeable work in their package
// init, which every s3kit subcommand would pay at start-up, and the
// server needs only counters, gauges and one histogram in the text
// format. Prometheus's own parser checks the output in
// compat/servercompat.

// durationBounds are the latency histograms' upper bounds: from a cached
// small GET (well under a millisecond) to a large upload.
var durationBounds = [...]time.Duration{
	500 * time.Microsecond, time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond,
	10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond,
	250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2500 * time.Millisecond,
	5 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute,
}

// HTTP statuses are counted in an array indexed by status-100.
const minStatus, maxStatus = 100, 599

// serverMetrics is one Server's registry, so two servers in one process
// (tests, s3test) count apart.
type serverMetrics struct {
	// usage reports what the buckets hold (nil when the backend keeps no
	// running totals: then those series are left out rather than paid
	// for with a scan per scrape).
	usage  storage.UsageReporter
	public bool

	inFlight atomic.Int64
	// ops maps an operation name to its series. The names are the
	// router's fixed set, so the map is replaced (copied) only the first
	// time each is seen and a request's lookup is a plain map read.
	ops atomic.Pointer[map[string]*opSeries]
	mu  sync.Mutex // serialises adding to ops
}

// opSeries are one operation's series.
type opSeries struct {
	in, out atomic.Uint64
	// byStatus counts requests by HTTP status (index status-minStatus):
	// 4 KiB per operation seen buys an update without a lookup.
	byStatus [maxStatus - minStatus + 1]atomic.Uint64
	// buckets count durations per histogram bucket, not cumulatively;
	// the last is above every bound (+Inf).
	buckets [len(durationBounds) + 1]atomic.Uint64
	sumNs   atomic.Int64
}

func newServerMetrics(b storage.Backend, public bool) *serverMetrics {
	m := &serverMetrics{public: public}
	m.usage, _ = b.(storage.UsageReporter)
	m.ops.Store(&map[string]*opSeries{})
	return m
}

// series returns op's series, creating them on first use.
func (m *serverMetrics) series(op string) *opSeries {
	if op == "" {
		op = opNone
	}
	if o := (*m.ops.Load())[op]; o != nil {
		return o
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.ops.Load()
	if o := old[op]; o != nil {
		return o
	}
	next := make(map[string]*opSeries, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	o := &opSeries{}
	next[op] = o
	m.ops.Store(&next)
	return o
}

// record counts one finished request.
func (m *serverMetrics) record(op string, status int, in, out int64, d time.Duration) {
	o := m.series(op)
	if status >= minStatus && status <= maxStatus {
		o.byStatus[status-minStatus].Add(1)
	}
	o.in.Add(uint64(max(in, 0)))
	o.out.Add(uint64(max(out, 0)))
	i := 0
	for i < len(durationBounds) && d > durationBounds[i] {
		i++
	}
	o.buckets[i].Add(1)
	o.sumNs.Add(int64(d))
}

// appendText appends the metrics in Prometheus text format 0.0.4.
// Operations are written in name order; an operation appears once it has
// had a request.
func (m *serverMetrics) appendText(ctx context.Context, b []byte) []byte {
	ops := *m.ops.Load()
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	sort.Strings(names)

	b = appendHeader(b, "s3kit_requests_total", "counter", "Requests answered, by operation and HTTP status.")
	for _, name := range names {
		o := ops[name]
		for i := range o.byStatus {
			if n := o.byStatus[i].Load(); n > 0 {
				b = append(b, "s3kit_requests_total{op="...)
				b = appendLabelValue(b, name)
				b = append(b, `,status="`...)
				b = strconv.AppendInt(b, int64(i+minStatus), 10)
				b = append(b, `"} `...)
				b = strconv.AppendUint(b, n, 10)
				b = append(b, '\n')
			}
		}
	}
	b = appendHeader(b, "s3kit_received_bytes_total", "counter", "Request body bytes received, by operation.")
	for _, name := range names {
		b = appendOpSample(b, "s3kit_received_bytes_total", name, ops[name].in.Load())
	}
	b = appendHeader(b, "s3kit_sent_bytes_total", "counter", "Response body bytes sent, by operation.")
	for _, name := range names {
		b = appendOpSample(b, "s3kit_sent_bytes_total", name, ops[name].out.Load())
	}
	b = appendHeader(b, "s3kit_request_duration_seconds", "histogram", "Time from a request's arrival to its answer's last byte, by operation.")
	for _, name := range names {
		b = appendHistogram(b, name, ops[name])
	}
	b = appendHeader(b, "s3kit_requests_in_flight", "gauge", "Requests being handled now.")
	b = append(b, "s3kit_requests_in_flight "...)
	b = strconv.AppendInt(b, m.inFlight.Load(), 10)
	b = append(b, '\n')
	return m.appendUsage(ctx, b)
}

// appendHistogram writes one operation's duration histogram: cumulative
// buckets, the sum in seconds and the count (equal to the +Inf bucket,
// both taken from the same reads).
func appendHistogram(b []byte, op string, o *opSeries) []byte {
	var cum uint64
	for i := range o.buckets {
		cum += o.buckets[i].Load()
		b = append(b, "s3kit_request_duration_seconds_bucket{op="...)
		b = appendLabelValue(b, op)
		b = append(b, `,le="`...)
		if i < len(durationBounds) {
			b = strconv.AppendFloat(b, durationBounds[i].Seconds(), 'g', -1, 64)
		} else {
			b = append(b, "+Inf"...)
		}
		b = append(b, `"} `...)
		b = strconv.AppendUint(b, cum, 10)
		b = append(b, '\n')
	}
	b = append(b, "s3kit_request_duration_seconds_sum{op="...)
	b = appendLabelValue(b, op)
	b = append(b, "} "...)
	b = appendFloat(b, time.Duration(o.sumNs.Load()).Seconds())
	b = append(b, '\n')
	return appendOpSample(b, "s3kit_request_duration_seconds_count", op, cum)
}

// appendUsage writes the per-bucket totals and the free space; it reads
// the backend's running totals, not its objects.
func (m *serverMetrics) appendUsage(ctx context.Context, b []byte) []byte {
	if m.usage == nil {
		return b
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u, err := m.usage.Usage(ctx)
	if err != nil {
		return b // the scrape still has the request series
	}
	b = appendHeader(b, "s3kit_bucket_objects", "gauge", "Objects in each bucket.")
	for _, bk := range u.Buckets {
		b = appendBucketSample(b, "s3kit_bucket_objects", bk.Name, bk.Objects)
	}
	b = appendHeader(b, "s3kit_bucket_bytes", "gauge", "Bytes of object data in each bucket.")
	for _, bk := range u.Buckets {
		b = appendBucketSample(b, "s3kit_bucket_bytes", bk.Name, bk.Bytes)
	}
	if u.FreeBytes >= 0 {
		b = appendHeader(b, "s3kit_storage_free_bytes", "gauge", "Space left for new data on the storage's file system.")
		b = append(b, "s3kit_storage_free_bytes "...)
		b = strconv.AppendInt(b, u.FreeBytes, 10)
		b = append(b, '\n')
	}
	return b
}

// appendHeader writes a family's # HELP and # TYPE lines. Help texts are
// constants here, free of the backslashes and newlines HELP would have
// to escape.
func appendHeader(b []byte, name, typ, help string) []byte {
	b = append(b, "# HELP "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, help...)
	b = append(b, "\n# TYPE "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, typ...)
	return append(b, '\n')
}

func appendOpSample(b []byte, name, op string, v uint64) []byte {
	b = append(b, name...)
	b = append(b, "{op="...)
	b = appendLabelValue(b, op)
	b = append(b, "} "...)
	b = strconv.AppendUint(b, v, 10)
	return append(b, '\n')
}

func appendBucketSample(b []byte, name, bucket string, v int64) []byte {
	b = append(b, name...)
	b = append(b, "{bucket="...)
	b = appendLabelValue(b, bucket)
	b = append(b, "} "...)
	b = strconv.AppendInt(b, v, 10)
	return append(b, '\n')
}

// appendFloat writes a sample value as the text format spells it.
func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "+Inf"...)
	case math.IsInf(f, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(f):
		return append(b, "NaN"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// appendLabelValue quotes a label value as the text format wants it:
// backslash, double quote and newline escaped, everything else as is.
func appendLabelValue(b []byte, v string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(v); i++ {
		var esc string
		switch v[i] {
		case '\\':
			esc = `\\`
		case '"':
			esc = `\"`
		case '\n':
			esc = `\n`
		default:
			continue
		}
		b = append(b, v[start:i]...)
		b = append(b, esc...)
		start = i + 1
	}
	b = append(b, v[start:]...)
	return append(b, '"')
}
