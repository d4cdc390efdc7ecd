package server_test

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
)

func md5b64(b []byte) string { s := md5.Sum(b); return base64.StdEncoding.EncodeToString(s[:]) }

func crc32b64(b []byte) string {
	v := crc32.ChecksumIEEE(b)
	return base64.StdEncoding.EncodeToString([]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func TestPutGetMetadata(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		body := []byte("hello, world")
		sum := md5.Sum(body)
		etag := e.put("bkt", "doc.txt", body, hdr{
			"Content-Type": "text/plain", "Content-Encoding": "identity", "Content-Disposition": "attachment",
			"Content-Language": "en", "Cache-Control": "max-age=60", "Expires": "Thu, 01 Dec 2026 16:00:00 GMT",
			"X-Amz-Meta-Color": "blue", "X-Amz-Meta-Multi-Word": "a b", "Content-MD5": md5b64(body),
		})
		if want := `"` + hex.EncodeToString(sum[:]) + `"`; etag != want {
			t.Fatalf("ETag %s, want %s", etag, want)
		}
		for _, m := range []string{"GET", "HEAD"} {
			r := e.must(200, m, "/bkt/doc.txt", nil, nil)
			want := map[string]string{
				"Content-Type": "text/plain", "Content-Encoding": "identity", "Content-Disposition": "attachment",
				"Content-Language": "en", "Cache-Control": "max-age=60", "Expires": "Thu, 01 Dec 2026 16:00:00 GMT",
				"X-Amz-Meta-Color": "blue", "X-Amz-Meta-Multi-Word": "a b", "ETag": etag,
				"Content-Length": "12", "Accept-Ranges": "bytes",
				"Last-Modified": e.clock.Now().Format(http.TimeFormat),
			}
			for k, v := range want {
				if got := r.header.Get(k); got != v {
					t.Errorf("%s %s = %q, want %q", m, k, got, v)
				}
			}
			if m == "GET" && string(r.body) != string(body) {
				t.Errorf("body %q", r.body)
			}
			if m == "HEAD" && len(r.body) != 0 {
				t.Errorf("HEAD body %q", r.body)
			}
		}
		// An upload without Content-Type gets S3's default.
		e.put("bkt", "bare", []byte("x"), nil)
		if ct := e.must(200, "GET", "/bkt/bare", nil, nil).header.Get("Content-Type"); ct != "binary/octet-stream" {
			t.Errorf("default Content-Type %q", ct)
		}
	})
}

func TestPutDigests(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		body := []byte("checksummed body")
		// The messages are S3's own, which SDKs show to the user.
		tests := []struct {
			name   string
			h      hdr
			status int
			code   string
			msg    string
		}{
			{"right Content-MD5", hdr{"Content-MD5": md5b64(body)}, 200, "", ""},
			{"wrong Content-MD5", hdr{"Content-MD5": md5b64([]byte("other"))}, 400, "BadDigest", "The Content-MD5 you specified did not match what we received."},
			{"malformed Content-MD5", hdr{"Content-MD5": "not-base64!"}, 400, "InvalidDigest", "The Content-MD5 you specified was invalid."},
			{"empty Content-MD5", hdr{"Content-MD5": ""}, 400, "InvalidDigest", "The Content-MD5 you specified was invalid."},
			{"right CRC32", hdr{"X-Amz-Checksum-Crc32": crc32b64(body)}, 200, "", ""},
			{"wrong CRC32", hdr{"X-Amz-Checksum-Crc32": crc32b64([]byte("other"))}, 400, "BadDigest", "The CRC32 you specified did not match the calculated checksum."},
			{"CRC32 of the wrong size", hdr{"X-Amz-Checksum-Crc32": "AAAAAAAA"}, 400, "InvalidRequest", "Value for x-amz-checksum-crc32 header is invalid."},
			{"two checksums", hdr{"X-Amz-Checksum-Crc32": crc32b64(body), "X-Amz-Checksum-Sha1": "AAAA"}, 400, "InvalidRequest", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				path := "/bkt/" + url.PathEscape(tc.name)
				if tc.code == "" {
					e.must(tc.status, "PUT", path, body, tc.h)
					e.must(200, "HEAD", path, nil, nil)
					return
				}
				r := e.wantErr(tc.status, tc.code, "PUT", path, body, tc.h)
				if tc.msg != "" {
					var doc s3xml.Error
					if err := xml.Unmarshal(r.body, &doc); err != nil || doc.Message != tc.msg {
						t.Errorf("message %q, want %q (%v)", doc.Message, tc.msg, err)
					}
				}
				e.wantErr(404, "NoSuchKey", "HEAD", path, nil, nil)
			})
		}
	})
}

