package cli

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/sigv4"
)

// listSignedFor sends ListBuckets signed for region and returns the status
// and body.
func listSignedFor(t *testing.T, s *runningServe, region string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.Endpoint+"/", nil)
	if _, err := sigv4.NewSigner().Sign(req, sigv4.SignInput{
		Credentials: sigv4.Credentials{AccessKeyID: s.KeyID, SecretAccessKey: s.Secret},
		Service:     "s3", Region: region, Time: time.Now(), PayloadHash: sigv4.EmptyPayloadHash,
	}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeStrictRegion(t *testing.T) {
	t.Parallel()
	open := startServe(t, serveEnv(t), "--data", t.TempDir())
	if code, body := listSignedFor(t, open, "eu-central-1"); code != http.StatusOK {
		t.Errorf("default serve, signed for eu-central-1: %d %s", code, body)
	}
	strict := startServe(t, serveEnv(t), "--data", t.TempDir(), "--strict-region")
	code, body := listSignedFor(t, strict, "eu-central-1")
	if code != http.StatusBadRequest || !strings.Contains(body, "<Code>AuthorizationHeaderMalformed</Code>") ||
		!strings.Contains(body, "<Region>us-east-1</Region>") {
		t.Errorf("--strict-region, signed for eu-central-1: %d %s", code, body)
	}
	if code, body := listSignedFor(t, strict, "us-east-1"); code != http.StatusOK {
		t.Errorf("--strict-region, signed for us-east-1: %d %s", code, body)
	}
}

// TestServeBoundsHeaderBytes checks that serve's listener refuses a
// header section of 1 MB instead of parsing it all.
func TestServeBoundsHeaderBytes(t *testing.T) {
	t.Parallel()
	s := startServe(t, serveEnv(t), "--data", t.TempDir())
	req, _ := http.NewRequest(http.MethodGet, s.Endpoint+"/", nil)
	for i := range 1000 {
		req.Header.Set(fmt.Sprintf("X-Amz-Meta-H%04d", i), strings.Repeat("v", 100))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KB of headers: status %d, want 431", resp.StatusCode)
	}
}
