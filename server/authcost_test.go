package server_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/sigv4"
)

// costlyRequest is a GET signed by creds that then gets n x-amz-meta-*
// headers (about 24 bytes each: 43,000 make 1 MB), all named in
// SignedHeaders: the request that used to cost seconds to refuse.
func costlyRequest(t testing.TB, srv *s3test.Server, creds sigv4.Credentials, n int) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, srv.URL+"/bkt/k", nil)
	req.RequestURI = "/bkt/k"
	if _, err := sigv4.NewSigner().Sign(req, sigv4.SignInput{Credentials: creds, Service: "s3", Region: srv.Region,
		Time: time.Now(), PayloadHash: sigv4.EmptyPayloadHash}); err != nil {
		t.Fatal(err)
	}
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("x-amz-meta-h%07d", i)
		req.Header.Set(names[i], "v")
	}
	auth := req.Header.Get("Authorization")
	i := strings.Index(auth, "SignedHeaders=host;") + len("SignedHeaders=host;")
	req.Header.Set("Authorization", auth[:i]+strings.Join(names, ";")+";"+auth[i:])
	return req
}

// TestOversizedHeadersRefused checks that the handler itself refuses a
// header section over server.MaxHeaderBytes, whoever signed it.
func TestOversizedHeadersRefused(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		for _, creds := range []sigv4.Credentials{{AccessKeyID: "FAKEKEY", SecretAccessKey: "x"}, e.creds} {
			rec := httptest.NewRecorder()
			e.srv.Handler.ServeHTTP(rec, costlyRequest(t, e.srv, creds, 43000))
			checkErr(t, result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}, 400, "RequestHeaderSectionTooLarge", false)
		}
		// Just under the bound, a real key naming too many signed headers is
		// refused by the signature check, as malformed.
		rec := httptest.NewRecorder()
		e.srv.Handler.ServeHTTP(rec, costlyRequest(t, e.srv, e.creds, 1100))
		checkErr(t, result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}, 400, "AuthorizationHeaderMalformed", false)
	})
}

// TestListenerBoundsHeaders checks that s3test's listener stops reading a
// 1 MB header section early (serve uses the same server.MaxHeaderBytes).
func TestListenerBoundsHeaders(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		srv := bk.server(t)
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		go func() {
			w := bufio.NewWriter(conn)
			fmt.Fprintf(w, "GET /bkt/k HTTP/1.1\r\nHost: x\r\n")
			for i := range 43000 {
				fmt.Fprintf(w, "X-Amz-Meta-H%07d: v\r\n", i)
			}
			w.WriteString("\r\n")
			_ = w.Flush()
		}()
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("read response: %v", err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d, want 431", resp.StatusCode)
		}
	})
}

func TestInvalidUTF8KeyRefused(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.wantErr(400, "InvalidURI", "PUT", "/bkt/a%FF%FEb", []byte("x"), nil)
		e.wantErr(400, "InvalidURI", "GET", "/bkt/a%FF%FEb", nil, nil)
		var list struct {
			KeyCount int
		}
		e.must(200, "GET", "/bkt?list-type=2", nil, nil).decode(t, &list)
		if list.KeyCount != 0 {
			t.Errorf("bucket holds %d keys after refused PUTs", list.KeyCount)
		}
		e.put("bkt", "caf%C3%A9", []byte("x"), nil) // valid UTF-8 still works
	})
}

// BenchmarkRefuseCostlyRequest measures the server CPU a 1 MB header
// section of 43,000 signed-listed x-amz-* headers costs before it is
// refused, as the handler sees it from a listener that does not bound
// headers (serve's and s3test's do).
func BenchmarkRefuseCostlyRequest(b *testing.B) {
	srv := s3test.NewServer(b)
	for _, c := range []struct {
		name  string
		creds sigv4.Credentials
		n     int
	}{
		{"unknown-key-1MB", sigv4.Credentials{AccessKeyID: "FAKEKEY", SecretAccessKey: "x"}, 43000},
		{"real-key-1MB", srv.Credentials(), 43000},
		{"real-key-55KB", srv.Credentials(), 1100},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := costlyRequest(b, srv, c.creds, c.n)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				srv.Handler.ServeHTTP(rec, req.WithContext(ctx))
				if rec.Code != 400 {
					b.Fatalf("status %d\n%s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// TestLargeChunkBadSignatureStoresNothing sends one 16 MiB signed chunk
// whose signature is wrong: the chunk streams to storage before its
// signature can be checked at its end, so the put must fail there and
// leave the previous object in place, on either backend.
func TestLargeChunkBadSignatureStoresNothing(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "k", []byte("old"), nil)
		payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB
		send := func(corrupt bool) result {
			req := e.request("PUT", "/bkt/k", nil, nil)
			if err := e.signer.SignStreaming(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: e.srv.Region,
				Time: e.clock.Now()}, bytes.NewReader(payload), int64(len(payload)),
				sigv4.ChunkedOptions{Signed: true, ChunkSize: len(payload)}); err != nil {
				t.Fatal(err)
			}
			if corrupt {
				// "1000000;chunk-signature=" is 24 bytes: flip the
				// signature's first digit.
				req.Body = corruptReader(req.Body, 24)
			}
			return e.send(req)
		}
		checkErr(t, send(true), 403, "SignatureDoesNotMatch", false)
		if got := e.must(200, "GET", "/bkt/k", nil, nil); string(got.body) != "old" {
			t.Fatalf("after the refused put the object holds %d bytes", len(got.body))
		}
		if r := send(false); r.status != 200 {
			t.Fatalf("valid 16 MiB chunk: %d %s", r.status, r.body)
		}
		if got := e.must(200, "GET", "/bkt/k", nil, nil); !bytes.Equal(got.body, payload) {
			t.Fatalf("stored %d bytes, want the 16 MiB payload", len(got.body))
		}
	})
}
