package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/sigv4"
	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/mem"
)

// rawResult is what a raw client saw: the response, or nil when the
// server dropped the connection without answering.
type rawResult struct {
	resp *http.Response
	body []byte
	// rest reads what the connection carries after the response.
	rest *bufio.Reader
}

// rawSigned sends a correctly signed request over a plain TCP connection,
// writes only the first sent bytes of body, half-closes (shutdown(SHUT_WR))
// and reads whatever the server answers.
func (e *env) rawSigned(method, path string, body []byte, sent int, h hdr) rawResult {
	e.t.Helper()
	req := e.signed(method, path, body, h)
	conn := e.rawOpen(req)
	e.rawWrite(conn, body[:sent])
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		e.t.Fatal(err)
	}
	return e.rawRead(conn, req, 10*time.Second)
}

// signed returns a request for body signed with its payload hash.
func (e *env) signed(method, path string, body []byte, h hdr) *http.Request {
	e.t.Helper()
	req := e.request(method, path, body, h)
	sum := sha256.Sum256(body)
	if _, err := e.signer.Sign(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: e.srv.Region,
		Time: e.clock.Now(), PayloadHash: hex.EncodeToString(sum[:])}); err != nil {
		e.t.Fatalf("sign: %v", err)
	}
	return req
}

// rawOpen dials the server and writes req's head (not its body); the
// connection is closed when the test ends.
func (e *env) rawOpen(req *http.Request) net.Conn {
	e.t.Helper()
	conn, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { conn.Close() })
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", req.Method, req.URL.RequestURI(), req.Host, req.ContentLength)
	for k, vs := range req.Header {
		for _, v := range vs {
			fmt.Fprintf(&head, "%s: %s\r\n", k, v)
		}
	}
	head.WriteString("\r\n")
	e.rawWrite(conn, head.Bytes())
	return conn
}

func (e *env) rawWrite(conn net.Conn, b []byte) {
	e.t.Helper()
	if _, err := conn.Write(b); err != nil {
		e.t.Fatal(err)
	}
}

// rawRead reads the answer to req from conn, failing the test when none
// comes within wait; a connection dropped without an answer gives a
// zero rawResult.
func (e *env) rawRead(conn net.Conn, req *http.Request, wait time.Duration) rawResult {
	e.t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			e.t.Fatalf("%s %s: no answer within %v", req.Method, req.URL.RequestURI(), wait)
		}
		return rawResult{}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResult{resp: resp, body: b, rest: br}
}

// wantCode fails unless the answer was status with the S3 error code.
func (r rawResult) wantCode(t *testing.T, status int, code string) {
	t.Helper()
	if r.resp == nil {
		t.Fatalf("connection dropped, want %d %s", status, code)
	}
	var doc s3xml.Error
	_ = xml.Unmarshal(r.body, &doc)
	if r.resp.StatusCode != status || doc.Code != code {
		t.Fatalf("status %d, want %d %s\n%s", r.resp.StatusCode, status, code, r.body)
	}
}

// wantClosed fails unless the server closed the connection after its
// answer (within wait).
func (r rawResult) wantClosed(t *testing.T, conn net.Conn, wait time.Duration) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	// A close with the client's unread bytes still in the server's socket
	// buffer is a reset rather than an orderly end; both close it.
	if _, err := r.rest.ReadByte(); err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("connection still open after the answer: %v", err)
	}
}

// wantIncomplete fails unless the server answered 400 IncompleteBody, as
// S3 does for a body shorter than its Content-Length (or dropped the
// connection).
func (r rawResult) wantIncomplete(t *testing.T, what string) {
	t.Helper()
	if r.resp == nil {
		return
	}
	var doc s3xml.Error
	_ = xml.Unmarshal(r.body, &doc)
	if r.resp.StatusCode != http.StatusBadRequest || doc.Code != s3xml.CodeIncompleteBody {
		t.Fatalf("%s: status %d (ETag %q), want 400 IncompleteBody or a dropped connection\n%s", what, r.resp.StatusCode, r.resp.Header.Get("ETag"), r.body)
	}
}

