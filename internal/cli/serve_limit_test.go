package cli

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/sigv4"
)

// With --max-connections 1, a second client waits while the first holds
// its connection, and is served once it closes.
func TestServeMaxConnections(t *testing.T) {
	s := startServe(t, serveEnv(t), "--data", t.TempDir(), "--max-connections", "1")
	host := strings.TrimPrefix(s.Endpoint, "http://")
	held, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	// The held connection is accepted first (the backlog is FIFO); wait
	// until it is, by answering a request on it.
	fmt.Fprintf(held, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", HealthPath, host)
	br := bufio.NewReader(held)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("health on the first connection: %v %v", resp, err)
	}
	health := func(timeout time.Duration) (int, error) {
		c := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := c.Get(s.Endpoint + HealthPath)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := health(300 * time.Millisecond); err == nil {
		t.Fatalf("second connection served while the first is open: %d", code)
	}
	held.Close()
	if code, err := health(5 * time.Second); err != nil || code != 200 {
		t.Fatalf("second connection after the first closed: %d %v", code, err)
	}
}

// --body-timeout reaches the server: a PUT whose body stalls gets 400
// RequestTimeout.
func TestServeBodyTimeout(t *testing.T) {
	s := startServe(t, serveEnv(t), "--data", t.TempDir(), "--body-timeout", "200ms")
	slowPut(t, s, 0)
}

// --body-min-rate reaches the server: a body trickled at 20 bytes a second
// is cut off though it never stalls for --body-timeout.
func TestServeBodyMinRate(t *testing.T) {
	s := startServe(t, serveEnv(t), "--data", t.TempDir(), "--body-timeout", "300ms", "--body-min-rate", "1000")
	slowPut(t, s, 50*time.Millisecond)
}

// slowPut sends a signed PUT of 10,000 bytes whose body stops after 10
// bytes (every == 0) or comes a byte per every, and expects 400
// RequestTimeout within 5s.
func slowPut(t *testing.T, s *runningServe, every time.Duration) {
	t.Helper()
	mk, _ := http.NewRequest(http.MethodPut, s.Endpoint+"/bkt", nil)
	if code, body := signedDo(t, mk, s.KeyID, s.Secret); code != 200 {
		t.Fatalf("create bucket: %d %s", code, body)
	}
	body := bytes.Repeat([]byte("x"), 10_000)
	req, _ := http.NewRequest(http.MethodPut, s.Endpoint+"/bkt/obj", bytes.NewReader(body))
	sum := sha256.Sum256(body)
	if _, err := sigv4.NewSigner().Sign(req, sigv4.SignInput{
		Credentials: sigv4.Credentials{AccessKeyID: s.KeyID, SecretAccessKey: s.Secret},
		Service:     "s3", Region: "us-east-1", Time: time.Now(), PayloadHash: hex.EncodeToString(sum[:]),
	}); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", req.URL.RequestURI(), req.Host, len(body))
	for k, vs := range req.Header {
		fmt.Fprintf(conn, "%s: %s\r\n", k, vs[0])
	}
	fmt.Fprintf(conn, "\r\n%s", body[:10])
	stop := make(chan struct{})
	defer close(stop)
	if every > 0 {
		go func() {
			for i := 10; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(every):
				}
				if _, err := conn.Write(body[i : i+1]); err != nil {
					return
				}
			}
		}()
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("slow PUT: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "<Code>RequestTimeout</Code>") {
		t.Fatalf("slow PUT: %d %s", resp.StatusCode, b)
	}
}

func TestDefaultMaxConnections(t *testing.T) {
	for _, tc := range []struct {
		limit uint64
		want  int
	}{
		{0, 1024}, {1 << 20, 1024}, {4096, 1024}, {2048, 1024}, {1024, 512}, {256, 128}, {1, 1},
	} {
		if got := defaultMaxConnections(tc.limit); got != tc.want {
			t.Errorf("defaultMaxConnections(%d) = %d, want %d", tc.limit, got, tc.want)
		}
	}
}
