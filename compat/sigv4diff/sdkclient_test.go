package sigv4diff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/s3kit/s3kit/sigv4"
)

// sdkStore verifies every request with s3kit's Verifier, stores PUT bodies
// as decoded and serves them back, and counts the payload modes it saw.
type sdkStore struct {
	mu      sync.Mutex
	objects map[string][]byte
	modes   map[string]int
	errs    []string
}

func (s *sdkStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v := &sigv4.Verifier{Lookup: func(_ context.Context, id string) (string, error) {
		if id != benchAK {
			return "", sigv4.ErrUnknownAccessKey
		}
		return benchSK, nil
	}}
	fail := func(err error) {
		s.mu.Lock()
		msg := fmt.Sprintf("%s %s: %v", r.Method, r.URL, err)
		var e *sigv4.Error
		if errors.As(err, &e) && e.CanonicalRequest != "" {
			msg += "\n" + e.CanonicalRequest
		}
		s.errs = append(s.errs, msg)
		s.mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "<Error><Code>VerificationFailed</Code></Error>")
	}
	got, err := v.Verify(r.Context(), r)
	if err != nil {
		fail(err)
		return
	}
	data, err := io.ReadAll(got.Body)
	if err != nil {
		fail(err)
		return
	}
	mode := r.Header.Get("X-Amz-Content-Sha256")
	if got.Presigned {
		mode = "presigned"
	} else if len(mode) == 64 {
		mode = "signed-payload"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.modes[mode]++
	switch r.Method {
	case http.MethodPut:
		s.objects[r.URL.Path] = data
		w.Header().Set("ETag", `"0"`)
	case http.MethodGet:
		obj, ok := s.objects[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(obj)))
		w.Write(obj)
	}
}

// TestVerifyAWSSDKClient runs the real aws-sdk-go-v2 S3 client (default
// flexible-checksum settings: aws-chunked with a trailing checksum over
// TLS) against a listener that verifies every request with s3kit.
func TestVerifyAWSSDKClient(t *testing.T) {
	store := &sdkStore{objects: map[string][]byte{}, modes: map[string]int{}}
	for _, tls := range []bool{true, false} {
		var srv *httptest.Server
		if tls {
			srv = httptest.NewTLSServer(store)
		} else {
			srv = httptest.NewServer(store)
		}
		defer srv.Close()
		client := s3.New(s3.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(srv.URL),
			UsePathStyle: true,
			HTTPClient:   srv.Client(),
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: benchAK, SecretAccessKey: benchSK}, nil
			}),
		})
		ctx := context.Background()
		for _, tc := range []struct {
			key  string
			size int
			alg  types.ChecksumAlgorithm
		}{
			{"small", 11, ""}, {"empty", 0, ""}, {"dir/big key+$", 300 << 10, ""},
			{"crc32c", 70 << 10, types.ChecksumAlgorithmCrc32c}, {"crc64", 70 << 10, types.ChecksumAlgorithmCrc64nvme},
			{"sha1", 1000, types.ChecksumAlgorithmSha1}, {"sha256", 1000, types.ChecksumAlgorithmSha256},
		} {
			name := fmt.Sprintf("tls=%v/%s", tls, tc.key)
			body := bytes.Repeat([]byte{byte(len(tc.key))}, tc.size)
			_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(tc.key),
				Body: bytes.NewReader(body), ChecksumAlgorithm: tc.alg})
			if err != nil {
				t.Errorf("%s: PutObject: %v", name, err)
				continue
			}
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(tc.key)})
			if err != nil {
				t.Errorf("%s: GetObject: %v", name, err)
				continue
			}
			back, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if !bytes.Equal(back, body) {
				t.Errorf("%s: stored %d bytes, sent %d: framing leaked or bytes lost", name, len(back), len(body))
			}
		}
		// Presigned PUT and GET.
		pc := s3.NewPresignClient(client)
		put, err := pc.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("pre")},
			s3.WithPresignExpires(10*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(put.Method, put.URL, bytes.NewReader([]byte("presigned body")))
		for k, v := range put.SignedHeader {
			req.Header[k] = v
		}
		if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != 200 {
			t.Errorf("tls=%v: presigned PUT: %v %v", tls, err, resp)
		} else {
			resp.Body.Close()
		}
		get, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("pre")})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Get(get.URL)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != "presigned body" {
			t.Errorf("tls=%v: presigned GET returned %q", tls, got)
		}
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	for _, e := range store.errs {
		t.Errorf("verification failed: %s", e)
	}
	t.Logf("payload modes verified: %v", store.modes)
	if store.modes[sigv4.StreamingUnsignedPayloadTrailer] == 0 || store.modes["presigned"] == 0 {
		t.Errorf("expected aws-chunked trailer uploads and presigned requests, saw %v", store.modes)
	}
}
