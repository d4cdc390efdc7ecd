package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"testing"
	"time"
)

// typicalGET is the request the speed targets are measured on: a
// virtual-hosted GET of a nested key with a User-Agent and no body.
func typicalGET(b *testing.B) *http.Request {
	req, err := http.NewRequest(http.MethodGet, "https://examplebucket.s3.us-east-1.amazonaws.com/photos/2026/11/cat.jpg", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("User-Agent", "s3kit/0.1")
	return req
}

var benchInput = SignInput{
	Credentials: Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
	Service:     "s3", Region: "us-east-1", Time: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC),
	PayloadHash: EmptyPayloadHash,
}

func BenchmarkSign(b *testing.B) {
	req := typicalGET(b)
	s := NewSigner()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Sign(req, benchInput); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPresign(b *testing.B) {
	req := typicalGET(b)
	s := NewSigner()
	in := benchInput
	in.PayloadHash = ""
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Presign(req, in, 15*time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyHeader(b *testing.B) {
	req := typicalGET(b)
	if _, err := NewSigner().Sign(req, benchInput); err != nil {
		b.Fatal(err)
	}
	v := &Verifier{Lookup: func(context.Context, string) (string, error) { return benchInput.Credentials.SecretAccessKey, nil },
		Now: func() time.Time { return benchInput.Time }}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

const benchObject = 8 << 20

// BenchmarkVerifyChunked measures decoding + verifying a signed aws-chunked
// body (64 KiB chunks), bytes/s of decoded payload.
func BenchmarkVerifyChunked(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts ChunkedOptions
	}{
		{"signed", ChunkedOptions{Signed: true}},
		{"signed-trailer-crc32c", ChunkedOptions{Signed: true, Trailer: CRC32C}},
		{"signed-1MiB-chunks", ChunkedOptions{Signed: true, ChunkSize: 1 << 20}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			body := bytes.Repeat([]byte("0123456789abcdef"), benchObject/16)
			req, _ := http.NewRequest(http.MethodPut, "http://127.0.0.1:9000/b/k", nil)
			in := benchInput
			if err := NewSigner().SignStreaming(req, in, bytes.NewReader(body), int64(len(body)), tc.opts); err != nil {
				b.Fatal(err)
			}
			enc, _ := io.ReadAll(req.Body)
			v := &Verifier{Lookup: func(context.Context, string) (string, error) { return in.Credentials.SecretAccessKey, nil },
				Now: func() time.Time { return in.Time }}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				req.Body = io.NopCloser(bytes.NewReader(enc))
				got, err := v.Verify(context.Background(), req)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, got.Body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSHA256 is the physical limit VerifyChunked is compared with:
// hashing every byte once.
func BenchmarkSHA256(b *testing.B) {
	body := bytes.Repeat([]byte("0123456789abcdef"), benchObject/16)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		h := sha256.New()
		h.Write(body)
		h.Sum(nil)
	}
}

func BenchmarkChecksum(b *testing.B) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	for _, alg := range allAlgorithms {
		b.Run(string(alg), func(b *testing.B) {
			h, _ := NewChecksum(alg)
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				h.Reset()
				h.Write(body)
			}
		})
	}
}
