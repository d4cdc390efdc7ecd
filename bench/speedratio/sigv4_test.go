package speedratio

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/s3kit/s3kit/sigv4"
)

const (
	benchURL = "https://examplebucket.s3.us-east-1.amazonaws.com/photos/2026/11/cat.jpg"
	benchAK  = "AKIAIOSFODNN7EXAMPLE"
	benchSK  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var benchTime = time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)

var benchInput = sigv4.SignInput{Credentials: sigv4.Credentials{AccessKeyID: benchAK, SecretAccessKey: benchSK},
	Service: "s3", Region: "us-east-1", Time: benchTime, PayloadHash: sigv4.EmptyPayloadHash}

// typicalGET is the request the signing targets are stated for: a
// virtual-hosted GET of a nested key with a User-Agent and no body.
func typicalGET(b *testing.B, rawURL string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("User-Agent", "bench/1.0")
	return req
}

// best keeps the fastest per-operation time seen for each name.
type best map[string]time.Duration

func (m best) keep(name string, d time.Duration) {
	if cur, ok := m[name]; !ok || d < cur {
		m[name] = d
	}
}

// BenchmarkSignRatio compares header signing and presigning of the typical
// GET with aws-sdk-go-v2's SignHTTP and PresignHTTP. aws-sdk-go-v2's S3
// middleware sets X-Amz-Content-Sha256 before SignHTTP; so does this.
func BenchmarkSignRatio(b *testing.B) {
	ours := sigv4.NewSigner()
	sdk := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: benchAK, SecretAccessKey: benchSK}
	ctx := context.Background()
	reqA, reqB := typicalGET(b, benchURL), typicalGET(b, benchURL)
	presignBase := typicalGET(b, benchURL+"?X-Amz-Expires=900")
	presignBase.Header.Del("User-Agent")
	reqP := typicalGET(b, benchURL)
	reqP.Header.Del("User-Agent")
	const batch = 1000
	measure := func(f func()) time.Duration {
		start := time.Now()
		for range batch {
			f()
		}
		return time.Since(start) / batch
	}
	m := best{}
	for b.Loop() {
		for range 60 {
			m.keep("sign/s3kit", measure(func() { _, _ = ours.Sign(reqA, benchInput) }))
			m.keep("sign/sdk", measure(func() {
				reqB.Header.Set("X-Amz-Content-Sha256", sigv4.EmptyPayloadHash)
				_ = sdk.SignHTTP(ctx, creds, reqB, sigv4.EmptyPayloadHash, "s3", "us-east-1", benchTime)
			}))
			inP := benchInput
			inP.PayloadHash = ""
			m.keep("presign/s3kit", measure(func() { _, _ = ours.Presign(reqP, inP, 15*time.Minute) }))
			m.keep("presign/sdk", measure(func() {
				r := *presignBase
				u := *presignBase.URL
				r.URL = &u
				_, _, _ = sdk.PresignHTTP(ctx, creds, &r, sigv4.UnsignedPayload, "s3", "us-east-1", benchTime)
			}))
		}
	}
	for _, op := range []string{"sign", "presign"} {
		o, s := m[op+"/s3kit"], m[op+"/sdk"]
		b.ReportMetric(float64(o.Nanoseconds()), op+"-s3kit-ns/op")
		b.ReportMetric(float64(s.Nanoseconds()), op+"-sdk-ns/op")
		b.ReportMetric(float64(o)/float64(s), op+"-ratio")
	}
}

// BenchmarkStreamingRatio compares verifying a signed aws-chunked body with
// hashing the same bytes once with crypto/sha256, the physical limit: the
// ratio is sha256's time over verification's (1.0 = as fast as one hash).
func BenchmarkStreamingRatio(b *testing.B) {
	body := bytes.Repeat([]byte("0123456789abcdef"), (2<<20)/16)
	v := &sigv4.Verifier{Lookup: func(context.Context, string) (string, error) { return benchSK, nil },
		Now: func() time.Time { return benchTime }}
	cases := []struct {
		name string
		opts sigv4.ChunkedOptions
	}{
		{"64KiB", sigv4.ChunkedOptions{Signed: true}},
		{"64KiB-crc32c", sigv4.ChunkedOptions{Signed: true, Trailer: sigv4.CRC32C}},
		{"1MiB", sigv4.ChunkedOptions{Signed: true, ChunkSize: 1 << 20}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			req, _ := http.NewRequest(http.MethodPut, "http://127.0.0.1:9000/b/k", nil)
			if err := sigv4.NewSigner().SignStreaming(req, benchInput, bytes.NewReader(body), int64(len(body)), c.opts); err != nil {
				b.Fatal(err)
			}
			enc, _ := io.ReadAll(req.Body)
			m := best{}
			for b.Loop() {
				for round := range 60 {
					if round == 5 {
						// the first rounds pay page faults and first allocations
						clear(m)
					}
					start := time.Now()
					req.Body = io.NopCloser(bytes.NewReader(enc))
					got, err := v.Verify(context.Background(), req)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := io.Copy(io.Discard, got.Body); err != nil {
						b.Fatal(err)
					}
					m.keep("verify", time.Since(start))
					start = time.Now()
					_ = sha256.Sum256(body)
					m.keep("sha256", time.Since(start))
				}
			}
			mbs := func(d time.Duration) float64 { return float64(len(body)) / d.Seconds() / 1e6 }
			b.ReportMetric(mbs(m["verify"]), "verify-MB/s")
			b.ReportMetric(mbs(m["sha256"]), "sha256-MB/s")
			b.ReportMetric(float64(m["sha256"])/float64(m["verify"]), "ratio")
		})
	}
}
