package server_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// TestSSEVersions checks encrypted objects in a versioned bucket: a GET,
// HEAD, ranged GET, GetObjectAttributes and listing of an older version
// answer its plaintext and sizes with its encryption headers, copies from
// it are encrypted as the copy asks, and an SSE-C version needs its key
// (400 without, 403 with another) on every read, the copy source
// included. The bucket's versioning is set without a skip: a server whose
// storage hides versioning fails here.
func TestSSEVersions(t *testing.T) {
	t.Parallel()
	const sseH, verH = "X-Amz-Server-Side-Encryption", "X-Amz-Version-Id"
	keyA, keyB := bytes.Repeat([]byte("a"), 32), bytes.Repeat([]byte("b"), 32)
	a, b := ssecHeaders("x-amz-", keyA), ssecHeaders("x-amz-", keyB)
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.setVersioning("bkt", "Enabled")
		old := bytes.Repeat([]byte("old version "), 20000)
		r := e.must(200, "PUT", "/bkt/k", old, hdr{"x-amz-server-side-encryption": "AES256"})
		v1 := r.header.Get(verH)
		if v1 == "" || r.header.Get(sseH) != "AES256" {
			t.Fatalf("PUT SSE-S3 in a versioned bucket: headers %v", r.header)
		}
		e.put("bkt", "k", []byte("plain latest"), nil)

		r = e.must(200, "GET", "/bkt/k?versionId="+v1, nil, nil)
		if !bytes.Equal(r.body, old) {
			t.Fatalf("GET of the SSE-S3 version: %d bytes, want %d", len(r.body), len(old))
		}
		wantHeaders(t, "GET version", r, map[string]string{sseH: "AES256", verH: v1, "Content-Length": strconv.Itoa(len(old))})
		r = e.must(200, "HEAD", "/bkt/k?versionId="+v1, nil, nil)
		wantHeaders(t, "HEAD version", r, map[string]string{sseH: "AES256", verH: v1, "Content-Length": strconv.Itoa(len(old))})
		r = e.must(206, "GET", "/bkt/k?versionId="+v1, nil, hdr{"Range": "bytes=65530-65549"})
		if !bytes.Equal(r.body, old[65530:65550]) {
			t.Errorf("ranged GET of the version = %q", r.body)
		}
		r = e.must(200, "GET", "/bkt/k", nil, nil)
		wantHeaders(t, "GET latest", r, map[string]string{sseH: ""})
		r = e.must(200, "GET", "/bkt/k?attributes&versionId="+v1, nil, hdr{"x-amz-object-attributes": "ObjectSize"})
		if !strings.Contains(string(r.body), "<ObjectSize>"+strconv.Itoa(len(old))+"</ObjectSize>") {
			t.Errorf("GetObjectAttributes of the version: %s", r.body)
		}
		var list struct {
			Version []struct {
				VersionId string
				Size      int64
			}
		}
		e.must(200, "GET", "/bkt?versions", nil, nil).decode(t, &list)
		for _, v := range list.Version {
			if v.VersionId == v1 && v.Size != int64(len(old)) {
				t.Errorf("ListObjectVersions: version %s size %d, want %d", v1, v.Size, len(old))
			}
		}

		// Copies of the old version: in the clear, under SSE-S3, under
		// SSE-C; each reads back as the version's plaintext.
		src := hdr{"x-amz-copy-source": "/bkt/k?versionId=" + v1}
		r = e.must(200, "PUT", "/bkt/clear", nil, src)
		wantHeaders(t, "copy to plain", r, map[string]string{sseH: "", "X-Amz-Copy-Source-Version-Id": v1})
		r = e.must(200, "GET", "/bkt/clear", nil, nil)
		if !bytes.Equal(r.body, old) || r.header.Get(sseH) != "" {
			t.Errorf("plain copy of the version: %d bytes, %s %q", len(r.body), sseH, r.header.Get(sseH))
		}
		r = e.must(200, "PUT", "/bkt/s3", nil, merge(src, hdr{"x-amz-server-side-encryption": "AES256"}))
		wantHeaders(t, "copy to SSE-S3", r, map[string]string{sseH: "AES256", "X-Amz-Copy-Source-Version-Id": v1})
		r = e.must(200, "GET", "/bkt/s3", nil, nil)
		if !bytes.Equal(r.body, old) || r.header.Get(sseH) != "AES256" {
			t.Errorf("SSE-S3 copy of the version: %d bytes, %s %q", len(r.body), sseH, r.header.Get(sseH))
		}
		e.must(200, "PUT", "/bkt/c", nil, merge(src, a))
		if r := e.must(200, "GET", "/bkt/c", nil, a); !bytes.Equal(r.body, old) {
			t.Errorf("SSE-C copy of the version: %d bytes", len(r.body))
		}

		// An SSE-C version behind a plain latest one.
		secret := bytes.Repeat([]byte("secret "), 30000)
		r = e.must(200, "PUT", "/bkt/sc", secret, a)
		c1 := r.header.Get(verH)
		e.put("bkt", "sc", []byte("plain latest"), nil)
		q := "/bkt/sc?versionId=" + c1
		e.wantErr(400, "InvalidRequest", "GET", q, nil, nil)
		e.wantErr(400, "InvalidRequest", "HEAD", q, nil, nil)
		e.wantErr(403, "AccessDenied", "GET", q, nil, b)
		e.wantErr(403, "AccessDenied", "HEAD", q, nil, b)
		e.wantErr(400, "InvalidRequest", "GET", "/bkt/sc", nil, a)
		r = e.must(200, "GET", q, nil, a)
		if !bytes.Equal(r.body, secret) {
			t.Fatalf("GET of the SSE-C version with its key: %d bytes", len(r.body))
		}
		wantHeaders(t, "GET SSE-C version", r, map[string]string{verH: c1, sseH: "",
			"X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256", "X-Amz-Server-Side-Encryption-Customer-Key-Md5": a["x-amz-server-side-encryption-customer-key-MD5"]})
		r = e.must(200, "HEAD", q, nil, a)
		wantHeaders(t, "HEAD SSE-C version", r, map[string]string{verH: c1, "Content-Length": strconv.Itoa(len(secret)),
			"X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256"})
		csrc := hdr{"x-amz-copy-source": q}
		e.wantErr(400, "InvalidRequest", "PUT", "/bkt/sc2", nil, csrc)
		e.wantErr(403, "AccessDenied", "PUT", "/bkt/sc2", nil, merge(csrc, ssecHeaders("x-amz-copy-source-", keyB)))
		r = e.must(200, "PUT", "/bkt/sc2", nil, merge(csrc, ssecHeaders("x-amz-copy-source-", keyA)))
		wantHeaders(t, "copy of the SSE-C version", r, map[string]string{"X-Amz-Copy-Source-Version-Id": c1})
		if r := e.must(200, "GET", "/bkt/sc2", nil, nil); !bytes.Equal(r.body, secret) {
			t.Errorf("plain copy of the SSE-C version: %d bytes", len(r.body))
		}
	})
}
