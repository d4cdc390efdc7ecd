package s3

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/sigv4"
)

func TestAnonymousRequestsAreUnsigned(t *testing.T) {
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = append(auth, r.Header.Get("Authorization")+r.URL.Query().Get("X-Amz-Signature"))
		io.WriteString(w, "public")
	}))
	defer srv.Close()
	sess, err := NewSession(context.Background(), WithEnv(envMap(nil), t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sess.Client(WithEndpointURL(srv.URL), WithAnonymous())
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.GetObject(context.Background(), &GetObjectInput{Bucket: "public", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	out.Body.Close()
	u, err := c.PresignGetObject(context.Background(), &GetObjectInput{Bucket: "public", Key: "k"}, 60e9)
	if err != nil {
		t.Fatal(err)
	}
	if len(auth) != 1 || auth[0] != "" || strings.Contains(u.URL, "X-Amz-Signature") {
		t.Errorf("anonymous client signed: headers %q, presigned %s", auth, u)
	}
}

func TestLoggerNeverSeesSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
		io.WriteString(w, "<Error><Code>SlowDown</Code><Message>slow</Message></Error>")
	}))
	defer srv.Close()
	var logs bytes.Buffer
	c := testClient(t, srv.URL, func(cfg *clientConfig) {
		cfg.logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		cfg.maxAttempts = 2
	})
	_, err := c.HeadObject(context.Background(), &HeadObjectInput{Bucket: "b", Key: "k"})
	if err == nil {
		t.Fatal("want an error")
	}
	out := logs.String()
	if strings.Count(out, "op=HeadObject") != 2 || !strings.Contains(out, "attempt=2") || !strings.Contains(out, "status=503") {
		t.Errorf("logs lack per-attempt records:\n%s", out)
	}
	for _, secret := range []string{"secret", "Signature", "AKIDEXAMPLE"} {
		if strings.Contains(out, secret) || strings.Contains(err.Error(), secret) {
			t.Errorf("%q leaked into logs or error:\n%s\n%v", secret, out, err)
		}
	}
}

func TestEmptyNamesAreRejectedBeforeSending(t *testing.T) {
	var requests int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests++ }))
	defer srv.Close()
	c := testClient(t, srv.URL)
	ctx := context.Background()
	tests := []struct {
		name string
		f    func() error
	}{
		{"GetObject without key", func() error { _, err := c.GetObject(ctx, &GetObjectInput{Bucket: "b"}); return err }},
		{"DeleteObject without key", func() error { _, err := c.DeleteObject(ctx, &DeleteObjectInput{Bucket: "b"}); return err }},
		{"PutObject without bucket", func() error { _, err := c.PutObject(ctx, &PutObjectInput{Key: "k"}); return err }},
		{"bucket with a slash", func() error { _, err := c.HeadBucket(ctx, &HeadBucketInput{Bucket: "a/b"}); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var oe *OpError
			if err := tt.f(); !errors.As(err, &oe) {
				t.Errorf("got %v, want an *OpError", err)
			}
		})
	}
	if requests != 0 {
		t.Errorf("%d requests reached the server", requests)
	}
}

func TestProviderFromProfile(t *testing.T) {
	home := fakeHome(t, "[default]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9000\ns3 =\n    s3kit_provider = minio\n", testCredentials)
	sess, err := NewSession(context.Background(), WithEnv(envMap(nil), home))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sess.Client()
	if err != nil {
		t.Fatal(err)
	}
	if c.Quirks().Name != "minio" {
		t.Errorf("quirks row %q, want minio from the profile", c.Quirks().Name)
	}
}

func TestCancelDuringBodyStream(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := testClient(t, srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	out, err := c.GetObject(ctx, &GetObjectInput{Bucket: "b", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	buf := make([]byte, 1000)
	if _, err := io.ReadFull(out.Body, buf); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := out.Body.Read(buf); done <- err }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Read after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Read did not return after the context was cancelled")
	}
}

func TestRegionRedirect(t *testing.T) {
	v := &sigv4.Verifier{Lookup: func(context.Context, string) (string, error) { return "secret", nil }, Now: fixedClock}
	var regions []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		vr, err := v.Verify(r.Context(), r)
		if err != nil {
			w.WriteHeader(403)
			return
		}
		io.ReadAll(vr.Body)
		regions = append(regions, vr.Region)
		if vr.Region != "eu-west-1" {
			w.Header().Set("X-Amz-Bucket-Region", "eu-west-1")
			w.WriteHeader(301)
			io.WriteString(w, "<Error><Code>PermanentRedirect</Code><Message>use the right endpoint</Message></Error>")
			return
		}
		w.Header().Set("ETag", `"e"`)
	}))
	defer srv.Close()
	c := testClient(t, srv.URL)
	ctx := context.Background()
	if _, err := c.PutObject(ctx, &PutObjectInput{Bucket: "euro", Key: "k", Body: strings.NewReader("x")}); err != nil {
		t.Fatalf("PutObject across regions: %v", err)
	}
	if _, err := c.HeadObject(ctx, &HeadObjectInput{Bucket: "euro", Key: "k"}); err != nil {
		t.Fatalf("HeadObject after redirect: %v", err)
	}
	if strings.Join(regions, ",") != "us-east-1,eu-west-1,eu-west-1" {
		t.Errorf("signed for %v; want one redirect, then the learned region", regions)
	}
	aws := testClient(t, "", func(cfg *clientConfig) { cfg.region = "us-west-2" })
	if got := aws.objectURLIn("eu-west-1", "euro", "k", nil).String(); got != "https://euro.s3.eu-west-1.amazonaws.com/k" {
		t.Errorf("redirected AWS URL = %s", got)
	}
}

