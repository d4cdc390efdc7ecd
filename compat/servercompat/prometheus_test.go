package servercompat

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/storage"
)

// Prometheus's own text-format parser reads GET /-/metrics with the types
// a dashboard needs: counters, a histogram per operation with its le
// buckets, and gauges for what each bucket holds.
func TestPrometheusParsesMetrics(t *testing.T) {
	// As serve does: # TYPE lines are a process-wide choice of the library.
	metrics.ExposeMetadata(true)
	srv := s3test.NewServer(t, s3test.WithDisk(), s3test.WithConfig(func(c *server.Config) { c.Metrics, c.MetricsPublic = true, true }))
	ctx := context.Background()
	if err := srv.Backend.CreateBucket(ctx, "we\"ird", storage.CreateBucketOptions{}); err != nil {
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
		if !ok || f.GetType() != typ {
			t.Errorf("%s: present %v, type %v, want %v", name, ok, f.GetType(), typ)
		}
	}
	for _, m := range fams["s3kit_request_duration_seconds"].GetMetric() {
		h := m.GetHistogram()
		if len(h.GetBucket()) < 10 || h.GetSampleCount() == 0 {
			t.Errorf("histogram %v: %d buckets, %d samples", m.GetLabel(), len(h.GetBucket()), h.GetSampleCount())
		}
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
	names := []string{}
	for _, m := range fams["s3kit_bucket_objects"].GetMetric() {
		names = append(names, m.GetLabel()[0].GetValue())
	}
	if strings.Join(names, ",") != `we"ird` {
		t.Errorf("bucket labels %q, want the bucket's name unescaped", names)
	}
}