func TestChecksumReturnedWhenAsked(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		body := []byte("some bytes")
		r := e.must(200, "PUT", "/bkt/k", body, hdr{"X-Amz-Checksum-Crc32": crc32b64(body)})
		if r.header.Get("X-Amz-Checksum-Crc32") != crc32b64(body) {
			t.Errorf("PUT response checksum %q", r.header.Get("X-Amz-Checksum-Crc32"))
		}
		// Asking for a checksum algorithm without a value stores the computed one.
		e.must(200, "PUT", "/bkt/sdk", body, hdr{"X-Amz-Sdk-Checksum-Algorithm": "CRC32"})
		for _, path := range []string{"/bkt/k", "/bkt/sdk"} {
			for _, m := range []string{"GET", "HEAD"} {
				if got := e.must(200, m, path, nil, nil).header.Get("X-Amz-Checksum-Crc32"); got != "" {
					t.Errorf("%s %s without checksum mode returned %q", m, path, got)
				}
				r := e.must(200, m, path, nil, hdr{"X-Amz-Checksum-Mode": "ENABLED"})
				if got := r.header.Get("X-Amz-Checksum-Crc32"); got != crc32b64(body) {
					t.Errorf("%s %s checksum %q, want %q", m, path, got, crc32b64(body))
				}
				if r.header.Get("X-Amz-Checksum-Type") != "FULL_OBJECT" {
					t.Errorf("checksum type %q", r.header.Get("X-Amz-Checksum-Type"))
				}
			}
		}
		// A ranged GET covers part of the object, so no whole-object checksum.
		r = e.must(206, "GET", "/bkt/k", nil, hdr{"X-Amz-Checksum-Mode": "ENABLED", "Range": "bytes=0-1"})
		if r.header.Get("X-Amz-Checksum-Crc32") != "" {
			t.Error("ranged GET returned the whole-object checksum")
		}
	})
}

func TestKeysAreOpaque(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		keys := []string{"a//b", "../../etc/passwd", "dir/./x", "with space", "plus+sign", "ünïcödé/ключ", "percent%25", "q?mark", "trailing/",
			// Any UTF-8 character may name an object on S3, C1 controls included.
			"\u00ae\u008a-"}
		for i, k := range keys {
			path := "/bkt/" + (&url.URL{Path: k}).EscapedPath()
			if k == "q?mark" {
				path = "/bkt/q%3Fmark"
			}
			e.put("bkt", path[len("/bkt/"):], []byte(fmt.Sprint(i)), nil)
			if r := e.must(200, "GET", path, nil, nil); string(r.body) != fmt.Sprint(i) {
				t.Errorf("%q: body %q", k, r.body)
			}
		}
		r := e.must(200, "GET", "/bkt?list-type=2", nil, nil)
		for _, k := range []string{"a//b", "../../etc/passwd", "dir/./x", "ünïcödé/ключ", "q?mark"} {
			if !strings.Contains(string(r.body), "<Key>"+k+"</Key>") {
				t.Errorf("listing lacks %q:\n%s", k, r.body)
			}
		}
	})
}

