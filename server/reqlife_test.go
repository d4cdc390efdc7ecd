package server_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
)

// rawResult is what a raw client saw: the response, or nil when the
// server dropped the connection without answering.
type rawResult struct {
	resp *http.Response
	body []byte
}

// rawSigned sends a correctly signed request over a plain TCP connection,
// writes only the first sent bytes of body, half-closes (shutdown(SHUT_WR))
// and reads whatever the server answers.
func (e *env) rawSigned(method, path string, body []byte, sent int, h hdr) rawResult {
	e.t.Helper()
	req := e.request(method, path, body, h)
	sum := sha256.Sum256(body)
	if _, err := e.signer.Sign(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: e.srv.Region,
		Time: e.clock.Now(), PayloadHash: hex.EncodeToString(sum[:])}); err != nil {
		e.t.Fatalf("sign: %v", err)
	}
	return e.rawSend(req, body[:sent], true)
}

// rawSend writes req's head and then body over a new connection,
// half-closing afterwards when closeWrite is set.
func (e *env) rawSend(req *http.Request, body []byte, closeWrite bool) rawResult {
	e.t.Helper()
	conn, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		e.t.Fatal(err)
	}
	defer conn.Close()
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", req.Method, req.URL.RequestURI(), req.Host, req.ContentLength)
	for k, vs := range req.Header {
		for _, v := range vs {
			fmt.Fprintf(&head, "%s: %s\r\n", k, v)
		}
	}
	head.WriteString("\r\n")
	if _, err := conn.Write(append(head.Bytes(), body...)); err != nil {
		e.t.Fatal(err)
	}
	if closeWrite {
		if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
			e.t.Fatal(err)
		}
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			e.t.Fatalf("%s %s: no answer within 10s", req.Method, req.URL.RequestURI())
		}
		return rawResult{}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResult{resp: resp, body: b}
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
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	t.Run("PutObject", func(t *testing.T) {
		e := newEnv(t).sub(t)
		e.mkBucket("bkt")
		e.rawSigned("PUT", "/bkt/obj", big, len(big)/2, nil).wantIncomplete(t, "truncated PUT")
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/obj", nil, nil)
	})
	t.Run("UploadPart", func(t *testing.T) {
		e := newEnv(t).sub(t)
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
		e := newEnv(t).sub(t)
		e.mkBucket("bkt")
		e.put("bkt", "a", []byte("x"), nil)
		doc := []byte(`<Delete><Object><Key>a</Key></Object>` + strings.Repeat(" ", 4096) + `</Delete>`)
		e.rawSigned("POST", "/bkt?delete", doc, 40, nil).wantIncomplete(t, "truncated DeleteObjects")
		e.must(200, "HEAD", "/bkt/a", nil, nil)
	})
}
