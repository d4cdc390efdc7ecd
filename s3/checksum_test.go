package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/sigv4"
)

func md5b64(b []byte) string {
	s := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(s[:])
}

func crc32b64(b []byte) string {
	s := crc32.ChecksumIEEE(b)
	return base64.StdEncoding.EncodeToString([]byte{byte(s >> 24), byte(s >> 16), byte(s >> 8), byte(s)})
}

// recorded is what a test server saw of one request, after SigV4
// verification with the project's own Verifier.
type recorded struct {
	header  http.Header
	body    []byte // decoded payload
	err     error  // verification or payload failure
	anon    bool
	decoded int64
}

// verifyingServer answers 200 to everything and records each request
// after checking its signature and payload with sigv4.Verifier.
func verifyingServer(t *testing.T) (*httptest.Server, *[]recorded) {
	t.Helper()
	return verifyingServerTLS(t, false)
}

// verifyingServerTLS is verifyingServer, over https when tls is set.
func verifyingServerTLS(t *testing.T, tls bool) (*httptest.Server, *[]recorded) {
	t.Helper()
	var got []recorded
	v := &sigv4.Verifier{
		Lookup: func(_ context.Context, id string) (string, error) { return "secret", nil },
		Now:    fixedClock,
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := recorded{header: r.Header.Clone()}
		vr, err := v.Verify(r.Context(), r)
		if err == nil {
			rec.anon, rec.decoded = vr.Anonymous, vr.DecodedContentLength
			rec.body, err = io.ReadAll(vr.Body)
		}
		rec.err = err
		got = append(got, rec)
		if err != nil {
			w.WriteHeader(400)
			io.WriteString(w, "<Error><Code>SignatureDoesNotMatch</Code><Message>"+err.Error()+"</Message></Error>")
			return
		}
		w.Header().Set("ETag", `"etag"`)
		if r.URL.Query().Has("delete") {
			io.WriteString(w, "<DeleteResult></DeleteResult>")
		}
	}))
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, &got
}

// remoteHost makes a client reach srv under a name that is not a loopback
// address, so it behaves as it would towards a server across a network.
func remoteHost(srv *httptest.Server) (string, func(*clientConfig)) {
	addr := srv.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	return "http://s3.remote.test:" + port, func(cfg *clientConfig) { cfg.httpClient = &http.Client{Transport: tr} }
}