func TestRange(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		body := []byte("0123456789")
		e.put("bkt", "k", body, nil)
		tests := []struct {
			name, rng    string
			status       int
			want, cRange string
		}{
			{"first bytes", "bytes=0-4", 206, "01234", "bytes 0-4/10"},
			{"middle", "bytes=3-5", 206, "345", "bytes 3-5/10"},
			{"open ended", "bytes=7-", 206, "789", "bytes 7-9/10"},
			{"suffix", "bytes=-3", 206, "789", "bytes 7-9/10"},
			{"suffix longer than object", "bytes=-100", 206, "0123456789", "bytes 0-9/10"},
			{"end past size", "bytes=8-100", 206, "89", "bytes 8-9/10"},
			{"start past size", "bytes=10-", 416, "", ""},
			{"suffix zero", "bytes=-0", 416, "", ""},
			{"reversed is ignored", "bytes=5-3", 200, "0123456789", ""},
			{"other unit is ignored", "items=0-1", 200, "0123456789", ""},
			{"multiple ranges are ignored", "bytes=0-1,3-4", 200, "0123456789", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				if tc.status == 416 {
					e.wantErr(416, "InvalidRange", "GET", "/bkt/k", nil, hdr{"Range": tc.rng})
					return
				}
				r := e.must(tc.status, "GET", "/bkt/k", nil, hdr{"Range": tc.rng})
				if string(r.body) != tc.want || r.header.Get("Content-Range") != tc.cRange {
					t.Errorf("body %q Content-Range %q", r.body, r.header.Get("Content-Range"))
				}
				if r.header.Get("Content-Length") != fmt.Sprint(len(tc.want)) {
					t.Errorf("Content-Length %q", r.header.Get("Content-Length"))
				}
			})
		}
		h := e.must(206, "HEAD", "/bkt/k", nil, hdr{"Range": "bytes=0-1"})
		if h.header.Get("Content-Length") != "2" || h.header.Get("Content-Range") != "bytes 0-1/10" {
			t.Errorf("HEAD range: %v", h.header)
		}
	})
}

func TestConditionalGet(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		etag := e.put("bkt", "k", []byte("v1"), nil)
		mod := e.clock.Now()
		e.clock.Advance(time.Hour)
		before, after := mod.Add(-time.Minute).Format(http.TimeFormat), mod.Add(time.Minute).Format(http.TimeFormat)
		tests := []struct {
			name   string
			h      hdr
			status int
		}{
			{"If-Match hit", hdr{"If-Match": etag}, 200},
			{"If-Match miss", hdr{"If-Match": `"other"`}, 412},
			{"If-Match star", hdr{"If-Match": "*"}, 200},
			{"If-Match in list", hdr{"If-Match": `"a", ` + etag}, 200},
			{"If-None-Match hit", hdr{"If-None-Match": etag}, 304},
			{"If-None-Match miss", hdr{"If-None-Match": `"other"`}, 200},
			{"If-Modified-Since before", hdr{"If-Modified-Since": before}, 200},
			{"If-Modified-Since after", hdr{"If-Modified-Since": after}, 304},
			{"If-Unmodified-Since before", hdr{"If-Unmodified-Since": before}, 412},
			{"If-Unmodified-Since after", hdr{"If-Unmodified-Since": after}, 200},
			{"If-Match true beats If-Unmodified-Since false", hdr{"If-Match": etag, "If-Unmodified-Since": before}, 200},
			{"If-None-Match false beats If-Modified-Since false", hdr{"If-None-Match": `"other"`, "If-Modified-Since": after}, 200},
			{"If-None-Match true with If-Modified-Since true", hdr{"If-None-Match": etag, "If-Modified-Since": before}, 304},
			{"412 wins over 304", hdr{"If-Match": `"other"`, "If-None-Match": etag}, 412},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				for _, m := range []string{"GET", "HEAD"} {
					r := e.do(m, "/bkt/k", nil, tc.h)
					if r.status != tc.status {
						t.Fatalf("%s: status %d, want %d", m, r.status, tc.status)
					}
					switch tc.status {
					case 304:
						if len(r.body) != 0 || r.header.Get("ETag") != etag {
							t.Errorf("304: body %q etag %q", r.body, r.header.Get("ETag"))
						}
					case 412:
						if m == "GET" {
							checkErr(t, r, 412, "PreconditionFailed", false)
						}
					}
				}
			})
		}
	})
}

func TestResponseOverrides(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "k", []byte("x"), hdr{"Content-Type": "text/plain"})
		q := url.Values{
			"response-content-type": {"application/json"}, "response-content-disposition": {`attachment; filename="x.json"`},
			"response-cache-control": {"no-cache"}, "response-content-language": {"de"},
			"response-expires": {"Wed, 21 Oct 2026 07:28:00 GMT"}, "response-content-encoding": {"br"},
		}
		r := e.must(200, "GET", "/bkt/k?"+q.Encode(), nil, nil)
		for param, header := range map[string]string{
			"response-content-type": "Content-Type", "response-content-disposition": "Content-Disposition",
			"response-cache-control": "Cache-Control", "response-content-language": "Content-Language",
			"response-expires": "Expires", "response-content-encoding": "Content-Encoding",
		} {
			if got := r.header.Get(header); got != q.Get(param) {
				t.Errorf("%s = %q, want %q", header, got, q.Get(param))
			}
		}
	})
}

