package server_test

import (
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"testing"
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

// TestAnonymousPostRefused checks that a browser form upload without a
// signed policy is refused as any anonymous request is, storing nothing.
func TestAnonymousPostRefused(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		body := []byte("--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--b\r\n" +
			"Content-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\ndata\r\n--b--\r\n")
		r := e.anon(http.MethodPost, "/bkt", body, hdr{"Content-Type": "multipart/form-data; boundary=b"})
		checkErr(t, r, 403, "AccessDenied", false)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/k", nil, nil)
		// Any other unsigned POST still needs a signature.
		r = e.anon(http.MethodPost, "/bkt?delete", []byte("<Delete/>"), nil)
		checkErr(t, r, 403, "AccessDenied", false)
	})
}