// TestProviderNotGuessedFromServerHeader: a Server header never selects a
// row (gofakes3 says "AmazonS3" and stores aws-chunked framing as data);
// only s3kit's X-S3kit-Integrity header switches an unknown endpoint to the
// s3kit row, and an explicit provider always wins.
func TestProviderNotGuessedFromServerHeader(t *testing.T) {
	tests := []struct {
		name, server, integrity, provider string
		wantRow                           string
		wantCRC                           bool
	}{
		{name: "AmazonS3 impostor", server: "AmazonS3", wantRow: "unknown"},
		{name: "MinIO", server: "MinIO", wantRow: "unknown"},
		{name: "SeaweedFS", server: "SeaweedFS S3", wantRow: "unknown"},
		{name: "s3kit integrity header", server: "anything", integrity: "verified", wantRow: "s3kit", wantCRC: true},
		{name: "other integrity value", integrity: "maybe", wantRow: "unknown"},
		{name: "explicit provider wins", integrity: "verified", provider: "garage", wantRow: "garage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var crc, md5s []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				crc = append(crc, r.Header.Get("X-Amz-Checksum-Crc32")+r.Header.Get("X-Amz-Trailer"))
				md5s = append(md5s, r.Header.Get("Content-Md5"))
				w.Header().Set("Server", tt.server)
				if tt.integrity != "" {
					w.Header().Set("X-S3kit-Integrity", tt.integrity)
				}
			}))
			defer srv.Close()
			c := testClient(t, srv.URL, func(cfg *clientConfig) { cfg.provider = tt.provider })
			ctx := context.Background()
			for range 2 {
				if _, err := c.PutObject(ctx, &PutObjectInput{Bucket: "b", Key: "k", Body: strings.NewReader("data")}); err != nil {
					t.Fatal(err)
				}
			}
			if c.Quirks().Name != tt.wantRow {
				t.Errorf("row %q, want %q", c.Quirks().Name, tt.wantRow)
			}
			if tt.provider == "" && (crc[0] != "" || md5s[0] == "") {
				t.Errorf("first request to an unidentified endpoint: CRC32 %q, Content-MD5 %q; want MD5 only", crc[0], md5s[0])
			}
			if (crc[1] != "") != tt.wantCRC {
				t.Errorf("second request CRC32 = %q, want present: %v", crc[1], tt.wantCRC)
			}
			if tt.wantRow != "s3kit" && md5s[1] == "" {
				t.Error("second request to a server not known to verify checksums carried no Content-MD5")
			}
		})
	}
}

// A presigned URL carries only what fits in a URL: fields that would be
// headers or a body are refused with an error naming them, rather than
// silently dropped from a URL that then does something else.
func TestPresignRefusesWhatAURLCannotCarry(t *testing.T) {
	c := testClient(t, "http://127.0.0.1:9")
	ctx := context.Background()
	tests := []struct {
		name    string
		presign func() (*PresignedRequest, error)
		want    string
	}{
		{"range", func() (*PresignedRequest, error) {
			return c.PresignGetObject(ctx, &GetObjectInput{Bucket: "b", Key: "k", Range: "bytes=0-1"}, time.Hour)
		}, "Range"},
		{"content type", func() (*PresignedRequest, error) {
			return c.PresignPutObject(ctx, &PutObjectInput{Bucket: "b", Key: "k", ObjectHeaders: ObjectHeaders{ContentType: "text/plain"}}, time.Hour)
		}, "Content-Type"},
		{"body", func() (*PresignedRequest, error) {
			return c.PresignPutObject(ctx, &PutObjectInput{Bucket: "b", Key: "k", Body: strings.NewReader("x")}, time.Hour)
		}, "Body"},
		{"missing key", func() (*PresignedRequest, error) {
			return c.PresignGetObject(ctx, &GetObjectInput{Bucket: "b"}, time.Hour)
		}, "key is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.presign()
			var oe *OpError
			if !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("presign = %+v, %v; want an *OpError naming %q", got, err, tt.want)
			}
		})
	}
	got, err := c.PresignGetObject(ctx, &GetObjectInput{Bucket: "b", Key: "k", VersionID: "v1"}, time.Hour)
	if err != nil || got.Method != http.MethodGet || !strings.Contains(got.URL, "versionId=v1") {
		t.Errorf("presigned versioned GET = %+v, %v", got, err)
	}
}
