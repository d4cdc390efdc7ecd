package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/mem"
)

// plainBackend hides mem's Multipart and Copier, to exercise fallbacks.
type plainBackend struct{ storage.Backend }

func testCopy(t *testing.T, e *env) {
	e.mkBucket("src")
	e.mkBucket("dst")
	body := []byte("copy me")
	etag := e.put("src", "dir/a%20b", body, hdr{"Content-Type": "text/plain", "X-Amz-Meta-Color": "blue"})

	t.Run("COPY keeps metadata", func(t *testing.T) {
		e := e.sub(t)
		var res s3xml.CopyObjectResult
		e.must(200, "PUT", "/dst/c1", nil, hdr{"X-Amz-Copy-Source": "/src/dir/a%20b"}).decode(t, &res)
		if res.ETag != etag || res.LastModified.IsZero() {
			t.Errorf("result %+v", res)
		}
		r := e.must(200, "GET", "/dst/c1", nil, nil)
		if string(r.body) != string(body) || r.header.Get("Content-Type") != "text/plain" || r.header.Get("X-Amz-Meta-Color") != "blue" {
			t.Errorf("copy: %q %v", r.body, r.header)
		}
	})
	t.Run("REPLACE sets new metadata", func(t *testing.T) {
		e := e.sub(t)
		e.must(200, "PUT", "/dst/c2", nil, hdr{"X-Amz-Copy-Source": "src/dir/a%20b", "X-Amz-Metadata-Directive": "REPLACE",
			"Content-Type": "application/json", "X-Amz-Meta-Shape": "round"})
		r := e.must(200, "HEAD", "/dst/c2", nil, nil)
		if r.header.Get("Content-Type") != "application/json" || r.header.Get("X-Amz-Meta-Shape") != "round" || r.header.Get("X-Amz-Meta-Color") != "" {
			t.Errorf("replaced headers %v", r.header)
		}
	})
	t.Run("onto itself", func(t *testing.T) {
		e := e.sub(t)
		e.wantErr(400, "InvalidRequest", "PUT", "/src/dir/a%20b", nil, hdr{"X-Amz-Copy-Source": "/src/dir/a%20b"})
		e.must(200, "PUT", "/src/dir/a%20b", nil, hdr{"X-Amz-Copy-Source": "/src/dir/a%20b", "X-Amz-Metadata-Directive": "REPLACE", "X-Amz-Meta-Color": "red"})
		if c := e.must(200, "HEAD", "/src/dir/a%20b", nil, nil).header.Get("X-Amz-Meta-Color"); c != "red" {
			t.Errorf("metadata after self-copy %q", c)
		}
	})
	t.Run("source conditions", func(t *testing.T) {
		e := e.sub(t)
		future := e.clock.Now().Add(time.Hour).Format(http.TimeFormat)
		past := e.clock.Now().Add(-time.Hour).Format(http.TimeFormat)
		for name, h := range map[string]hdr{
			"if-match":            {"X-Amz-Copy-Source-If-Match": `"nope"`},
			"if-none-match":       {"X-Amz-Copy-Source-If-None-Match": etag},
			"if-modified-since":   {"X-Amz-Copy-Source-If-Modified-Since": future},
			"if-unmodified-since": {"X-Amz-Copy-Source-If-Unmodified-Since": past},
		} {
			h["X-Amz-Copy-Source"] = "/src/dir/a%20b"
			t.Run(name, func(t *testing.T) {
				e := e.sub(t)
				e.wantErr(412, "PreconditionFailed", "PUT", "/dst/cond-"+name, nil, h)
				e.wantErr(404, "NoSuchKey", "HEAD", "/dst/cond-"+name, nil, nil)
			})
		}
		e.must(200, "PUT", "/dst/cond-ok", nil, hdr{"X-Amz-Copy-Source": "/src/dir/a%20b", "X-Amz-Copy-Source-If-Match": etag})
	})
	t.Run("errors", func(t *testing.T) {
		e := e.sub(t)
		e.wantErr(404, "NoSuchKey", "PUT", "/dst/x", nil, hdr{"X-Amz-Copy-Source": "/src/missing"})
		e.wantErr(404, "NoSuchBucket", "PUT", "/dst/x", nil, hdr{"X-Amz-Copy-Source": "/nobucket/k"})
		e.wantErr(400, "InvalidArgument", "PUT", "/dst/x", nil, hdr{"X-Amz-Copy-Source": "/src"})
		e.wantErr(400, "InvalidArgument", "PUT", "/dst/x", nil, hdr{"X-Amz-Copy-Source": "/src/dir/a%20b", "X-Amz-Metadata-Directive": "MERGE"})
	})
}

func TestCopyObject(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		testCopy(t, bk.env(t))
	})
}