func TestConditionalPut(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.must(200, "PUT", "/bkt/k", []byte("first"), hdr{"If-None-Match": "*"})
		e.wantErr(412, "PreconditionFailed", "PUT", "/bkt/k", []byte("second"), hdr{"If-None-Match": "*"})
		if r := e.must(200, "GET", "/bkt/k", nil, nil); string(r.body) != "first" {
			t.Errorf("overwritten: %q", r.body)
		}
		etag := e.must(200, "HEAD", "/bkt/k", nil, nil).header.Get("ETag")
		e.wantErr(412, "PreconditionFailed", "PUT", "/bkt/k", []byte("third"), hdr{"If-Match": `"nope"`})
		e.must(200, "PUT", "/bkt/k", []byte("fourth"), hdr{"If-Match": etag})
		bare := strings.Trim(e.must(200, "HEAD", "/bkt/k", nil, nil).header.Get("ETag"), `"`)
		e.must(200, "PUT", "/bkt/k", []byte("fifth"), hdr{"If-Match": bare})
		e.wantErr(501, "NotImplemented", "PUT", "/bkt/k", []byte("x"), hdr{"If-None-Match": etag})
	})
}

func TestDeleteObject(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "k", []byte("x"), nil)
		e.must(204, "DELETE", "/bkt/k", nil, nil)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/k", nil, nil)
		e.must(204, "DELETE", "/bkt/k", nil, nil) // deleting a missing key succeeds
		e.wantErr(404, "NoSuchBucket", "DELETE", "/nobucket/k", nil, nil)
	})
}

func TestNoSuchKeyDocument(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		r := e.wantErr(404, "NoSuchKey", "GET", "/bkt/missing/key", nil, nil)
		for _, want := range []string{"<Key>missing/key</Key>", "<Resource>/bkt/missing/key</Resource>", "<Message>The specified key does not exist.</Message>"} {
			if !strings.Contains(string(r.body), want) {
				t.Errorf("error body lacks %s:\n%s", want, r.body)
			}
		}
		if r.header.Get("Content-Type") != "application/xml" || r.header.Get("X-Amz-Id-2") == "" {
			t.Errorf("headers %v", r.header)
		}
	})
}

func TestKeyTooLong(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.wantErr(400, "KeyTooLongError", "PUT", "/bkt/"+strings.Repeat("k", 1025), []byte("x"), nil)
	})
}

func TestVersionIDNull(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "k", []byte("x"), nil)
		if r := e.must(200, "GET", "/bkt/k?versionId=null", nil, nil); string(r.body) != "x" {
			t.Errorf("GET versionId=null: %q", r.body)
		}
		e.wantErr(400, "InvalidArgument", "GET", "/bkt/k?versionId=3HL4kqtJlcpXroDTDmJ", nil, nil)
		e.wantErr(400, "InvalidArgument", "DELETE", "/bkt/k?versionId=3HL4kqtJlcpXroDTDmJ", nil, nil)
		e.must(204, "DELETE", "/bkt/k?versionId=null", nil, nil)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/k", nil, nil)
	})
}

// TestConditionalDelete checks S3's conditional deletes: If-Match on
// DeleteObject deletes only while the ETag matches (412 otherwise, 404
// NoSuchKey when there is no object), and an ETag in a DeleteObjects
// entry does the same for that entry alone.
func TestConditionalDelete(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		etag := e.put("bkt", "k", []byte("x"), nil)
		e.wantErr(412, "PreconditionFailed", "DELETE", "/bkt/k", nil, hdr{"If-Match": `"0123456789abcdef0123456789abcdef"`})
		e.must(200, "GET", "/bkt/k", nil, nil)
		e.must(204, "DELETE", "/bkt/k", nil, hdr{"If-Match": etag})
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/k", nil, nil)
		e.wantErr(404, "NoSuchKey", "DELETE", "/bkt/k", nil, hdr{"If-Match": etag})
		e.wantErr(404, "NoSuchKey", "DELETE", "/bkt/k", nil, hdr{"If-Match": "*"})
		e.put("bkt", "k", []byte("y"), nil)
		e.must(204, "DELETE", "/bkt/k", nil, hdr{"If-Match": "*"})
		e.wantErr(501, "NotImplemented", "DELETE", "/bkt/k", nil, hdr{"x-amz-if-match-size": "1"})

		a, b := e.put("bkt", "a", []byte("a"), nil), e.put("bkt", "b", []byte("b"), nil)
		body, err := s3xml.Marshal(s3xml.Delete{Objects: []s3xml.ObjectIdentifier{
			{Key: "a", ETag: a}, {Key: "b", ETag: a}, {Key: "gone", ETag: b}, {Key: "c"}}})
		if err != nil {
			t.Fatal(err)
		}
		var res s3xml.DeleteResult
		e.must(200, "POST", "/bkt?delete", body, nil).decode(t, &res)
		codes := map[string]string{}
		for _, x := range res.Errors {
			codes[x.Key] = x.Code
		}
		if len(res.Deleted) != 2 || codes["b"] != "PreconditionFailed" || codes["gone"] != "NoSuchKey" || len(codes) != 2 {
			t.Errorf("DeleteObjects with ETags: deleted %+v, errors %+v", res.Deleted, res.Errors)
		}
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/a", nil, nil)
		e.must(200, "GET", "/bkt/b", nil, nil)
	})
}

