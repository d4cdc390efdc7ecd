package server_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
)

func (e *env) createUpload(bucket, key string, h hdr) string {
	e.t.Helper()
	var res s3xml.InitiateMultipartUploadResult
	e.must(200, "POST", "/"+bucket+"/"+key+"?uploads", nil, h).decode(e.t, &res)
	if res.Bucket != bucket || res.Key != key || res.UploadID == "" {
		e.t.Fatalf("initiate: %+v", res)
	}
	return res.UploadID
}

func (e *env) uploadPart(bucket, key, id string, n int, body []byte) string {
	e.t.Helper()
	return e.must(200, "PUT", fmt.Sprintf("/%s/%s?partNumber=%d&uploadId=%s", bucket, key, n, id), body, nil).header.Get("ETag")
}

func completeDoc(t *testing.T, parts ...s3xml.CompletedPart) []byte {
	b, err := s3xml.Marshal(s3xml.CompleteMultipartUpload{Parts: parts})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMultipartUpload(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		id := e.createUpload("bkt", "big", hdr{"Content-Type": "application/zip", "X-Amz-Meta-Origin": "test"})
		p1 := bytes.Repeat([]byte("a"), 5<<20)
		p2 := []byte("tail")
		// Parts may arrive in any order.
		e2 := e.uploadPart("bkt", "big", id, 2, p2)
		e1 := e.uploadPart("bkt", "big", id, 1, p1)

		var uploads s3xml.ListMultipartUploadsResult
		e.must(200, "GET", "/bkt?uploads", nil, nil).decode(t, &uploads)
		if len(uploads.Uploads) != 1 || uploads.Uploads[0].UploadID != id || uploads.Uploads[0].Key != "big" {
			t.Errorf("uploads %+v", uploads.Uploads)
		}
		var parts s3xml.ListPartsResult
		e.must(200, "GET", "/bkt/big?uploadId="+id, nil, nil).decode(t, &parts)
		if len(parts.Parts) != 2 || parts.Parts[0].ETag != e1 || parts.Parts[1].Size != 4 || parts.IsTruncated {
			t.Errorf("parts %+v", parts)
		}
		parts = s3xml.ListPartsResult{}
		e.must(200, "GET", "/bkt/big?max-parts=1&uploadId="+id, nil, nil).decode(t, &parts)
		if len(parts.Parts) != 1 || !parts.IsTruncated || parts.NextPartNumberMarker != 1 {
			t.Errorf("paged parts %+v", parts)
		}

		var res s3xml.CompleteMultipartUploadResult
		e.must(200, "POST", "/bkt/big?uploadId="+id, completeDoc(t, s3xml.CompletedPart{PartNumber: 1, ETag: e1}, s3xml.CompletedPart{PartNumber: 2, ETag: e2}), nil).decode(t, &res)
		m1, m2 := md5.Sum(p1), md5.Sum(p2)
		all := md5.Sum(append(m1[:], m2[:]...))
		if want := `"` + hex.EncodeToString(all[:]) + `-2"`; res.ETag != want || res.Bucket != "bkt" || res.Key != "big" {
			t.Errorf("complete %+v, want ETag %s", res, want)
		}
		r := e.must(200, "GET", "/bkt/big", nil, nil)
		if !bytes.Equal(r.body, append(append([]byte{}, p1...), p2...)) || r.header.Get("Content-Type") != "application/zip" || r.header.Get("X-Amz-Meta-Origin") != "test" {
			t.Errorf("object: %d bytes, %v", len(r.body), r.header)
		}
		t.Run("partNumber", func(t *testing.T) {
			e := e.sub(t)
			r := e.must(206, "GET", "/bkt/big?partNumber=2", nil, nil)
			if string(r.body) != "tail" || r.header.Get("X-Amz-Mp-Parts-Count") != "2" || r.header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", 5<<20, 5<<20+3, 5<<20+4) {
				t.Errorf("part 2: %q %v", r.body, r.header)
			}
			h := e.must(206, "HEAD", "/bkt/big?partNumber=1", nil, nil)
			if h.header.Get("Content-Length") != fmt.Sprint(5<<20) {
				t.Errorf("HEAD part 1 length %q", h.header.Get("Content-Length"))
			}
			e.wantErr(416, "InvalidPartNumber", "GET", "/bkt/big?partNumber=3", nil, nil)
			e.wantErr(400, "InvalidArgument", "GET", "/bkt/big?partNumber=0", nil, nil)
			e.wantErr(400, "InvalidRequest", "GET", "/bkt/big?partNumber=1", nil, hdr{"Range": "bytes=0-1"})
		})
		e.wantErr(404, "NoSuchUpload", "GET", "/bkt/big?uploadId="+id, nil, nil)
	})
}

