package server_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/storage/disk"
	"github.com/s3kit/s3kit/storage/mem"
	"github.com/s3kit/s3kit/storage/sse"
)

// TestEncryptionHeadersRefused checks that a request asking for DSSE-KMS
// fails with NotImplemented and writes nothing, rather than answering 200
// and storing the object without the encryption it asked for.
func TestEncryptionHeadersRefused(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "src", []byte("source"), nil)
		dsse := hdr{"x-amz-server-side-encryption": "aws:kms:dsse"}
		for _, tc := range []struct {
			name, method, path string
			h                  hdr
		}{
			{"put DSSE", "PUT", "/bkt/new", dsse},
			{"create upload DSSE", "POST", "/bkt/new?uploads", dsse},
			{"copy to DSSE", "PUT", "/bkt/new", merge(dsse, hdr{"x-amz-copy-source": "/bkt/src"})},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				e.wantErr(501, "NotImplemented", tc.method, tc.path, []byte("secret"), tc.h)
				e.wantErr(404, "NoSuchKey", "GET", "/bkt/new", nil, nil)
			})
		}
		var up struct {
			Uploads []struct{ Key string } `xml:"Upload"`
		}
		e.must(200, "GET", "/bkt?uploads", nil, nil).decode(t, &up)
		if len(up.Uploads) != 0 {
			t.Errorf("refused CreateMultipartUpload left uploads: %+v", up.Uploads)
		}
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

// ssecHeaders are the SSE-C headers for key (for a copy source with
// prefix "x-amz-copy-source-").
func ssecHeaders(prefix string, key []byte) hdr {
	sum := md5.Sum(key)
	return hdr{
		prefix + "server-side-encryption-customer-algorithm": "AES256",
		prefix + "server-side-encryption-customer-key":       base64.StdEncoding.EncodeToString(key),
		prefix + "server-side-encryption-customer-key-MD5":   base64.StdEncoding.EncodeToString(sum[:]),
	}
}

func merge(hs ...hdr) hdr {
	out := hdr{}
	for _, h := range hs {
		for k, v := range h {
			out[k] = v
		}
	}
	return out
}

