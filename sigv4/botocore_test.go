package sigv4

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// botocoreStore is a tiny S3 stand-in: every request must pass Verify; PUT
// stores the decoded body, GET returns it, so the Python side can check
// that no aws-chunked framing leaked into an object.
type botocoreStore struct {
	v *Verifier

	mu       sync.Mutex
	objects  map[string][]byte
	failures []string
	modes    map[string]int // payload mode -> requests verified
}

func (s *botocoreStore) fail(r *http.Request, w http.ResponseWriter, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := fmt.Sprintf("%s %s: %v", r.Method, r.URL.RequestURI(), err)
	var e *Error
	if errors.As(err, &e) && e.CanonicalRequest != "" {
		msg += "\ncanonical request:\n" + e.CanonicalRequest
	}
	s.failures = append(s.failures, msg)
	status := http.StatusBadRequest
	code := "InternalError"
	if e != nil {
		status, code = e.StatusCode, e.Code
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<Error><Code>%s</Code><Message>verification failed</Message></Error>", code)
}

func (s *botocoreStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got, err := s.v.Verify(r.Context(), r)
	if err != nil {
		s.fail(r, w, err)
		return
	}
	if got.Anonymous {
		s.fail(r, w, errors.New("anonymous request"))
		return
	}
	data, err := io.ReadAll(got.Body)
	if err != nil {
		s.fail(r, w, err)
		return
	}
	mode := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case got.Presigned:
		mode = "presigned"
	case isHex64(mode):
		mode = "signed-payload"
	}
	key := r.URL.Path
	s.mu.Lock()
	s.modes[mode]++
	if r.Method == http.MethodPut {
		s.objects[key] = data
	}
	obj, ok := s.objects[key]
	s.mu.Unlock()
	switch {
	case r.Method == http.MethodPut:
		w.Header().Set("ETag", `"0"`)
	case r.URL.Query().Has("delete"):
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, `<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>`)
	case r.URL.Query().Has("list-type"):
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bkt</Name>`+
			`<KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>`)
	case !ok:
		w.WriteHeader(http.StatusNotFound)
	default:
		w.Header().Set("Content-Length", fmt.Sprint(len(obj)))
		w.Header().Set("ETag", `"0"`)
		if r.Method == http.MethodGet {
			w.Write(obj)
		}
	}
}

// TestBotocoreRequestsVerify captures requests signed by real botocore
// (header auth with signed payloads over http; aws-chunked
// STREAMING-UNSIGNED-PAYLOAD-TRAILER with CRC trailers over https;
// presigned GET and PUT) and verifies every one with the Go Verifier.
func TestBotocoreRequestsVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3 + boto3")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	if out, err := exec.Command(py, "-c", "import boto3").CombinedOutput(); err != nil {
		t.Skipf("boto3 not importable: %v %s", err, out)
	}
	store := &botocoreStore{
		v: &Verifier{Lookup: staticLookup(Credentials{AccessKeyID: "AKIDBOTOCORE",
			SecretAccessKey: "botocore/secret+key"})}, // real clock: botocore signs with now
		objects: map[string][]byte{},
		modes:   map[string]int{},
	}
	plain := httptest.NewServer(store)
	defer plain.Close()
	tls := httptest.NewTLSServer(store)
	defer tls.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "testdata/botocore_client.py", plain.URL, tls.URL)
	cmd.Env = append(cmd.Environ(), "NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	t.Logf("botocore operations:\n%s", stdout.String())

	store.mu.Lock()
	defer store.mu.Unlock()
	for _, f := range store.failures {
		t.Errorf("verification failed: %s", f)
	}
	if runErr != nil {
		t.Fatalf("botocore client: %v\n%s", runErr, tail(stderr.String(), 3000))
	}
	t.Logf("payload modes verified: %v", store.modes)
	for _, want := range []string{"signed-payload", "presigned", StreamingUnsignedPayloadTrailer, UnsignedPayload} {
		if store.modes[want] == 0 {
			t.Errorf("no %s request seen; botocore's defaults changed or the script did not run", want)
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return strings.TrimSpace(s)
}