func TestMultipartErrors(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		small := []byte("small")
		big := bytes.Repeat([]byte("b"), 5<<20)
		tests := []struct {
			name  string
			parts func(id string) []s3xml.CompletedPart
			code  string
		}{
			{"part too small", func(id string) []s3xml.CompletedPart {
				a := e.uploadPart("bkt", "k", id, 1, small)
				b := e.uploadPart("bkt", "k", id, 2, small)
				return []s3xml.CompletedPart{{PartNumber: 1, ETag: a}, {PartNumber: 2, ETag: b}}
			}, "EntityTooSmall"},
			{"wrong order", func(id string) []s3xml.CompletedPart {
				a := e.uploadPart("bkt", "k", id, 1, big)
				b := e.uploadPart("bkt", "k", id, 2, small)
				return []s3xml.CompletedPart{{PartNumber: 2, ETag: b}, {PartNumber: 1, ETag: a}}
			}, "InvalidPartOrder"},
			// A part sent twice and listed once per upload, as a client that
			// resent part 1 would: S3 wants strictly ascending part numbers.
			{"repeated part", func(id string) []s3xml.CompletedPart {
				first := e.uploadPart("bkt", "k", id, 1, []byte("first"))
				again := e.uploadPart("bkt", "k", id, 1, []byte("again"))
				return []s3xml.CompletedPart{{PartNumber: 1, ETag: first}, {PartNumber: 1, ETag: again}}
			}, "InvalidPartOrder"},
			{"unknown part", func(id string) []s3xml.CompletedPart {
				e.uploadPart("bkt", "k", id, 1, small)
				return []s3xml.CompletedPart{{PartNumber: 1, ETag: `"00000000000000000000000000000000"`}}
			}, "InvalidPart"},
			{"missing part", func(id string) []s3xml.CompletedPart {
				return []s3xml.CompletedPart{{PartNumber: 7, ETag: `"00000000000000000000000000000000"`}}
			}, "InvalidPart"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				id := e.createUpload("bkt", "k", nil)
				e.wantErr(400, tc.code, "POST", "/bkt/k?uploadId="+id, completeDoc(t, tc.parts(id)...), nil)
				e.wantErr(404, "NoSuchKey", "HEAD", "/bkt/k", nil, nil)
				e.must(204, "DELETE", "/bkt/k?uploadId="+id, nil, nil)
			})
		}
		id := e.createUpload("bkt", "k", nil)
		e.wantErr(400, "MalformedXML", "POST", "/bkt/k?uploadId="+id, []byte("<CompleteMultipartUpload>"), nil)
		e.wantErr(400, "MalformedXML", "POST", "/bkt/k?uploadId="+id, completeDoc(t), nil)
		e.wantErr(501, "NotImplemented", "POST", "/bkt/k?uploadId="+id, completeDoc(t, s3xml.CompletedPart{PartNumber: 1, ETag: `"x"`}), hdr{"If-None-Match": `"x"`})
		e.wantErr(400, "InvalidArgument", "PUT", "/bkt/k?partNumber=10001&uploadId="+id, small, nil)
		e.wantErr(400, "InvalidArgument", "PUT", "/bkt/k?partNumber=x&uploadId="+id, small, nil)
		e.must(204, "DELETE", "/bkt/k?uploadId="+id, nil, nil)
		e.wantErr(404, "NoSuchUpload", "PUT", "/bkt/k?partNumber=1&uploadId="+id, small, nil)
		e.wantErr(404, "NoSuchUpload", "POST", "/bkt/k?uploadId="+id, completeDoc(t, s3xml.CompletedPart{PartNumber: 1, ETag: `"x"`}), nil)
		e.wantErr(404, "NoSuchUpload", "DELETE", "/bkt/k?uploadId=nonexistent", nil, nil)
		e.must(204, "DELETE", "/bkt", nil, nil) // every upload was aborted
	})
}

