package s3test_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/sigv4"
	"github.com/s3kit/s3kit/storage/disk"
	"github.com/s3kit/s3kit/storage/mem"
	"github.com/s3kit/s3kit/storage/sse"
)

// call sends a request signed with srv's key and returns status and body.
func call(t *testing.T, srv *s3test.Server, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	if _, err := sigv4.NewSigner().Sign(req, sigv4.SignInput{Credentials: srv.Credentials(), Service: "s3",
		Region: srv.Region, Time: time.Now(), PayloadHash: hex.EncodeToString(sum[:])}); err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestNewServer(t *testing.T) {
	a, b := s3test.NewServer(t), s3test.NewServer(t)
	if !strings.HasPrefix(a.URL, "http://127.0.0.1:") || a.URL == b.URL {
		t.Errorf("URLs %q %q", a.URL, b.URL)
	}
	if len(a.AccessKeyID) != 20 || len(a.SecretAccessKey) != 40 || a.AccessKeyID == b.AccessKeyID || a.SecretAccessKey == b.SecretAccessKey {
		t.Errorf("keys not fresh: %q %q", a.AccessKeyID, b.AccessKeyID)
	}
	if st, ok := a.Backend.(*sse.Store); !ok || !isMem(st.Unwrap()) {
		t.Errorf("default backend %T", a.Backend)
	}
	if st, _ := call(t, a, "PUT", "/bkt", ""); st != 200 {
		t.Fatalf("create bucket: %d", st)
	}
	if st, body := call(t, a, "GET", "/", ""); st != 200 || !strings.Contains(body, "<Name>bkt</Name>") {
		t.Errorf("list buckets: %d %s", st, body)
	}
	// Each server has its own key: b's key means nothing to a.
	b.URL = a.URL
	if st, body := call(t, b, "GET", "/", ""); st != 403 || !strings.Contains(body, "InvalidAccessKeyId") {
		t.Errorf("foreign key: %d %s", st, body)
	}
	resp, err := http.Get(a.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("anonymous: %d", resp.StatusCode)
	}
}

func TestEnv(t *testing.T) {
	srv := s3test.NewServer(t, s3test.WithRegion("eu-central-1"))
	env := strings.Join(srv.Env(), "\n") + "\n"
	for _, want := range []string{
		"AWS_ACCESS_KEY_ID=" + srv.AccessKeyID + "\n", "AWS_SECRET_ACCESS_KEY=" + srv.SecretAccessKey + "\n",
		"AWS_REGION=eu-central-1\n", "AWS_DEFAULT_REGION=eu-central-1\n", "AWS_ENDPOINT_URL=" + srv.URL + "\n",
	} {
		if !strings.Contains(env, want) {
			t.Errorf("Env lacks %q:\n%s", want, env)
		}
	}
	if strings.Contains(env, "AWS_CA_BUNDLE") {
		t.Error("AWS_CA_BUNDLE without TLS")
	}
}

func TestWithTLSAndDisk(t *testing.T) {
	srv := s3test.NewServer(t, s3test.WithTLS(), s3test.WithDisk())
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") {
		t.Errorf("URL %q", srv.URL)
	}
	if st, ok := srv.Backend.(*sse.Store); !ok || !isDisk(st.Unwrap()) {
		t.Errorf("backend %T", srv.Backend)
	}
	pem, err := os.ReadFile(srv.CAFile)
	if err != nil || !strings.Contains(string(pem), "BEGIN CERTIFICATE") {
		t.Fatalf("CA file: %v", err)
	}
	if !strings.Contains(strings.Join(srv.Env(), "\n"), "AWS_CA_BUNDLE="+srv.CAFile) {
		t.Error("Env lacks AWS_CA_BUNDLE")
	}
	call(t, srv, "PUT", "/bkt", "")
	if st, _ := call(t, srv, "PUT", "/bkt/k", "on disk"); st != 200 {
		t.Fatalf("put: %d", st)
	}
	if st, body := call(t, srv, "GET", "/bkt/k", ""); st != 200 || body != "on disk" {
		t.Errorf("get: %d %q", st, body)
	}
}

func TestClose(t *testing.T) {
	srv := s3test.NewServer(t)
	srv.Close()
	if _, err := http.Get(srv.URL + "/-/health"); err == nil {
		t.Error("server still answers after Close")
	}
}

func isMem(b sse.Backend) bool  { _, ok := b.(*mem.Store); return ok }
func isDisk(b sse.Backend) bool { _, ok := b.(*disk.Store); return ok }

// Start serves outside a test, and Close stops the server and removes the
// files it made, so a TestMain or an example leaves nothing behind.
func TestStartAndClose(t *testing.T) {
	srv, err := s3test.Start(s3test.WithDisk(), s3test.WithTLS())
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := call(t, srv, "PUT", "/kept", ""); st != 200 {
		t.Fatalf("create bucket: %d", st)
	}
	if _, err := os.Stat(srv.CAFile); err != nil {
		t.Fatalf("CA file: %v", err)
	}
	client := srv.Client()
	srv.Close()
	srv.Close() // a second Close is harmless
	if _, err := os.Stat(srv.CAFile); !os.IsNotExist(err) {
		t.Errorf("CA file after Close: %v", err)
	}
	if _, err := client.Get(srv.URL); err == nil {
		t.Error("server still answers after Close")
	}
}