// A client that half-closes before its body ends must never hear 200: the
// work was not done.
func TestTruncatedBodyIsNotOK(t *testing.T) {
	runSerial(t, func(t *testing.T, bk backend) {
		big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
		t.Run("PutObject", func(t *testing.T) {
			e := bk.env(t).sub(t)
			e.mkBucket("bkt")
			e.rawSigned("PUT", "/bkt/obj", big, len(big)/2, nil).wantIncomplete(t, "truncated PUT")
			e.wantErr(404, "NoSuchKey", "GET", "/bkt/obj", nil, nil)
		})
		t.Run("UploadPart", func(t *testing.T) {
			e := bk.env(t).sub(t)
			e.mkBucket("bkt")
			id := e.createUpload("bkt", "obj", nil)
			e.rawSigned("PUT", "/bkt/obj?partNumber=1&uploadId="+id, big, len(big)/2, nil).wantIncomplete(t, "truncated UploadPart")
			var parts s3xml.ListPartsResult
			e.must(200, "GET", "/bkt/obj?uploadId="+id, nil, nil).decode(t, &parts)
			if len(parts.Parts) != 0 {
				t.Fatalf("parts stored from a truncated body: %+v", parts.Parts)
			}
		})
		t.Run("DeleteObjects", func(t *testing.T) {
			e := bk.env(t).sub(t)
			e.mkBucket("bkt")
			e.put("bkt", "a", []byte("x"), nil)
			doc := []byte(`<Delete><Object><Key>a</Key></Object>` + strings.Repeat(" ", 4096) + `</Delete>`)
			e.rawSigned("POST", "/bkt?delete", doc, 40, nil).wantIncomplete(t, "truncated DeleteObjects")
			e.must(200, "HEAD", "/bkt/a", nil, nil)
		})
	})
}

// A body that stalls past the body read timeout is answered 400
// RequestTimeout and stores nothing.
func TestStalledBodyTimesOut(t *testing.T) {
	runSerial(t, func(t *testing.T, bk backend) {
		e := bk.env(t, s3test.WithConfig(func(c *server.Config) { c.BodyReadTimeout = 200 * time.Millisecond }))
		e.mkBucket("bkt")
		body := bytes.Repeat([]byte("x"), 1000)
		req := e.signed("PUT", "/bkt/obj", body, nil)
		conn := e.rawOpen(req)
		e.rawWrite(conn, body[:10])
		r := e.rawRead(conn, req, 5*time.Second)
		r.wantCode(t, http.StatusBadRequest, s3xml.CodeRequestTimeout)
		r.wantClosed(t, conn, 5*time.Second)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/obj", nil, nil)
	})
}

// The timeout is between reads: a slow body that keeps coming is stored.
func TestSlowBodyWithinTimeoutIsStored(t *testing.T) {
	runSerial(t, func(t *testing.T, bk backend) {
		e := bk.env(t, s3test.WithConfig(func(c *server.Config) { c.BodyReadTimeout, c.BodyMinRate = 600*time.Millisecond, -1 }))
		e.mkBucket("bkt")
		body := []byte("0123456789abcd")
		req := e.signed("PUT", "/bkt/obj", body, nil)
		conn := e.rawOpen(req)
		// 1.4 s in all, more than two timeouts; each gap leaves half a
		// second of margin for a busy machine.
		for i := range body {
			time.Sleep(100 * time.Millisecond)
			e.rawWrite(conn, body[i:i+1])
		}
		r := e.rawRead(conn, req, 5*time.Second)
		if r.resp == nil || r.resp.StatusCode != 200 || r.resp.Header.Get("ETag") == "" {
			t.Fatalf("slow PUT: %+v\n%s", r.resp, r.body)
		}
		if got := e.must(200, "GET", "/bkt/obj", nil, nil).body; !bytes.Equal(got, body) {
			t.Fatalf("stored %q, want %q", got, body)
		}
	})
}

// A body trickled a byte at a time never stalls for a whole timeout, but
// falls below the minimum rate: it is cut off with 400 RequestTimeout.
func TestTrickledBodyIsCutOff(t *testing.T) {
	runSerial(t, func(t *testing.T, bk backend) {
		e := bk.env(t, s3test.WithConfig(func(c *server.Config) { c.BodyReadTimeout, c.BodyMinRate = 300*time.Millisecond, 1000 }))
		e.mkBucket("bkt")
		body := bytes.Repeat([]byte("x"), 10_000)
		req := e.signed("PUT", "/bkt/obj", body, nil)
		conn := e.rawOpen(req)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() { // 20 bytes a second: 500s for the whole body
			defer close(done)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				if _, err := conn.Write(body[i : i+1]); err != nil {
					return
				}
			}
		}()
		r := e.rawRead(conn, req, 5*time.Second)
		close(stop)
		<-done
		r.wantCode(t, http.StatusBadRequest, s3xml.CodeRequestTimeout)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/obj", nil, nil)
	})
}