func TestUploadPartCopy(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		src := make([]byte, 100<<10)
		for i := range src {
			src[i] = byte(i % 251)
		}
		e.put("bkt", "src", src, nil)
		tests := []struct {
			name, rng  string
			start, end int
		}{
			{"whole source", "", 0, len(src)},
			{"range", "bytes=1000-50999", 1000, 51000},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				id := e.createUpload("bkt", "dst", nil)
				h := hdr{"X-Amz-Copy-Source": "/bkt/src"}
				if tc.rng != "" {
					h["X-Amz-Copy-Source-Range"] = tc.rng
				}
				var c s3xml.CopyPartResult
				e.must(200, "PUT", "/bkt/dst?partNumber=1&uploadId="+id, nil, h).decode(t, &c)
				m := md5.Sum(src[tc.start:tc.end])
				if c.ETag != `"`+hex.EncodeToString(m[:])+`"` || c.LastModified.IsZero() {
					t.Errorf("part %+v", c)
				}
				e.must(200, "POST", "/bkt/dst?uploadId="+id, completeDoc(t, s3xml.CompletedPart{PartNumber: 1, ETag: c.ETag}), nil)
				if r := e.must(200, "GET", "/bkt/dst", nil, nil); !bytes.Equal(r.body, src[tc.start:tc.end]) {
					t.Error("copied object differs from source")
				}
			})
		}
		id := e.createUpload("bkt", "dst", nil)
		for _, h := range []hdr{
			{"X-Amz-Copy-Source": "/bkt/src", "X-Amz-Copy-Source-Range": "bytes=0-99999999"},
			{"X-Amz-Copy-Source": "/bkt/src", "X-Amz-Copy-Source-Range": "0-10"},
			{"X-Amz-Copy-Source": "/bkt/src", "X-Amz-Copy-Source-Range": "bytes=10-5"},
		} {
			e.wantErr(400, "InvalidArgument", "PUT", "/bkt/dst?partNumber=1&uploadId="+id, nil, h)
		}
		e.wantErr(412, "PreconditionFailed", "PUT", "/bkt/dst?partNumber=1&uploadId="+id, nil, hdr{"X-Amz-Copy-Source": "/bkt/src", "X-Amz-Copy-Source-If-Match": `"x"`})
		e.wantErr(404, "NoSuchKey", "PUT", "/bkt/dst?partNumber=1&uploadId="+id, nil, hdr{"X-Amz-Copy-Source": "/bkt/nope"})
		e.wantErr(404, "NoSuchUpload", "PUT", "/bkt/dst?partNumber=1&uploadId=nope", nil, hdr{"X-Amz-Copy-Source": "/bkt/src"})
	})
}