// TestSSEC checks SSE-C on the wire: the key is required to read (400
// without it, 403 with another), every answer carries the algorithm and
// the key's MD5 and not x-amz-server-side-encryption, malformed key
// headers are refused with S3's errors, copies and multipart uploads
// take the key, and the key never appears in an answer.
func TestSSEC(t *testing.T) {
	t.Parallel()
	keyA, keyB := bytes.Repeat([]byte("a"), 32), bytes.Repeat([]byte("b"), 32)
	a, b := ssecHeaders("x-amz-", keyA), ssecHeaders("x-amz-", keyB)
	srcA := ssecHeaders("x-amz-copy-source-", keyA)
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		body := bytes.Repeat([]byte("0123456789"), 20000)
		sum := md5.Sum(keyA)
		md5A := base64.StdEncoding.EncodeToString(sum[:])
		want := func(what string, r result) {
			t.Helper()
			if r.header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "AES256" || r.header.Get("X-Amz-Server-Side-Encryption-Customer-Key-Md5") != md5A || r.header.Get("X-Amz-Server-Side-Encryption") != "" {
				t.Errorf("%s: encryption headers %v", what, r.header)
			}
			if bytes.Contains(r.body, []byte(a["x-amz-server-side-encryption-customer-key"])) {
				t.Errorf("%s: the answer contains the key", what)
			}
		}
		r := e.must(200, "PUT", "/bkt/k", body, a)
		want("PUT", r)
		if sum := md5.Sum(body); strings.Contains(r.header.Get("ETag"), hex.EncodeToString(sum[:])) {
			t.Errorf("SSE-C ETag %s is the plaintext's MD5", r.header.Get("ETag"))
		}
		e.wantErr(400, "InvalidRequest", "GET", "/bkt/k", nil, nil)
		e.wantErr(400, "InvalidRequest", "HEAD", "/bkt/k", nil, nil)
		e.wantErr(403, "AccessDenied", "GET", "/bkt/k", nil, b)
		e.wantErr(403, "AccessDenied", "HEAD", "/bkt/k", nil, b)
		r = e.must(200, "GET", "/bkt/k", nil, a)
		want("GET", r)
		if !bytes.Equal(r.body, body) {
			t.Fatalf("GET with the key: %d bytes", len(r.body))
		}
		want("HEAD", e.must(200, "HEAD", "/bkt/k", nil, a))
		r = e.must(206, "GET", "/bkt/k", nil, merge(a, hdr{"Range": "bytes=65530-65545"}))
		if !bytes.Equal(r.body, body[65530:65546]) {
			t.Errorf("ranged GET = %q", r.body)
		}
		// Tagging needs no key, as on S3; GetObjectAttributes does.
		e.must(200, "GET", "/bkt/k?tagging", nil, nil)
		attrs := hdr{"x-amz-object-attributes": "ETag,ObjectSize"}
		e.wantErr(400, "InvalidRequest", "GET", "/bkt/k?attributes", nil, attrs)
		e.must(200, "GET", "/bkt/k?attributes", nil, merge(attrs, a))

		for _, tc := range []struct {
			name, code string
			h          hdr
		}{
			{"wrong MD5", "InvalidArgument", merge(a, hdr{"x-amz-server-side-encryption-customer-key-MD5": "AAAAAAAAAAAAAAAAAAAAAA=="})},
			{"no MD5", "InvalidArgument", hdr{"x-amz-server-side-encryption-customer-algorithm": "AES256", "x-amz-server-side-encryption-customer-key": a["x-amz-server-side-encryption-customer-key"]}},
			{"no key", "InvalidArgument", hdr{"x-amz-server-side-encryption-customer-algorithm": "AES256"}},
			{"no algorithm", "InvalidArgument", hdr{"x-amz-server-side-encryption-customer-key": a["x-amz-server-side-encryption-customer-key"], "x-amz-server-side-encryption-customer-key-MD5": md5A}},
			{"short key", "InvalidArgument", ssecHeaders("x-amz-", keyA[:16])},
			{"other algorithm", "InvalidEncryptionAlgorithmError", merge(a, hdr{"x-amz-server-side-encryption-customer-algorithm": "AES128"})},
			{"with SSE-S3", "InvalidArgument", merge(a, hdr{"x-amz-server-side-encryption": "AES256"})},
		} {
			r := e.wantErr(400, tc.code, "PUT", "/bkt/bad", []byte("x"), tc.h)
			if bytes.Contains(r.body, []byte(a["x-amz-server-side-encryption-customer-key"])) {
				t.Errorf("%s: the error contains the key", tc.name)
			}
		}
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/bad", nil, nil)

		e.put("bkt", "plain", []byte("plain"), nil)
		e.wantErr(400, "InvalidRequest", "GET", "/bkt/plain", nil, a)

		// Copies: the source's key is needed to read it; the copy is
		// encrypted as its own headers ask.
		e.wantErr(400, "InvalidRequest", "PUT", "/bkt/c1", nil, hdr{"x-amz-copy-source": "/bkt/k"})
		e.wantErr(403, "AccessDenied", "PUT", "/bkt/c1", nil, merge(ssecHeaders("x-amz-copy-source-", keyB), hdr{"x-amz-copy-source": "/bkt/k"}))
		e.must(200, "PUT", "/bkt/c1", nil, merge(srcA, hdr{"x-amz-copy-source": "/bkt/k"}))
		if got := e.must(200, "GET", "/bkt/c1", nil, nil).body; !bytes.Equal(got, body) {
			t.Errorf("copy to plain: %d bytes", len(got))
		}
		r = e.must(200, "PUT", "/bkt/c2", nil, merge(a, hdr{"x-amz-copy-source": "/bkt/plain"}))
		want("copy to SSE-C", r)
		if got := e.must(200, "GET", "/bkt/c2", nil, a).body; string(got) != "plain" {
			t.Errorf("copy to SSE-C: %q", got)
		}
		e.wantErr(400, "InvalidRequest", "GET", "/bkt/c2", nil, nil)

		// Multipart: every part needs the key.
		var up struct{ UploadId string }
		r = e.must(200, "POST", "/bkt/mp?uploads", nil, a)
		want("CreateMultipartUpload", r)
		r.decode(t, &up)
		part := "/bkt/mp?partNumber=1&uploadId=" + up.UploadId
		e.wantErr(400, "InvalidRequest", "PUT", part, []byte("part"), nil)
		// A part under another key than the upload's is 400, as on S3
		// (a read with a wrong key is 403).
		e.wantErr(400, "InvalidRequest", "PUT", part, []byte("part"), b)
		p1 := bytes.Repeat([]byte("p"), 5<<20)
		r = e.must(200, "PUT", part, p1, a)
		want("UploadPart", r)
		etag := r.header.Get("ETag")
		// UploadPartCopy into the upload needs the upload's key too.
		e.wantErr(400, "InvalidRequest", "PUT", "/bkt/mp?partNumber=2&uploadId="+up.UploadId, nil, merge(srcA, hdr{"x-amz-copy-source": "/bkt/k", "x-amz-copy-source-range": "bytes=0-99"}))
		e.wantErr(400, "InvalidRequest", "PUT", "/bkt/mp?partNumber=2&uploadId="+up.UploadId, nil, hdr{"x-amz-copy-source": "/bkt/plain"})
		r = e.must(200, "PUT", "/bkt/mp?partNumber=2&uploadId="+up.UploadId, nil, merge(a, srcA, hdr{"x-amz-copy-source": "/bkt/k", "x-amz-copy-source-range": "bytes=0-99"}))
		want("UploadPartCopy", r)
		var cpr struct{ ETag string }
		r.decode(t, &cpr)
		complete := []byte(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>` + etag + `</ETag></Part><Part><PartNumber>2</PartNumber><ETag>` + cpr.ETag + `</ETag></Part></CompleteMultipartUpload>`)
		// A key given on Complete must be the upload's.
		e.wantErr(400, "InvalidRequest", "POST", "/bkt/mp?uploadId="+up.UploadId, complete, b)
		r = e.must(200, "POST", "/bkt/mp?uploadId="+up.UploadId, complete, nil)
		if r.header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "AES256" {
			t.Errorf("Complete: encryption headers %v", r.header)
		}
		e.wantErr(400, "InvalidRequest", "GET", "/bkt/mp", nil, nil)
		r = e.must(206, "GET", "/bkt/mp", nil, merge(a, hdr{"Range": "bytes=5242870-5242889"}))
		if want := append(bytes.Repeat([]byte("p"), 10), body[:10]...); !bytes.Equal(r.body, want) {
			t.Errorf("ranged GET across the parts = %q, want %q", r.body, want)
		}
	})
}

// TestBucketEncryption checks PutBucketEncryption, GetBucketEncryption
// and DeleteBucketEncryption, and that the default applies to writes
// that name no encryption (PUT, multipart, copy) and stops applying once
// deleted.
func TestBucketEncryption(t *testing.T) {
	t.Parallel()
	const sseH = "X-Amz-Server-Side-Encryption"
	doc := func(inner string) []byte {
		return []byte(`<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>` + inner + `</Rule></ServerSideEncryptionConfiguration>`)
	}
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "before", []byte("x"), nil)
		e.wantErr(404, "ServerSideEncryptionConfigurationNotFoundError", "GET", "/bkt?encryption", nil, nil)
		e.wantErr(400, "MalformedXML", "PUT", "/bkt?encryption", doc(`<ApplyServerSideEncryptionByDefault><SSEAlgorithm>ROT13</SSEAlgorithm></ApplyServerSideEncryptionByDefault>`), nil)
		e.wantErr(400, "MalformedXML", "PUT", "/bkt?encryption", doc(`<BucketKeyEnabled>true</BucketKeyEnabled>`), nil)
		e.wantErr(400, "InvalidArgument", "PUT", "/bkt?encryption", doc(`<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>`), nil)
		e.wantErr(404, "NoSuchBucket", "PUT", "/nobkt?encryption", doc(`<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>`), nil)
		e.must(200, "PUT", "/bkt?encryption", doc(`<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled>`), nil)
		var got struct {
			Rule struct {
				ApplyServerSideEncryptionByDefault struct{ SSEAlgorithm string }
				BucketKeyEnabled                   bool
			}
		}
		e.must(200, "GET", "/bkt?encryption", nil, nil).decode(t, &got)
		if got.Rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm != "AES256" || !got.Rule.BucketKeyEnabled {
			t.Fatalf("GetBucketEncryption = %+v", got)
		}
		if v := e.must(200, "PUT", "/bkt/new", []byte("y"), nil).header.Get(sseH); v != "AES256" {
			t.Errorf("PUT under the default: %s = %q", sseH, v)
		}
		if v := e.must(200, "GET", "/bkt/new", nil, nil).header.Get(sseH); v != "AES256" {
			t.Errorf("GET under the default: %s = %q", sseH, v)
		}
		if v := e.must(200, "GET", "/bkt/before", nil, nil).header.Get(sseH); v != "" {
			t.Errorf("an object written before the default: %s = %q", sseH, v)
		}
		if v := e.must(200, "POST", "/bkt/mp?uploads", nil, nil).header.Get(sseH); v != "AES256" {
			t.Errorf("CreateMultipartUpload under the default: %s = %q", sseH, v)
		}
		if v := e.must(200, "PUT", "/bkt/copied", nil, hdr{"x-amz-copy-source": "/bkt/before"}).header.Get(sseH); v != "AES256" {
			t.Errorf("copy under the default: %s = %q", sseH, v)
		}
		e.must(204, "DELETE", "/bkt?encryption", nil, nil)
		e.wantErr(404, "ServerSideEncryptionConfigurationNotFoundError", "GET", "/bkt?encryption", nil, nil)
		if v := e.must(200, "PUT", "/bkt/after", []byte("z"), nil).header.Get(sseH); v != "" {
			t.Errorf("PUT after the default was deleted: %s = %q", sseH, v)
		}
	})
}

// TestSSEKMS checks SSE-KMS on the wire with s3kit's local KMS: aws:kms
// without a key uses the aws/s3 key (created on demand) and every answer
// names its ARN; a key named by alias works; an unknown key is
// KMS.NotFoundException and stores nothing; a KMS key or context without
// aws:kms, or an encryption header on a GET, is refused; Bucket Key and
// a bucket default of aws:kms are honoured.
func TestSSEKMS(t *testing.T) {
	t.Parallel()
	const (
		sseH = "X-Amz-Server-Side-Encryption"
		keyH = "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"
		bkH  = "X-Amz-Server-Side-Encryption-Bucket-Key-Enabled"
	)
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		r := e.must(200, "PUT", "/bkt/k", []byte("kms"), hdr{"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-bucket-key-enabled": "true"})
		arn := r.header.Get(keyH)
		if r.header.Get(sseH) != "aws:kms" || !strings.HasPrefix(arn, "arn:aws:kms:") || r.header.Get(bkH) != "true" {
			t.Fatalf("PUT aws:kms: headers %v", r.header)
		}
		r = e.must(200, "GET", "/bkt/k", nil, nil)
		if string(r.body) != "kms" || r.header.Get(sseH) != "aws:kms" || r.header.Get(keyH) != arn || r.header.Get(bkH) != "true" {
			t.Fatalf("GET: %q %v", r.body, r.header)
		}
		r = e.must(200, "PUT", "/bkt/k2", []byte("kms2"), hdr{"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "alias/aws/s3",
			"x-amz-server-side-encryption-context": base64.StdEncoding.EncodeToString([]byte(`{"app":"x"}`))})
		if r.header.Get(keyH) != arn {
			t.Errorf("PUT naming alias/aws/s3 used key %q, want %q", r.header.Get(keyH), arn)
		}
		e.wantErr(400, "KMS.NotFoundException", "PUT", "/bkt/nokey", []byte("x"), hdr{"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "alias/none"})
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/nokey", nil, nil)
		e.wantErr(400, "InvalidArgument", "PUT", "/bkt/bad", []byte("x"), hdr{"x-amz-server-side-encryption-aws-kms-key-id": "alias/aws/s3"})
		e.wantErr(400, "InvalidArgument", "PUT", "/bkt/bad", []byte("x"), hdr{"x-amz-server-side-encryption": "AES256", "x-amz-server-side-encryption-aws-kms-key-id": "alias/aws/s3"})
		e.wantErr(400, "InvalidArgument", "PUT", "/bkt/bad", []byte("x"), hdr{"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-context": "not base64 json"})
		e.wantErr(400, "InvalidArgument", "GET", "/bkt/k", nil, hdr{"x-amz-server-side-encryption": "aws:kms"})

		e.must(200, "PUT", "/bkt?encryption", []byte(`<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>`+arn+`</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`), nil)
		r = e.must(200, "PUT", "/bkt/by-default", []byte("d"), nil)
		if r.header.Get(sseH) != "aws:kms" || r.header.Get(keyH) != arn {
			t.Errorf("PUT under an aws:kms default: %v", r.header)
		}
		// Copies re-encrypt under the copy's own encryption.
		r = e.must(200, "PUT", "/bkt/c", nil, hdr{"x-amz-copy-source": "/bkt/k", "x-amz-server-side-encryption": "AES256"})
		if r.header.Get(sseH) != "AES256" || string(e.must(200, "GET", "/bkt/c", nil, nil).body) != "kms" {
			t.Errorf("copy from aws:kms to AES256: %v", r.header)
		}
	})
}

// TestSSETamperedObjectNotServed changes one byte of an encrypted
// object's file on disk and checks that a GET of it is an error answer,
// never the altered bytes, while a range of untouched packages still
// reads.
func TestSSETamperedObjectNotServed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := disk.Open(context.Background(), dir, disk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, s3test.WithBackend(sse.New(st, sse.Options{Dir: dir})))
	e.mkBucket("bkt")
	body := bytes.Repeat([]byte("secret!"), 3*sse.PackageSize/7+9)
	e.must(200, "PUT", "/bkt/k", body, hdr{"x-amz-server-side-encryption": "AES256"})
	files, _ := filepath.Glob(filepath.Join(dir, "data", "*"))
	if len(files) != 1 {
		t.Fatalf("content files %v", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	raw[40] ^= 0x01 // in the first package
	if err := os.WriteFile(files[0], raw, 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", "/bkt/k", nil, nil)
	if r.status != 500 || bytes.Contains(r.body, []byte("secret!")) {
		t.Fatalf("GET of a tampered object: %d, %d bytes", r.status, len(r.body))
	}
	r = e.must(206, "GET", "/bkt/k", nil, hdr{"Range": "bytes=70000-70099"})
	if !bytes.Equal(r.body, body[70000:70100]) {
		t.Errorf("range of untouched packages = %q", r.body)
	}
}

// TestEncryptionPolicyConditions checks that a bucket policy can require
// encryption through S3's condition keys for it: the algorithm
// (s3:x-amz-server-side-encryption), the SSE-C algorithm
// (s3:x-amz-server-side-encryption-customer-algorithm, Null when the
// request has no SSE-C) and the KMS key
// (s3:x-amz-server-side-encryption-aws-kms-key-id). A refused PUT stores
// nothing.
func TestEncryptionPolicyConditions(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte("k"), 32)
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		pol := `{"Version":"2012-10-17","Statement":[
		  {"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/c/*",
		   "Condition":{"Null":{"s3:x-amz-server-side-encryption-customer-algorithm":"true"}}},
		  {"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/kms/*",
		   "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"alias/aws/s3"}}},
		  {"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/s3/*",
		   "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}}]}`
		e.must(204, "PUT", "/bkt?policy", []byte(pol), nil)
		kms := func(id string) hdr {
			return hdr{"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": id}
		}
		for _, tc := range []struct {
			path string
			h    hdr
			want int
		}{
			{"/bkt/c/plain", nil, 403},
			{"/bkt/c/sses3", hdr{"x-amz-server-side-encryption": "AES256"}, 403},
			{"/bkt/c/ssec", ssecHeaders("x-amz-", key), 200},
			{"/bkt/kms/none", nil, 403},
			{"/bkt/kms/other", kms("alias/other"), 403},
			{"/bkt/kms/ok", kms("alias/aws/s3"), 200},
			{"/bkt/s3/plain", nil, 403},
			{"/bkt/s3/kms", kms("alias/aws/s3"), 403},
			{"/bkt/s3/ok", hdr{"x-amz-server-side-encryption": "AES256"}, 200},
		} {
			r := e.do("PUT", tc.path, []byte("data"), tc.h)
			if r.status != tc.want {
				t.Errorf("PUT %s: status %d, want %d\n%s", tc.path, r.status, tc.want, r.body)
			}
			if tc.want == 403 {
				e.wantErr(404, "NoSuchKey", "GET", tc.path, nil, nil)
			}
		}
	})
}