// An unsigned request with a body is refused without reading the body:
// the answer comes at once, though the client sends no more, and the
// connection is closed.
func TestAnonymousBodyRefusedUnread(t *testing.T) {
	runSerial(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		body := bytes.Repeat([]byte("x"), 100_000)
		req := e.request("PUT", "/bkt/obj", body, nil)
		conn := e.rawOpen(req)
		e.rawWrite(conn, body[:10])
		r := e.rawRead(conn, req, 3*time.Second)
		r.wantCode(t, http.StatusForbidden, s3xml.CodeAccessDenied)
		r.wantClosed(t, conn, 3*time.Second)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/obj", nil, nil)
	})
}

// Past Config.MaxRequests a request is answered 503 SlowDown at once;
// when the slot frees, requests are served again.
func TestMaxRequests(t *testing.T) {
	runSerial(t, func(t *testing.T, bk backend) {
		e := bk.env(t, s3test.WithConfig(func(c *server.Config) { c.MaxRequests = 1 }))
		e.mkBucket("bkt")
		body := []byte("0123456789")
		req := e.signed("PUT", "/bkt/held", body, nil)
		// The held PUT is in its handler once another request is refused.
		// It can itself meet the slot of the request before it, which is
		// released a moment after that request's answer reaches the client:
		// then it is refused and opened again.
		var conn net.Conn
		for attempt := 1; ; attempt++ {
			conn = e.rawOpen(req)
			e.rawWrite(conn, body[:1])
			if heldBy(e, 5*time.Second) {
				break
			}
			if r := e.rawRead(conn, req, time.Second); r.resp == nil || r.resp.StatusCode != http.StatusServiceUnavailable || attempt == 5 {
				t.Fatalf("HEAD while a PUT is in flight is never refused (attempt %d; the PUT: %+v)", attempt, r.resp)
			}
			conn.Close()
		}
		deadline := time.Now().Add(10 * time.Second)
		e.wantErr(503, "SlowDown", "GET", "/bkt/other", nil, nil)
		e.rawWrite(conn, body[1:])
		if r := e.rawRead(conn, req, 5*time.Second); r.resp == nil || r.resp.StatusCode != 200 {
			t.Fatalf("held PUT: %+v\n%s", r.resp, r.body)
		}
		// The slot is released once the answer is written, which the client
		// may see a moment before.
		for r := e.do("GET", "/bkt/held", nil, nil); r.status != 200; r = e.do("GET", "/bkt/held", nil, nil) {
			if r.status != http.StatusServiceUnavailable || time.Now().After(deadline) {
				t.Fatalf("GET after the PUT: status %d\n%s", r.status, r.body)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// heldBy reports whether a HEAD is refused with 503 within wait, as it is
// while another request holds the server's only slot.
func heldBy(e *env, wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	for {
		if r := e.do("HEAD", "/bkt", nil, nil); r.status == http.StatusServiceUnavailable {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// failingOpen is a backend whose objects' content cannot be read, as when
// storage/disk cannot open a file (it opens them lazily).
type failingOpen struct {
	storage.Backend
	err error
}

func (f failingOpen) GetObject(ctx context.Context, bucket, key string) (*storage.Object, error) {
	obj, err := f.Backend.GetObject(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	obj.Content.Close()
	obj.Content = failingContent{f.err}
	return obj, nil
}

type failingContent struct{ err error }

func (c failingContent) ReadAt([]byte, int64) (int, error) { return 0, c.err }
func (c failingContent) Read([]byte) (int, error)          { return 0, c.err }
func (c failingContent) Seek(int64, int) (int64, error)    { return 0, nil }
func (c failingContent) Close() error                      { return nil }

// A GET whose content cannot be opened is an error answer (503 SlowDown
// when out of descriptors, 500 otherwise), never a 200 with no body.
//
// One backend: the failure is injected by a wrapper.
func TestGetContentOpenFailure(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"EMFILE", &os.PathError{Op: "open", Path: "data/x", Err: syscall.EMFILE}, 503, "SlowDown"},
		{"ENFILE", &os.PathError{Op: "open", Path: "data/x", Err: syscall.ENFILE}, 503, "SlowDown"},
		{"EIO", &os.PathError{Op: "read", Path: "data/x", Err: syscall.EIO}, 500, "InternalError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, s3test.WithBackend(failingOpen{mem.New(mem.Options{}), tc.err})).sub(t)
			e.mkBucket("bkt")
			e.put("bkt", "obj", []byte("hello"), nil)
			e.wantErr(tc.status, tc.code, "GET", "/bkt/obj", nil, nil)
			e.wantErr(tc.status, tc.code, "GET", "/bkt/obj", nil, hdr{"Range": "bytes=1-2"})
			e.must(200, "HEAD", "/bkt/obj", nil, nil)
		})
	}
}