func TestMultipartChecksumAlgorithm(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		r := e.must(200, "POST", "/bkt/k?uploads", nil, hdr{"X-Amz-Checksum-Algorithm": "CRC32"})
		if r.header.Get("X-Amz-Checksum-Algorithm") != "CRC32" {
			t.Errorf("algorithm not echoed: %v", r.header)
		}
		var res s3xml.InitiateMultipartUploadResult
		r.decode(t, &res)
		body := []byte("part")
		pr := e.must(200, "PUT", "/bkt/k?partNumber=1&uploadId="+res.UploadID, body, hdr{"X-Amz-Checksum-Crc32": crc32b64(body)})
		if pr.header.Get("X-Amz-Checksum-Crc32") != crc32b64(body) {
			t.Errorf("part checksum %q", pr.header.Get("X-Amz-Checksum-Crc32"))
		}
		var parts s3xml.ListPartsResult
		e.must(200, "GET", "/bkt/k?uploadId="+res.UploadID, nil, nil).decode(t, &parts)
		if parts.ChecksumAlgorithm != "CRC32" || len(parts.Parts) != 1 || parts.Parts[0].ChecksumCRC32 != crc32b64(body) {
			t.Errorf("list parts %+v", parts)
		}
		e.wantErr(400, "BadDigest", "PUT", "/bkt/k?partNumber=2&uploadId="+res.UploadID, body, hdr{"X-Amz-Checksum-Crc32": crc32b64([]byte("x"))})
		wrong := s3xml.CompletedPart{PartNumber: 1, ETag: pr.header.Get("ETag"), Checksums: s3xml.Checksums{ChecksumCRC32: crc32b64([]byte("x"))}}
		e.wantErr(400, "InvalidPart", "POST", "/bkt/k?uploadId="+res.UploadID, completeDoc(t, wrong), nil)
		right := wrong
		right.ChecksumCRC32 = crc32b64(body)
		var done s3xml.CompleteMultipartUploadResult
		e.must(200, "POST", "/bkt/k?uploadId="+res.UploadID, completeDoc(t, right), nil).decode(t, &done)
		raw, _ := base64.StdEncoding.DecodeString(crc32b64(body))
		if want := crc32b64(raw) + "-1"; done.ChecksumCRC32 != want || done.ChecksumType != "COMPOSITE" {
			t.Errorf("composite checksum %q (%s), want %q", done.ChecksumCRC32, done.ChecksumType, want)
		}
		e.wantErr(400, "InvalidArgument", "POST", "/bkt/k2?uploads", nil, hdr{"X-Amz-Checksum-Algorithm": "MD5"})
	})
}

// TestCompleteRetried checks that a CompleteMultipartUpload retried after
// it succeeded (an SDK whose first answer was lost) gets 200 and the same
// ETag, as on S3, while an upload ID that never completed stays
// NoSuchUpload and the retry changes nothing.
func TestCompleteRetried(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		id := e.createUpload("bkt", "k", hdr{"x-amz-checksum-algorithm": "CRC32"})
		body := []byte("only part")
		sum := crc32.ChecksumIEEE(body)
		crc := base64.StdEncoding.EncodeToString([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})
		p1 := e.must(200, "PUT", "/bkt/k?partNumber=1&uploadId="+id, body, hdr{"x-amz-checksum-crc32": crc}).header.Get("ETag")
		doc := completeDoc(t, s3xml.CompletedPart{PartNumber: 1, ETag: p1, Checksums: s3xml.Checksums{ChecksumCRC32: crc}})
		var first, again s3xml.CompleteMultipartUploadResult
		e.must(200, "POST", "/bkt/k?uploadId="+id, doc, nil).decode(t, &first)
		e.put("bkt", "other", []byte("x"), nil)
		e.must(200, "POST", "/bkt/k?uploadId="+id, doc, nil).decode(t, &again)
		if first.ChecksumCRC32 == "" || again.ETag == "" || again.ETag != first.ETag || again.Key != "k" || again.Checksums != first.Checksums {
			t.Errorf("retried complete = %+v, first %+v", again, first)
		}
		if r := e.must(200, "GET", "/bkt/k", nil, nil); string(r.body) != "only part" || r.header.Get("ETag") != first.ETag {
			t.Errorf("object after retry: %q ETag %s", r.body, r.header.Get("ETag"))
		}
		// The same upload ID names another key: not that completion.
		e.wantErr(404, "NoSuchUpload", "POST", "/bkt/other?uploadId="+id, doc, nil)
		e.wantErr(404, "NoSuchUpload", "POST", "/bkt/k?uploadId=never", doc, nil)
	})
}