func TestRequestChecksums(t *testing.T) {
	body := []byte(strings.Repeat("checksummed body ", 5000))
	big := bytes.Repeat(body, 13) // over smallBody
	sum := sha256.Sum256(body)
	tests := []struct {
		name        string
		loopback    bool // reach the server as 127.0.0.1 instead of a remote name
		provider    string
		policy      string
		body        func() io.Reader
		length      int64
		wantCRC     string // x-amz-checksum-crc32 header
		wantTrailer string // X-Amz-Trailer
		wantSHA     string // X-Amz-Content-Sha256
		wantMD5     bool   // Content-MD5 of the body
		payload     []byte // what body() yields, when not body
	}{
		{name: "seekable body to s3kit: CRC32 header, signed payload", provider: "s3kit",
			body: func() io.Reader { return bytes.NewReader(body) }, wantCRC: crc32b64(body), wantSHA: hex.EncodeToString(sum[:])},
		{name: "stream to s3kit: signed aws-chunked with CRC32 trailer", provider: "s3kit", length: int64(len(body)),
			body: func() io.Reader { return io.MultiReader(bytes.NewReader(body)) }, wantTrailer: "x-amz-checksum-crc32",
			wantSHA: sigv4.StreamingPayloadTrailer},
		{name: "unknown provider: Content-MD5 with a signed payload", provider: "unknown",
			body: func() io.Reader { return bytes.NewReader(body) }, wantSHA: hex.EncodeToString(sum[:]), wantMD5: true},
		{name: "unknown provider stream: buffered, plain body with Content-MD5", provider: "unknown", length: int64(len(body)),
			body: func() io.Reader { return io.MultiReader(bytes.NewReader(body)) }, wantSHA: hex.EncodeToString(sum[:]), wantMD5: true},
		{name: "minio row: CRC32 header and Content-MD5, never aws-chunked", provider: "minio", length: int64(len(body)),
			body: func() io.Reader { return io.MultiReader(bytes.NewReader(body)) }, wantCRC: crc32b64(body), wantSHA: hex.EncodeToString(sum[:]), wantMD5: true},
		{name: "when_required: no checksum on PutObject", provider: "s3kit", policy: WhenRequired,
			body: func() io.Reader { return bytes.NewReader(body) }, wantSHA: hex.EncodeToString(sum[:])},
		{name: "unknown-length stream is buffered and hashed", provider: "seaweedfs",
			body: func() io.Reader { return io.MultiReader(bytes.NewReader(body)) }, wantSHA: hex.EncodeToString(sum[:]), wantMD5: true},
		// On loopback a checksummed body travels unsigned, as over https.
		{name: "loopback: small seekable body to s3kit: CRC32 header, unsigned payload", loopback: true, provider: "s3kit",
			body: func() io.Reader { return bytes.NewReader(body) }, wantCRC: crc32b64(body), wantSHA: sigv4.UnsignedPayload},
		{name: "loopback: large seekable body to s3kit as unsigned aws-chunked with CRC32 trailer", loopback: true, provider: "s3kit",
			body: func() io.Reader { return bytes.NewReader(big) }, payload: big, wantTrailer: "x-amz-checksum-crc32", wantSHA: sigv4.StreamingUnsignedPayloadTrailer},
		{name: "loopback: stream to s3kit as unsigned aws-chunked with CRC32 trailer", loopback: true, provider: "s3kit", length: int64(len(body)),
			body: func() io.Reader { return io.MultiReader(bytes.NewReader(body)) }, wantTrailer: "x-amz-checksum-crc32", wantSHA: sigv4.StreamingUnsignedPayloadTrailer},
		{name: "loopback to an unknown server: unsigned payload with Content-MD5", loopback: true, provider: "unknown",
			body: func() io.Reader { return bytes.NewReader(big) }, payload: big, wantSHA: sigv4.UnsignedPayload, wantMD5: true},
		{name: "loopback to an unknown server, stream: buffered, unsigned payload with Content-MD5", loopback: true, length: int64(len(body)),
			body: func() io.Reader { return io.MultiReader(bytes.NewReader(body)) }, wantSHA: sigv4.UnsignedPayload, wantMD5: true},
		{name: "loopback, when_required: payload stays signed", loopback: true, provider: "s3kit", policy: WhenRequired,
			body: func() io.Reader { return bytes.NewReader(body) }, wantSHA: hex.EncodeToString(sum[:])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, got := verifyingServer(t)
			endpoint, remote := remoteHost(srv)
			if tt.loopback {
				endpoint, remote = srv.URL, func(*clientConfig) {}
			}
			c := testClient(t, endpoint, remote, func(cfg *clientConfig) { cfg.provider, cfg.requestChecksum = tt.provider, tt.policy })
			_, err := c.PutObject(context.Background(), &PutObjectInput{Bucket: "bucket", Key: "key", Body: tt.body(), ContentLength: tt.length})
			if err != nil {
				t.Fatalf("PutObject: %v", err)
			}
			if len(*got) != 1 {
				t.Fatalf("server saw %d requests", len(*got))
			}
			r := (*got)[0]
			if r.err != nil || r.anon {
				t.Fatalf("server rejected the request: %v (anonymous=%v)", r.err, r.anon)
			}
			want := body
			if tt.payload != nil {
				want = tt.payload
			}
			if !bytes.Equal(r.body, want) {
				t.Errorf("server decoded %d bytes, want the %d sent", len(r.body), len(want))
			}
			if g := r.header.Get("X-Amz-Checksum-Crc32"); g != tt.wantCRC {
				t.Errorf("x-amz-checksum-crc32 = %q, want %q", g, tt.wantCRC)
			}
			if g := r.header.Get("X-Amz-Trailer"); g != tt.wantTrailer {
				t.Errorf("X-Amz-Trailer = %q, want %q", g, tt.wantTrailer)
			}
			if g := r.header.Get("X-Amz-Content-Sha256"); g != tt.wantSHA {
				t.Errorf("X-Amz-Content-Sha256 = %q, want %q", g, tt.wantSHA)
			}
			if g := r.header.Get("Content-Md5"); (g != "") != tt.wantMD5 || (g != "" && g != md5b64(want)) {
				t.Errorf("Content-MD5 = %q, want present: %v", g, tt.wantMD5)
			}
			if ce := r.header.Get("Content-Encoding"); ce != "" && tt.provider != "s3kit" {
				t.Errorf("Content-Encoding = %q to a server not known to decode aws-chunked", ce)
			}
		})
	}
}

