package server_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/sigv4"
)

// BenchmarkPostObject8MiB uploads an 8 MiB file with a presigned POST to
// the disk backend. B/op far below 8 MiB shows that the file streams to
// storage rather than being buffered whole.
func BenchmarkPostObject8MiB(b *testing.B) {
	c := newClock()
	srv := s3test.NewServer(b, s3test.WithDisk(), s3test.WithNow(c.Now))
	e := &env{srv: srv, clock: c, creds: srv.Credentials(), signer: sigv4.NewSigner()}
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/bkt", nil)
	if _, err := e.signer.Sign(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: srv.Region, Time: c.Now(),
		PayloadHash: sigv4.UnsignedPayload}); err != nil {
		b.Fatal(err)
	}
	if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != 200 {
		b.Fatalf("create bucket: %v %v", resp, err)
	}
	policy := policyDoc(b, c.Now().Add(time.Hour), append(e.v4Conds(), map[string]string{"bucket": "bkt"}, []any{"starts-with", "$key", ""})...)
	f := postForm{fields: append([]postField{{"key", "big"}}, e.v4Fields(policy)...), filename: "f", file: bytes.Repeat([]byte("x"), 8<<20)}
	body, ct := f.body(b)
	b.SetBytes(int64(len(f.file)))
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/bkt", bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