// TestNonASCIIMetadata checks S3's handling of user metadata outside
// ASCII: a value sent as RFC 2047 encoded-words is stored decoded and
// returned as a UTF-8 "B" encoded-word (so one sent that way comes back
// byte for byte), and raw non-ASCII bytes (UTF-8, or ISO-8859-1 as
// Python's http.client sends them) come back encoded the same way.
func TestNonASCIIMetadata(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		tests := []struct{ name, sent, want string }{
			{"ascii", "plain value", "plain value"},
			{"encoded word", "=?UTF-8?B?Y2Fmw6k=?=", "=?UTF-8?B?Y2Fmw6k=?="},
			{"q encoding", "=?utf-8?q?caf=C3=A9?=", "=?UTF-8?B?Y2Fmw6k=?="},
			{"raw utf-8", "caf\xc3\xa9", "=?UTF-8?B?Y2Fmw6k=?="},
			{"raw latin-1", "caf\xe9", "=?UTF-8?B?Y2Fmw6k=?="},
			{"cjk", "\xe4\xb8\xad\xe6\x96\x87", "=?UTF-8?B?5Lit5paH?="},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				path := "/bkt/" + url.PathEscape(tc.name)
				e.put("bkt", url.PathEscape(tc.name), []byte("x"), hdr{"X-Amz-Meta-V": tc.sent})
				for _, m := range []string{"GET", "HEAD"} {
					if got := e.must(200, m, path, nil, nil).header.Get("X-Amz-Meta-V"); got != tc.want {
						t.Errorf("%s x-amz-meta-v = %q, want %q", m, got, tc.want)
					}
				}
				// A copy keeps the stored value: the same answer.
				e.must(200, "PUT", path+"-copy", nil, hdr{"X-Amz-Copy-Source": "/bkt" + path[4:]})
				if got := e.must(200, "HEAD", path+"-copy", nil, nil).header.Get("X-Amz-Meta-V"); got != tc.want {
					t.Errorf("copy: x-amz-meta-v = %q, want %q", got, tc.want)
				}
			})
		}
	})
}

// TestContentEncodingKeepsSpacing checks that removing the aws-chunked
// coding leaves the other codings exactly as sent.
func TestContentEncodingKeepsSpacing(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		for _, c := range []struct{ sent, want string }{
			{"gzip", "gzip"},
			{"deflate, gzip", "deflate, gzip"},
			{"deflate,gzip", "deflate,gzip"},
			{"gzip, aws-chunked", "gzip"},
			{"aws-chunked, gzip", "gzip"},
			{"aws-chunked,deflate, gzip", "deflate, gzip"},
			{"deflate, aws-chunked, gzip", "deflate, gzip"},
			{"aws-chunked", ""},
			{"aws-chunked, aws-chunked", ""},
		} {
			e.put("bkt", "k", []byte("x"), hdr{"Content-Encoding": c.sent})
			r := e.must(200, "HEAD", "/bkt/k", nil, nil)
			if got, ok := r.header["Content-Encoding"]; c.want == "" && ok || c.want != "" && r.header.Get("Content-Encoding") != c.want {
				t.Errorf("sent %q: Content-Encoding %q, want %q", c.sent, got, c.want)
			}
		}
	})
}