func TestDeleteObjectsIntegrityHeaders(t *testing.T) {
	srv, got := verifyingServer(t)
	c := testClient(t, srv.URL, func(cfg *clientConfig) { cfg.provider = "ceph" })
	ids := make([]ObjectID, 2500)
	for i := range ids {
		ids[i] = ObjectID{Key: "k"}
	}
	if _, err := c.DeleteObjects(context.Background(), &DeleteObjectsInput{Bucket: "bucket", Objects: ids, Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if len(*got) != 3 {
		t.Fatalf("2500 keys went in %d requests, want 3 (1000 + 1000 + 500)", len(*got))
	}
	for i, r := range *got {
		if r.err != nil {
			t.Fatalf("request %d rejected: %v", i, r.err)
		}
		if n := strings.Count(string(r.body), "<Object>"); n != []int{1000, 1000, 500}[i] {
			t.Errorf("request %d carries %d keys", i, n)
		}
		if r.header.Get("Content-Md5") == "" || r.header.Get("X-Amz-Checksum-Crc32") != "" {
			t.Errorf("request %d: Content-MD5 %q, CRC32 %q; the ceph row wants MD5 only", i, r.header.Get("Content-Md5"), r.header.Get("X-Amz-Checksum-Crc32"))
		}
	}
}

func TestResponseChecksumValidation(t *testing.T) {
	body := []byte("downloaded bytes")
	tests := []struct {
		name     string
		header   map[string]string
		rng      string
		policy   string
		wantErr  bool
		wantMode string
	}{
		{name: "matching CRC32", header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64(body)}, wantMode: "ENABLED"},
		{name: "mismatching CRC32", header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64([]byte("other"))}, wantErr: true, wantMode: "ENABLED"},
		{name: "mismatching SHA256", header: map[string]string{"X-Amz-Checksum-Sha256": base64.StdEncoding.EncodeToString(make([]byte, 32))}, wantErr: true, wantMode: "ENABLED"},
		{name: "composite checksum is skipped", header: map[string]string{"X-Amz-Checksum-Crc32": "AAAAAA==-3"}, wantMode: "ENABLED"},
		{name: "ranged GET is not validated", header: map[string]string{"X-Amz-Checksum-Crc32": "AAAAAA=="}, rng: "bytes=0-", wantMode: "ENABLED"},
		{name: "no checksum sent", wantMode: "ENABLED"},
		{name: "when_required does not ask", policy: WhenRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mode string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mode = r.Header.Get("X-Amz-Checksum-Mode")
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.Write(body)
			}))
			defer srv.Close()
			c := testClient(t, srv.URL, func(cfg *clientConfig) { cfg.responseChecksum = tt.policy })
			out, err := c.GetObject(context.Background(), &GetObjectInput{Bucket: "bucket", Key: "key", Range: tt.rng})
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(out.Body)
			out.Body.Close()
			var ce *ChecksumError
			if tt.wantErr != errors.As(err, &ce) {
				t.Fatalf("read error = %v, want checksum error: %v", err, tt.wantErr)
			}
			if !tt.wantErr && !bytes.Equal(data, body) {
				t.Errorf("body = %q", data)
			}
			if mode != tt.wantMode {
				t.Errorf("x-amz-checksum-mode = %q, want %q", mode, tt.wantMode)
			}
		})
	}
}
