package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/sigv4"
)

// TestHTTPSPayloadAlwaysChecked: over https the payload may go unsigned
// (botocore), but only together with a checksum the server verifies. A
// when_required client, or a server not known to verify CRC32, used to
// get an unsigned body with no check at all (versitygw, SeaweedFS and
// MinIO stored a flipped byte).
func TestHTTPSPayloadAlwaysChecked(t *testing.T) {
	body := []byte(strings.Repeat("over https ", 3000))
	seekable := func() io.Reader { return bytes.NewReader(body) }
	stream := func() io.Reader { return io.MultiReader(bytes.NewReader(body)) }
	tests := []struct {
		name, provider, policy string
		body                   func() io.Reader
		wantSHA                string // "" means the body's SHA-256
		wantMD5, wantTrailer   bool
	}{
		{name: "s3kit: unsigned aws-chunked with CRC32 trailer", provider: "s3kit", body: seekable,
			wantSHA: sigv4.StreamingUnsignedPayloadTrailer, wantTrailer: true},
		{name: "s3kit, when_required: signed payload", provider: "s3kit", policy: WhenRequired, body: seekable},
		{name: "s3kit, when_required, stream: signed chunks", provider: "s3kit", policy: WhenRequired, body: stream,
			wantSHA: sigv4.StreamingPayload},
		{name: "unknown: unsigned with Content-MD5", provider: "unknown", body: seekable,
			wantSHA: sigv4.UnsignedPayload, wantMD5: true},
		{name: "unknown stream: buffered, unsigned with Content-MD5", provider: "unknown", body: stream,
			wantSHA: sigv4.UnsignedPayload, wantMD5: true},
		{name: "unknown, when_required: unsigned with Content-MD5", provider: "unknown", policy: WhenRequired, body: seekable,
			wantSHA: sigv4.UnsignedPayload, wantMD5: true},
	}
	sum := md5.Sum(body)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, got := verifyingServerTLS(t, true)
			c := testClient(t, srv.URL, func(cfg *clientConfig) {
				cfg.provider, cfg.requestChecksum, cfg.httpClient = tt.provider, tt.policy, srv.Client()
			})
			_, err := c.PutObject(context.Background(), &PutObjectInput{Bucket: "bucket", Key: "key", Body: tt.body(), ContentLength: int64(len(body))})
			if err != nil {
				t.Fatalf("PutObject: %v", err)
			}
			r := (*got)[0]
			if r.err != nil || !bytes.Equal(r.body, body) {
				t.Fatalf("server got %d bytes, error %v", len(r.body), r.err)
			}
			sha := r.header.Get("X-Amz-Content-Sha256")
			want := tt.wantSHA
			if want == "" {
				h := sha256.Sum256(body)
				want = hex.EncodeToString(h[:])
			}
			if sha != want {
				t.Errorf("X-Amz-Content-Sha256 = %q, want %q", sha, want)
			}
			if g := r.header.Get("Content-Md5"); (g != "") != tt.wantMD5 || (g != "" && g != md5b64(body)) {
				t.Errorf("Content-MD5 = %q, want present: %v (%x)", g, tt.wantMD5, sum)
			}
			if (r.header.Get("X-Amz-Trailer") != "") != tt.wantTrailer {
				t.Errorf("X-Amz-Trailer = %q, want present: %v", r.header.Get("X-Amz-Trailer"), tt.wantTrailer)
			}
			if sha == sigv4.UnsignedPayload && r.header.Get("Content-Md5") == "" && r.header.Get("X-Amz-Checksum-Crc32") == "" {
				t.Error("an unsigned body went without any checksum")
			}
		})
	}
}

// TestUploadResponseChecks: the ETag of a PutObject or UploadPart response
// is compared with the MD5 the client sent, except where it is not an MD5
// (SSE-KMS, SSE-C, other shapes); a returned CRC32 is compared with the one
// sent. A mismatch is an *IntegrityError, even though the status was 200.
func TestUploadResponseChecks(t *testing.T) {
	body := []byte("the bytes the client sent")
	s := md5.Sum(body)
	good := `"` + hex.EncodeToString(s[:]) + `"`
	bad := `"` + strings.Repeat("0", 32) + `"`
	tests := []struct {
		name      string
		provider  string
		header    map[string]string
		part      bool
		wantField string // "" means success
	}{
		{name: "matching ETag", header: map[string]string{"ETag": good}},
		{name: "other ETag", header: map[string]string{"ETag": bad}, wantField: "ETag"},
		{name: "other ETag on a part", part: true, header: map[string]string{"ETag": bad}, wantField: "ETag"},
		{name: "SSE-KMS ETag is not an MD5", header: map[string]string{"ETag": bad, "X-Amz-Server-Side-Encryption": "aws:kms"}},
		{name: "DSSE-KMS ETag is not an MD5", header: map[string]string{"ETag": bad, "X-Amz-Server-Side-Encryption": "aws:kms:dsse"}},
		{name: "SSE-C ETag is not an MD5", header: map[string]string{"ETag": bad, "X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256"}},
		{name: "SSE-S3 ETag is an MD5", header: map[string]string{"ETag": bad, "X-Amz-Server-Side-Encryption": "AES256"}, wantField: "ETag"},
		{name: "opaque ETag proves nothing", header: map[string]string{"ETag": `"v1-opaque"`}},
		{name: "s3kit verifies: no MD5 to compare", provider: "s3kit", header: map[string]string{"ETag": bad}},
		{name: "returned CRC32 differs", provider: "s3kit", header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64([]byte("x"))},
			wantField: "x-amz-checksum-crc32"},
		{name: "returned CRC32 matches", provider: "s3kit", header: map[string]string{"X-Amz-Checksum-Crc32": crc32b64(body)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
			}))
			defer srv.Close()
			c := testClient(t, srv.URL, func(cfg *clientConfig) { cfg.provider = tt.provider })
			ctx := context.Background()
			var err error
			if tt.part {
				_, err = c.UploadPart(ctx, &UploadPartInput{Bucket: "b", Key: "k", UploadID: "u", PartNumber: 7, Body: bytes.NewReader(body)})
			} else {
				_, err = c.PutObject(ctx, &PutObjectInput{Bucket: "b", Key: "k", Body: bytes.NewReader(body)})
			}
			var ie *IntegrityError
			switch {
			case tt.wantField == "" && err != nil:
				t.Fatalf("upload: %v", err)
			case tt.wantField != "" && (!errors.As(err, &ie) || ie.Field != tt.wantField):
				t.Fatalf("upload error = %v, want an *IntegrityError on %s", err, tt.wantField)
			case tt.part && ie.PartNumber != 7:
				t.Errorf("PartNumber = %d, want 7", ie.PartNumber)
			}
		})
	}
}