// TestObjectAttributesPagesUnlistedParts checks GetObjectAttributes'
// ObjectParts for a multipart object uploaded without checksums: S3 lists
// no Part elements for it, but still sends the count and the page's
// PartNumberMarker, NextPartNumberMarker, MaxParts and IsTruncated.
func TestObjectAttributesPagesUnlistedParts(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		id := e.createUpload("bkt", "mp", nil)
		big := bytes.Repeat([]byte("p"), 5<<20)
		var done []s3xml.CompletedPart
		for n, body := range [][]byte{big, big, []byte("end")} {
			done = append(done, s3xml.CompletedPart{PartNumber: n + 1, ETag: e.uploadPart("bkt", "mp", id, n+1, body)})
		}
		e.must(200, "POST", "/bkt/mp?uploadId="+id, completeDoc(t, done...), nil)

		for _, c := range []struct {
			h                 hdr
			marker, next, max int
			truncated         bool
		}{
			{hdr{}, 0, 3, 1000, false},
			{hdr{"X-Amz-Max-Parts": "1", "X-Amz-Part-Number-Marker": "1"}, 1, 2, 1, true},
			{hdr{"X-Amz-Max-Parts": "10", "X-Amz-Part-Number-Marker": "2"}, 2, 3, 10, false},
		} {
			c.h["X-Amz-Object-Attributes"] = "ObjectParts"
			var doc s3xml.GetObjectAttributesResponse
			e.must(200, "GET", "/bkt/mp?attributes", nil, c.h).decode(t, &doc)
			op := doc.ObjectParts
			if op == nil || op.PartsCount != 3 || op.PartNumberMarker == nil || op.NextPartNumberMarker == nil ||
				op.MaxParts == nil || op.IsTruncated == nil {
				t.Fatalf("%v: ObjectParts %+v lacks a field", c.h, op)
			}
			if *op.PartNumberMarker != c.marker || *op.NextPartNumberMarker != c.next || *op.MaxParts != c.max ||
				*op.IsTruncated != c.truncated || len(op.Parts) != 0 {
				t.Errorf("%v: marker %d next %d max %d truncated %v parts %v, want %d %d %d %v and no parts",
					c.h, *op.PartNumberMarker, *op.NextPartNumberMarker, *op.MaxParts, *op.IsTruncated, op.Parts,
					c.marker, c.next, c.max, c.truncated)
			}
		}
	})
}

// TestConditionalComplete checks If-None-Match and If-Match on
// CompleteMultipartUpload as S3 answers them: 412 PreconditionFailed
// when the condition is false, 404 NoSuchKey for If-Match on a missing
// key, and a failed condition keeps both the object and the upload.
func TestConditionalComplete(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		type pending struct {
			path string // the Complete request's
			doc  []byte
		}
		upload := func(key string, body []byte) pending {
			id := e.createUpload("bkt", key, nil)
			etag := e.uploadPart("bkt", key, id, 1, body)
			return pending{"/bkt/" + key + "?uploadId=" + id, completeDoc(t, s3xml.CompletedPart{PartNumber: 1, ETag: etag})}
		}
		complete := func(code int, errCode string, up pending, h hdr) {
			t.Helper()
			if code == 200 {
				e.must(200, "POST", up.path, up.doc, h)
			} else {
				e.wantErr(code, errCode, "POST", up.path, up.doc, h)
			}
		}
		content := func(key string) string {
			t.Helper()
			return string(e.must(200, "GET", "/bkt/"+key, nil, nil).body)
		}

		complete(200, "", upload("k", []byte("first")), hdr{"If-None-Match": "*"})
		etag := e.must(200, "HEAD", "/bkt/k", nil, nil).header.Get("ETag")
		up := upload("k", []byte("second"))
		complete(412, "PreconditionFailed", up, hdr{"If-None-Match": "*"})
		complete(412, "PreconditionFailed", up, hdr{"If-Match": `"0123456789abcdef0123456789abcdef-1"`})
		if got := content("k"); got != "first" {
			t.Fatalf("after failed conditions the object is %q, want first", got)
		}
		// The failed completions left the upload open: it completes now.
		complete(200, "", up, hdr{"If-Match": etag[1 : len(etag)-1]})
		if got := content("k"); got != "second" {
			t.Fatalf("after If-Match with the current ETag the object is %q, want second", got)
		}

		up = upload("new", []byte("third"))
		complete(404, "NoSuchKey", up, hdr{"If-Match": "*"})
		complete(404, "NoSuchKey", up, hdr{"If-Match": etag})
		complete(200, "", up, hdr{"If-None-Match": "*"})
		if got := content("new"); got != "third" {
			t.Fatalf("new object is %q, want third", got)
		}
	})
}
