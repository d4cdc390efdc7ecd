package servercompat

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/storage"
)

// Prometheus's own text-format parser reads GET /-/metrics with the types
// a dashboard needs: counters, a histogram per operation with its le
// buckets (cumulative, +Inf equal to the count), gauges for what each
// bucket holds, help texts, and label values with a quote, a backslash
// and a newline read back as they were.
func TestPrometheusParsesMetrics(t *testing.T) {
	const weird = "we\"i\\rd\nname"
	srv := s3test.NewServer(t, s3test.WithDisk(), s3test.WithConfig(func(c *server.Config) { c.Metrics, c.MetricsPublic = true, true }))
	ctx := context.Background()
	if err := srv.Backend.CreateBucket(ctx, weird, storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := http.Get(srv.URL + "/bkt/k"); err != nil { // refused: anonymous
			t.Fatal(err)
		}
	}
	resp, err := http.Get(srv.URL + server.MetricsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if expfmt.ResponseFormat(resp.Header).FormatType() != expfmt.TypeTextPlain {
		t.Fatalf("Content-Type %q is not the text format", resp.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("Prometheus cannot parse the metrics: %v\n%s", err, body)
	}
	want := map[string]dto.MetricType{
		"s3kit_requests_total":           dto.MetricType_COUNTER,
		"s3kit_received_bytes_total":     dto.MetricType_COUNTER,
		"s3kit_sent_bytes_total":         dto.MetricType_COUNTER,
		"s3kit_request_duration_seconds": dto.MetricType_HISTOGRAM,
		"s3kit_requests_in_flight":       dto.MetricType_GAUGE,
		"s3kit_bucket_objects":           dto.MetricType_GAUGE,
		"s3kit_bucket_bytes":             dto.MetricType_GAUGE,
		"s3kit_storage_free_bytes":       dto.MetricType_GAUGE,
	}
	for name, typ := range want {
		f, ok := fams[name]
		if !ok || f.GetType() != typ || f.GetHelp() == "" {
			t.Errorf("%s: present %v, type %v, help %q, want %v with a help text", name, ok, f.GetType(), f.GetHelp(), typ)
		}
	}
	if v := fams["s3kit_requests_in_flight"].GetMetric()[0].GetGauge().GetValue(); v != 1 {
		t.Errorf("requests in flight %v, want 1 (the scrape)", v)
	}
	for _, m := range fams["s3kit_request_duration_seconds"].GetMetric() {
		h := m.GetHistogram()
		if len(h.GetBucket()) < 10 || h.GetSampleCount() == 0 || h.GetSampleSum() <= 0 {
			t.Errorf("histogram %v: %d buckets, %d samples, sum %v", m.GetLabel(), len(h.GetBucket()), h.GetSampleCount(), h.GetSampleSum())
		}
		var prev uint64
		for _, b := range h.GetBucket() {
			if b.GetCumulativeCount() < prev {
				t.Errorf("histogram %v: bucket le=%v holds %d, fewer than the one before (%d)", m.GetLabel(), b.GetUpperBound(), b.GetCumulativeCount(), prev)
			}
			prev = b.GetCumulativeCount()
		}
		if prev > h.GetSampleCount() {
			t.Errorf("histogram %v: last finite bucket %d > count %d", m.GetLabel(), prev, h.GetSampleCount())
		}
	}
	if h := fams["s3kit_request_duration_seconds"]; len(h.GetMetric()) == 0 || !strings.Contains(string(body), `s3kit_request_duration_seconds_bucket{op="GetObject",le="+Inf"} 3`) {
		t.Errorf("no GetObject histogram with 3 in +Inf:\n%s", body)
	}
	if f := fams["s3kit_storage_free_bytes"]; f == nil || f.GetMetric()[0].GetGauge().GetValue() <= 0 {
		t.Errorf("free bytes %v, want the disk's free space", f)
	}
	found := false
	for _, m := range fams["s3kit_requests_total"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["op"] == "GetObject" && labels["status"] == "403" && m.GetCounter().GetValue() == 3 {
			found = true
		}
	}
	if !found {
		t.Errorf("no s3kit_requests_total{op=\"GetObject\",status=\"403\"} 3 in\n%s", body)
	}
	for _, fam := range []string{"s3kit_bucket_objects", "s3kit_bucket_bytes"} {
		names := []string{}
		for _, m := range fams[fam].GetMetric() {
			names = append(names, m.GetLabel()[0].GetValue())
		}
		if len(names) != 1 || names[0] != weird {
			t.Errorf("%s bucket labels %q, want [%q] (the bucket's name unescaped)", fam, names, weird)
		}
	}
}
