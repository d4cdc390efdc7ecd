package server_test

import (
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/storage/mem"
)

// TestEncryptionHeadersRefused checks that a request asking for SSE-KMS
// or SSE-C fails with NotImplemented and writes nothing, rather than
// answering 200 and storing plaintext; SSE-S3 (AES256) is accepted.
func TestEncryptionHeadersRefused(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "src", []byte("source"), nil)
		key := []byte("0123456789abcdef0123456789abcdef")
		sum := md5.Sum(key)
		ssec := hdr{
			"x-amz-server-side-encryption-customer-algorithm": "AES256",
			"x-amz-server-side-encryption-customer-key":       base64.StdEncoding.EncodeToString(key),
			"x-amz-server-side-encryption-customer-key-MD5":   base64.StdEncoding.EncodeToString(sum[:]),
		}
		copySSEC := hdr{"x-amz-copy-source": "/bkt/src",
			"x-amz-copy-source-server-side-encryption-customer-algorithm": "AES256",
			"x-amz-copy-source-server-side-encryption-customer-key":       base64.StdEncoding.EncodeToString(key),
			"x-amz-copy-source-server-side-encryption-customer-key-MD5":   base64.StdEncoding.EncodeToString(sum[:]),
		}
		kms := hdr{"x-amz-server-side-encryption": "aws:kms"}
		kmsKey := hdr{"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "alias/k"}
		with := func(h hdr, k, v string) hdr {
			c := hdr{k: v}
			for a, b := range h {
				c[a] = b
			}
			return c
		}
		for _, tc := range []struct {
			name, method, path string
			h                  hdr
		}{
			{"put SSE-C", "PUT", "/bkt/new", ssec},
			{"put SSE-KMS", "PUT", "/bkt/new", kms},
			{"put SSE-KMS key", "PUT", "/bkt/new", kmsKey},
			{"put DSSE", "PUT", "/bkt/new", hdr{"x-amz-server-side-encryption": "aws:kms:dsse"}},
			{"create upload SSE-C", "POST", "/bkt/new?uploads", ssec},
			{"create upload SSE-KMS", "POST", "/bkt/new?uploads", kms},
			{"copy to SSE-KMS", "PUT", "/bkt/new", with(kms, "x-amz-copy-source", "/bkt/src")},
			{"copy to SSE-C", "PUT", "/bkt/new", with(ssec, "x-amz-copy-source", "/bkt/src")},
			{"copy from SSE-C", "PUT", "/bkt/new", copySSEC},
			{"get SSE-C", "GET", "/bkt/src", ssec},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				e.wantErr(501, "NotImplemented", tc.method, tc.path, []byte("secret"), tc.h)
				e.wantErr(404, "NoSuchKey", "GET", "/bkt/new", nil, nil)
			})
		}
		e.wantErr(501, "NotImplemented", "HEAD", "/bkt/src", nil, ssec)
		var up struct {
			Uploads []struct{ Key string } `xml:"Upload"`
		}
		e.must(200, "GET", "/bkt?uploads", nil, nil).decode(t, &up)
		if len(up.Uploads) != 0 {
			t.Errorf("refused CreateMultipartUpload left uploads: %+v", up.Uploads)
		}

		// SSE-S3 is what every bucket has; asking for it is fine.
		e.put("bkt", "s3", []byte("x"), hdr{"x-amz-server-side-encryption": "AES256"})
		e.must(200, "GET", "/bkt/s3", nil, nil)
	})
}

// TestPresignedPostNotImplemented checks that a browser form upload (a
// presigned POST, which carries its signature inside the form) answers
// NotImplemented, not AccessDenied, which would send users looking for a
// wrong key.
func TestPresignedPostNotImplemented(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		body := []byte("--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--b\r\n" +
			"Content-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\ndata\r\n--b--\r\n")
		r := e.anon(http.MethodPost, "/bkt", body, hdr{"Content-Type": "multipart/form-data; boundary=b"})
		checkErr(t, r, 501, "NotImplemented", false)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/k", nil, nil)
		// Any other unsigned POST still needs a signature.
		r = e.anon(http.MethodPost, "/bkt?delete", []byte("<Delete/>"), nil)
		checkErr(t, r, 403, "AccessDenied", false)
	})
}

// TestSSES3 checks the wire side of SSE-S3: the x-amz-server-side-encryption
// header on PUT, GET, HEAD, a copy and every multipart step; an unknown
// algorithm is InvalidArgument and stores nothing; and a backend that
// does not encrypt at rest refuses the request (501) instead of storing
// plaintext under an encryption claim.
func TestSSES3(t *testing.T) {
	t.Parallel()
	const sseH = "X-Amz-Server-Side-Encryption"
	aes := hdr{"x-amz-server-side-encryption": "AES256"}
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		want := func(what string, r result, v string) {
			t.Helper()
			if got := r.header.Get(sseH); got != v {
				t.Errorf("%s: %s = %q, want %q", what, sseH, got, v)
			}
		}
		want("PUT", e.must(200, "PUT", "/bkt/k", []byte("hello"), aes), "AES256")
		want("GET", e.must(200, "GET", "/bkt/k", nil, nil), "AES256")
		want("HEAD", e.must(200, "HEAD", "/bkt/k", nil, nil), "AES256")
		want("ranged GET", e.must(206, "GET", "/bkt/k", nil, hdr{"Range": "bytes=1-2"}), "AES256")
		want("copy", e.must(200, "PUT", "/bkt/c", nil, hdr{"x-amz-copy-source": "/bkt/k", "x-amz-server-side-encryption": "AES256"}), "AES256")
		want("copy without the header", e.must(200, "PUT", "/bkt/d", nil, hdr{"x-amz-copy-source": "/bkt/k"}), "")
		want("plain GET", e.must(200, "GET", "/bkt/d", nil, nil), "")
		if got := string(e.must(206, "GET", "/bkt/k", nil, hdr{"Range": "bytes=1-2"}).body); got != "el" {
			t.Errorf("ranged GET = %q", got)
		}

		var up struct{ UploadId string }
		r := e.must(200, "POST", "/bkt/mp?uploads", nil, aes)
		want("CreateMultipartUpload", r, "AES256")
		r.decode(t, &up)
		r = e.must(200, "PUT", "/bkt/mp?partNumber=1&uploadId="+up.UploadId, []byte("part"), nil)
		want("UploadPart", r, "AES256")
		etag := r.header.Get("ETag")
		r = e.must(200, "POST", "/bkt/mp?uploadId="+up.UploadId, []byte(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>`+etag+`</ETag></Part></CompleteMultipartUpload>`), nil)
		want("Complete", r, "AES256")
		if got := string(e.must(200, "GET", "/bkt/mp", nil, nil).body); got != "part" {
			t.Errorf("GET mp = %q", got)
		}

		e.wantErr(400, "InvalidArgument", "PUT", "/bkt/bad", []byte("x"), hdr{"x-amz-server-side-encryption": "AES512"})
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/bad", nil, nil)
	})

	t.Run("backend without encryption", func(t *testing.T) {
		e := newEnv(t, s3test.WithBackend(mem.New(mem.Options{})))
		e.mkBucket("bkt")
		e.wantErr(501, "NotImplemented", "PUT", "/bkt/k", []byte("x"), aes)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/k", nil, nil)
	})
}