// One backend: a wrapper hiding storage.Copier, whatever lies beneath.
func TestCopyObjectWithoutCopier(t *testing.T) {
	t.Parallel()
	c := newClock()
	testCopy(t, newEnvClock(t, c, s3test.WithBackend(plainBackend{mem.New(mem.Options{Now: c.Now})})))
}

// One backend: a wrapper hiding storage.Multipart, whatever lies beneath.
func TestMultipartNotImplemented(t *testing.T) {
	t.Parallel()
	e := newEnv(t, s3test.WithBackend(plainBackend{mem.New(mem.Options{})}))
	e.mkBucket("bkt")
	e.wantErr(501, "NotImplemented", "POST", "/bkt/k?uploads", nil, nil)
	e.wantErr(501, "NotImplemented", "GET", "/bkt?uploads", nil, nil)
}

func TestDeleteObjects(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		for _, k := range []string{"a", "b", "c"} {
			e.put("bkt", k, []byte(k), nil)
		}
		doc := func(quiet bool, keys ...string) []byte {
			d := s3xml.Delete{Quiet: quiet}
			for _, k := range keys {
				d.Objects = append(d.Objects, s3xml.ObjectIdentifier{Key: k})
			}
			b, err := s3xml.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		var res s3xml.DeleteResult
		e.must(200, "POST", "/bkt?delete", doc(false, "a", "missing"), nil).decode(t, &res)
		if len(res.Deleted) != 2 || len(res.Errors) != 0 {
			t.Errorf("verbose result %+v", res)
		}
		res = s3xml.DeleteResult{}
		e.must(200, "POST", "/bkt?delete", doc(true, "b"), nil).decode(t, &res)
		if len(res.Deleted) != 0 || len(res.Errors) != 0 {
			t.Errorf("quiet result %+v", res)
		}
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/a", nil, nil)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/b", nil, nil)
		e.must(200, "GET", "/bkt/c", nil, nil)

		many := make([]string, 1001)
		for i := range many {
			many[i] = "k"
		}
		e.wantErr(400, "MalformedXML", "POST", "/bkt?delete", doc(false, many...), nil)
		e.wantErr(400, "MalformedXML", "POST", "/bkt?delete", []byte("<Delete><Object>"), nil)
		e.wantErr(400, "MalformedXML", "POST", "/bkt?delete", doc(false), nil)
		e.wantErr(404, "NoSuchBucket", "POST", "/nobucket?delete", doc(false, "a"), nil)
		e.must(200, "POST", "/bkt?delete", doc(false, many[:1000]...), nil)

		// Answers keep the request's order, failures included.
		var keys []string
		for i := range 40 {
			keys = append(keys, fmt.Sprintf("k%02d", i))
		}
		mixed := s3xml.Delete{}
		for i, k := range keys {
			o := s3xml.ObjectIdentifier{Key: k}
			if i%10 == 3 {
				o.VersionID = "v1"
			}
			mixed.Objects = append(mixed.Objects, o)
		}
		b, err := s3xml.Marshal(mixed)
		if err != nil {
			t.Fatal(err)
		}
		res = s3xml.DeleteResult{}
		e.must(200, "POST", "/bkt?delete", b, nil).decode(t, &res)
		var deleted, failed []string
		for _, d := range res.Deleted {
			deleted = append(deleted, d.Key)
		}
		for _, f := range res.Errors {
			if f.Code != "NoSuchVersion" {
				t.Errorf("error %+v", f)
			}
			failed = append(failed, f.Key)
		}
		if len(deleted) != 36 || !slices.IsSorted(deleted) || !slices.Equal(failed, []string{"k03", "k13", "k23", "k33"}) {
			t.Errorf("deleted %q failed %q", deleted, failed)
		}
	})
}

func TestDeleteObjectsDigest(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "a", []byte("a"), nil)
		b, err := s3xml.Marshal(s3xml.Delete{Objects: []s3xml.ObjectIdentifier{{Key: "a"}}})
		if err != nil {
			t.Fatal(err)
		}
		e.wantErr(400, "BadDigest", "POST", "/bkt?delete", b, hdr{"Content-MD5": md5b64([]byte("other"))})
		e.wantErr(400, "BadDigest", "POST", "/bkt?delete", b, hdr{"X-Amz-Checksum-Crc32": crc32b64([]byte("other"))})
		e.must(200, "HEAD", "/bkt/a", nil, nil)
		e.must(200, "POST", "/bkt?delete", b, hdr{"Content-MD5": md5b64(b), "X-Amz-Checksum-Crc32": crc32b64(b)})
		e.wantErr(404, "NoSuchKey", "HEAD", "/bkt/a", nil, nil)
		e.wantErr(404, "NoSuchBucket", "PUT", "/nobucket/a", []byte("x"), nil)
	})
}
