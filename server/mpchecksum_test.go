package server_test

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
)

// sumB64 is alg's checksum of b as S3 spells it, computed here.
func sumB64(t *testing.T, alg string, b []byte) string {
	t.Helper()
	h, err := sigv4.NewChecksum(sigv4.ChecksumAlgorithm(alg))
	if err != nil {
		t.Fatal(err)
	}
	h.Write(b)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// compositeB64 is S3's COMPOSITE checksum of parts: alg over the
// concatenated raw part checksums, then "-N".
func compositeB64(t *testing.T, alg string, parts ...[]byte) string {
	t.Helper()
	var raws []byte
	for _, p := range parts {
		raw, _ := base64.StdEncoding.DecodeString(sumB64(t, alg, p))
		raws = append(raws, raw...)
	}
	return fmt.Sprintf("%s-%d", sumB64(t, alg, raws), len(parts))
}

// mpChecksumUpload uploads parts with alg's checksum headers to a new
// upload created with h and returns the upload ID and the Complete parts.
func (e *env) mpChecksumUpload(key, alg string, h hdr, parts ...[]byte) (string, []s3xml.CompletedPart) {
	e.t.Helper()
	id := e.createUpload("bkt", key, h)
	var done []s3xml.CompletedPart
	for i, p := range parts {
		sum := sumB64(e.t, alg, p)
		r := e.must(200, "PUT", fmt.Sprintf("/bkt/%s?partNumber=%d&uploadId=%s", key, i+1, id), p,
			hdr{s3xml.HeaderChecksumPrefix + alg: sum})
		cp := s3xml.CompletedPart{PartNumber: i + 1, ETag: r.header.Get("ETag")}
		cp.Set(alg, sum)
		done = append(done, cp)
	}
	return id, done
}

func TestMultipartObjectChecksums(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		p1 := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16)
		p2 := []byte(strings.Repeat("tail of the object ", 40))
		whole := append(append([]byte{}, p1...), p2...)
		tests := []struct {
			alg, typ string // typ "" leaves x-amz-checksum-type out of Create
			wantType string
		}{
			{"CRC32", "", "COMPOSITE"},
			{"CRC32C", "COMPOSITE", "COMPOSITE"},
			{"SHA1", "", "COMPOSITE"},
			{"SHA256", "COMPOSITE", "COMPOSITE"},
			{"CRC32", "FULL_OBJECT", "FULL_OBJECT"},
			{"CRC32C", "FULL_OBJECT", "FULL_OBJECT"},
			{"CRC64NVME", "", "FULL_OBJECT"},
		}
		for _, tc := range tests {
			t.Run(tc.alg+"/"+tc.wantType, func(t *testing.T) {
				e := e.sub(t)
				key := strings.ToLower(tc.alg + "-" + tc.wantType)
				h := hdr{s3xml.HeaderChecksumAlgorithm: tc.alg}
				if tc.typ != "" {
					h[s3xml.HeaderChecksumType] = tc.typ
				}
				id, parts := e.mpChecksumUpload(key, tc.alg, h, p1, p2)
				want := compositeB64(t, tc.alg, p1, p2)
				if tc.wantType == "FULL_OBJECT" {
					want = sumB64(t, tc.alg, whole)
				}
				var done s3xml.CompleteMultipartUploadResult
				e.must(200, "POST", "/bkt/"+key+"?uploadId="+id, completeDoc(t, parts...), nil).decode(t, &done)
				if done.Get(tc.alg) != want || done.ChecksumType != tc.wantType {
					t.Errorf("Complete: %s %q (%s), want %q (%s)", tc.alg, done.Get(tc.alg), done.ChecksumType, want, tc.wantType)
				}
				mode := hdr{s3xml.HeaderChecksumMode: "ENABLED"}
				name := s3xml.HeaderChecksumPrefix + tc.alg
				for _, m := range []string{"HEAD", "GET"} {
					if got := e.must(200, m, "/bkt/"+key, nil, nil).header.Get(name); got != "" {
						t.Errorf("%s without checksum mode: %s %q", m, name, got)
					}
					r := e.must(200, m, "/bkt/"+key, nil, mode)
					if got := r.header.Get(name); got != want || r.header.Get(s3xml.HeaderChecksumType) != tc.wantType {
						t.Errorf("%s: %s %q (%s), want %q (%s)", m, name, got, r.header.Get(s3xml.HeaderChecksumType), want, tc.wantType)
					}
				}
				// A range is not the object: no checksum, whatever the type.
				r := e.must(206, "GET", "/bkt/"+key, nil, hdr{s3xml.HeaderChecksumMode: "ENABLED", "Range": "bytes=0-9"})
				if got := r.header.Get(name); got != "" {
					t.Errorf("ranged GET: %s %q", name, got)
				}
				// partNumber: a COMPOSITE object's part has its own checksum; a
				// FULL_OBJECT object's part of several has none.
				wantPart := sumB64(t, tc.alg, p2)
				if tc.wantType == "FULL_OBJECT" {
					wantPart = ""
				}
				for _, m := range []string{"HEAD", "GET"} {
					r := e.must(206, m, "/bkt/"+key+"?partNumber=2", nil, mode)
					if got := r.header.Get(name); got != wantPart {
						t.Errorf("%s partNumber=2: %s %q, want %q", m, name, got, wantPart)
					}
				}
			})
		}
	})
}

func TestMultipartChecksumRules(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		body := []byte("the only part")
		t.Run("Create", func(t *testing.T) {
			e := e.sub(t)
			for _, h := range []hdr{
				{s3xml.HeaderChecksumAlgorithm: "SHA256", s3xml.HeaderChecksumType: "FULL_OBJECT"},
				{s3xml.HeaderChecksumAlgorithm: "SHA1", s3xml.HeaderChecksumType: "FULL_OBJECT"},
				{s3xml.HeaderChecksumAlgorithm: "CRC64NVME", s3xml.HeaderChecksumType: "COMPOSITE"},
				{s3xml.HeaderChecksumAlgorithm: "CRC32", s3xml.HeaderChecksumType: "PARTIAL"},
			} {
				e.wantErr(400, "InvalidRequest", "POST", "/bkt/k?uploads", nil, h)
			}
		})
		t.Run("FullObjectVerified", func(t *testing.T) {
			e := e.sub(t)
			id, parts := e.mpChecksumUpload("full", "CRC32C", hdr{s3xml.HeaderChecksumAlgorithm: "CRC32C", s3xml.HeaderChecksumType: "FULL_OBJECT"}, body)
			doc := completeDoc(t, parts...)
			path := "/bkt/full?uploadId=" + id
			right := sumB64(t, "CRC32C", body)
			e.wantErr(400, "BadDigest", "POST", path, doc, hdr{"X-Amz-Checksum-Crc32c": sumB64(t, "CRC32C", []byte("other"))})
			e.wantErr(400, "InvalidRequest", "POST", path, doc, hdr{"X-Amz-Checksum-Crc32c": "not base64"})
			e.wantErr(400, "InvalidRequest", "POST", path, doc, hdr{"X-Amz-Checksum-Crc32c": right, s3xml.HeaderChecksumType: "COMPOSITE"})
			e.wantErr(400, "InvalidRequest", "POST", path, doc, hdr{"X-Amz-Checksum-Crc32c": right, "X-Amz-Checksum-Crc32": right})
			// The failures left the upload open.
			var done s3xml.CompleteMultipartUploadResult
			e.must(200, "POST", path, doc, hdr{"X-Amz-Checksum-Crc32c": right, s3xml.HeaderChecksumType: "FULL_OBJECT"}).decode(t, &done)
			if done.ChecksumCRC32C != right || done.ChecksumType != "FULL_OBJECT" {
				t.Errorf("Complete: %+v, want CRC32C %s", done.Checksums, right)
			}
			// The one part of a FULL_OBJECT object is the object: its part
			// checksum is the object's.
			r := e.must(206, "GET", "/bkt/full?partNumber=1", nil, hdr{s3xml.HeaderChecksumMode: "ENABLED"})
			if got := r.header.Get("X-Amz-Checksum-Crc32c"); got != right {
				t.Errorf("partNumber=1 checksum %q, want %q", got, right)
			}
		})
		t.Run("CompositeVerified", func(t *testing.T) {
			e := e.sub(t)
			id, parts := e.mpChecksumUpload("comp", "SHA256", hdr{s3xml.HeaderChecksumAlgorithm: "SHA256"}, body)
			doc := completeDoc(t, parts...)
			path := "/bkt/comp?uploadId=" + id
			want := compositeB64(t, "SHA256", body)
			e.wantErr(400, "BadDigest", "POST", path, doc, hdr{"X-Amz-Checksum-Sha256": sumB64(t, "SHA256", body) + "-2"})
			e.wantErr(400, "InvalidRequest", "POST", path, doc, hdr{"X-Amz-Checksum-Sha256": sumB64(t, "SHA256", body) + "-x"})
			var done s3xml.CompleteMultipartUploadResult
			e.must(200, "POST", path, doc, hdr{"X-Amz-Checksum-Sha256": want}).decode(t, &done)
			if done.ChecksumSHA256 != want || done.ChecksumType != "COMPOSITE" {
				t.Errorf("Complete: %+v, want SHA256 %s", done.Checksums, want)
			}
		})
		t.Run("NoAlgorithm", func(t *testing.T) {
			// Without an algorithm at Create the object has no checksum, and a
			// final checksum in Complete is ignored, as S3 does.
			e := e.sub(t)
			id, parts := e.mpChecksumUpload("none", "CRC32", nil, body)
			var done s3xml.CompleteMultipartUploadResult
			e.must(200, "POST", "/bkt/none?uploadId="+id, completeDoc(t, parts...), hdr{"X-Amz-Checksum-Crc32": crc32b64([]byte("x"))}).decode(t, &done)
			if done.Checksums != (s3xml.Checksums{}) {
				t.Errorf("Complete of an upload without algorithm: %+v", done.Checksums)
			}
			r := e.must(200, "HEAD", "/bkt/none", nil, hdr{s3xml.HeaderChecksumMode: "ENABLED"})
			if got := r.header.Get("X-Amz-Checksum-Crc32"); got != "" {
				t.Errorf("HEAD: checksum %q", got)
			}
		})
	})
}

// TestUploadPartCopyChecksum: a copied part gets the upload's algorithm's
// checksum, so the completed object has one.
func TestUploadPartCopyChecksum(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		src := bytes.Repeat([]byte("source bytes "), 1000)
		e.must(200, "PUT", "/bkt/src", src, nil)
		id := e.createUpload("bkt", "dst", hdr{s3xml.HeaderChecksumAlgorithm: "CRC32C"})
		var res s3xml.CopyPartResult
		e.must(200, "PUT", "/bkt/dst?partNumber=1&uploadId="+id, nil, hdr{"X-Amz-Copy-Source": "/bkt/src", "X-Amz-Copy-Source-Range": "bytes=0-99"}).decode(t, &res)
		if want := sumB64(t, "CRC32C", src[:100]); res.ChecksumCRC32C != want {
			t.Fatalf("CopyPartResult CRC32C %q, want %q", res.ChecksumCRC32C, want)
		}
		var done s3xml.CompleteMultipartUploadResult
		// As on S3, a composite upload's Complete must list each part's checksum.
		bare := completeDoc(t, s3xml.CompletedPart{PartNumber: 1, ETag: res.ETag})
		if r := e.wantErr(400, "InvalidRequest", "POST", "/bkt/dst?uploadId="+id, bare, nil); !bytes.Contains(r.body, []byte("missing for part 1")) {
			t.Errorf("Complete without part checksums: %s", r.body)
		}
		listed := completeDoc(t, s3xml.CompletedPart{PartNumber: 1, ETag: res.ETag, Checksums: s3xml.Checksums{ChecksumCRC32C: res.ChecksumCRC32C}})
		e.must(200, "POST", "/bkt/dst?uploadId="+id, listed, nil).decode(t, &done)
		if want := compositeB64(t, "CRC32C", src[:100]); done.ChecksumCRC32C != want {
			t.Errorf("Complete CRC32C %q, want %q", done.ChecksumCRC32C, want)
		}
	})
}

// streamPart uploads body to path as aws-chunked with an unsigned trailer
// carrying alg's checksum, as botocore does over HTTPS.
func (e *env) streamPart(path string, body []byte, alg sigv4.ChecksumAlgorithm) result {
	e.t.Helper()
	req := e.request("PUT", path, nil, nil)
	if err := e.signer.SignStreaming(req, sigv4.SignInput{Credentials: e.creds, Service: "s3", Region: e.srv.Region,
		Time: e.clock.Now()}, bytesReader(body), int64(len(body)), sigv4.ChunkedOptions{Trailer: alg}); err != nil {
		e.t.Fatal(err)
	}
	return e.send(req)
}

// partNumbers lists an upload's stored parts.
func (e *env) partNumbers(key, id string) []int {
	e.t.Helper()
	var res s3xml.ListPartsResult
	e.must(200, "GET", "/bkt/"+key+"?uploadId="+id, nil, nil).decode(e.t, &res)
	var ns []int
	for _, p := range res.Parts {
		ns = append(ns, p.PartNumber)
	}
	return ns
}

// TestUploadPartChecksumRequired checks S3's rules for the checksum of a
// part of an upload created with x-amz-checksum-algorithm: a COMPOSITE
// upload's part must carry one, in the upload's algorithm, as a header
// or a trailer; a FULL_OBJECT upload's part may carry none (the server
// computes it) but not one of another algorithm. A refused part is not
// stored.
func TestUploadPartChecksumRequired(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		body := []byte("a part of an upload with a checksum algorithm")
		mismatch := func(want, got string) string {
			return fmt.Sprintf("Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s", want, got)
		}
		refused := []struct {
			name string
			h    hdr
			msg  string
		}{
			{"no checksum", nil, mismatch("crc32", "null")},
			{"only x-amz-sdk-checksum-algorithm", hdr{"X-Amz-Sdk-Checksum-Algorithm": "CRC32"}, mismatch("crc32", "null")},
			{"a CRC32C header", hdr{"X-Amz-Checksum-Crc32c": sumB64(t, "CRC32C", body)}, mismatch("crc32", "crc32c")},
			{"a SHA256 header", hdr{"X-Amz-Checksum-Sha256": sumB64(t, "SHA256", body)}, mismatch("crc32", "sha256")},
		}

		t.Run("Composite", func(t *testing.T) {
			e := e.sub(t)
			id := e.createUpload("bkt", "comp", hdr{s3xml.HeaderChecksumAlgorithm: "CRC32"})
			path := func(n int) string { return fmt.Sprintf("/bkt/comp?partNumber=%d&uploadId=%s", n, id) }
			for _, tc := range refused {
				r := e.wantErr(400, "InvalidRequest", "PUT", path(1), body, tc.h)
				var doc s3xml.Error
				if err := xml.Unmarshal(r.body, &doc); err != nil || doc.Message != tc.msg {
					t.Errorf("%s: message %q (%v), want %q", tc.name, doc.Message, err, tc.msg)
				}
			}
			if got := e.partNumbers("comp", id); len(got) != 0 {
				t.Fatalf("refused parts were stored: %v", got)
			}
			// The upload's algorithm, as a header or a trailer, is accepted and
			// echoed.
			want := crc32b64(body)
			r := e.must(200, "PUT", path(1), body, hdr{"X-Amz-Checksum-Crc32": want})
			if got := r.header.Get("X-Amz-Checksum-Crc32"); got != want {
				t.Errorf("header part: echoed CRC32 %q, want %q", got, want)
			}
			r = e.streamPart(path(2), body, sigv4.CRC32)
			if r.status != 200 || r.header.Get("X-Amz-Checksum-Crc32") != want {
				t.Fatalf("trailer part: %d, CRC32 %q: %s", r.status, r.header.Get("X-Amz-Checksum-Crc32"), r.body)
			}
			if r := e.streamPart(path(3), body, sigv4.CRC32C); r.status != 400 || !bytes.Contains(r.body, []byte(mismatch("crc32", "crc32c"))) {
				t.Errorf("CRC32C trailer part: %d %s", r.status, r.body)
			}
			if got := e.partNumbers("comp", id); fmt.Sprint(got) != "[1 2]" {
				t.Errorf("parts %v, want [1 2]", got)
			}
			e.wantErr(404, "NoSuchUpload", "PUT", "/bkt/comp?partNumber=1&uploadId=nope", body, nil)
		})

		t.Run("FullObject", func(t *testing.T) {
			e := e.sub(t)
			id := e.createUpload("bkt", "full", hdr{s3xml.HeaderChecksumAlgorithm: "CRC32", s3xml.HeaderChecksumType: "FULL_OBJECT"})
			path := func(n int) string { return fmt.Sprintf("/bkt/full?partNumber=%d&uploadId=%s", n, id) }
			for _, tc := range refused[2:] {
				e.wantErr(400, "InvalidRequest", "PUT", path(1), body, tc.h)
			}
			if r := e.streamPart(path(1), body, sigv4.CRC32C); r.status != 400 || !bytes.Contains(r.body, []byte(mismatch("crc32", "crc32c"))) {
				t.Errorf("CRC32C trailer part: %d %s", r.status, r.body)
			}
			if got := e.partNumbers("full", id); len(got) != 0 {
				t.Fatalf("refused parts were stored: %v", got)
			}
			// Without a checksum S3 computes the part's, and does not echo it.
			p1 := bytes.Repeat([]byte("first part "), 5<<20/11+1)
			r := e.must(200, "PUT", path(1), p1, nil)
			if got := r.header.Get("X-Amz-Checksum-Crc32"); got != "" {
				t.Errorf("a computed part checksum was echoed: %q", got)
			}
			r2 := e.must(200, "PUT", path(2), body, hdr{"X-Amz-Sdk-Checksum-Algorithm": "CRC32C"})
			var parts s3xml.ListPartsResult
			e.must(200, "GET", "/bkt/full?uploadId="+id, nil, nil).decode(t, &parts)
			if len(parts.Parts) != 2 || parts.Parts[0].ChecksumCRC32 != crc32b64(p1) || parts.Parts[1].ChecksumCRC32 != crc32b64(body) {
				t.Fatalf("ListParts %+v", parts.Parts)
			}
			var done s3xml.CompleteMultipartUploadResult
			doc := completeDoc(t, s3xml.CompletedPart{PartNumber: 1, ETag: r.header.Get("ETag")}, s3xml.CompletedPart{PartNumber: 2, ETag: r2.header.Get("ETag")})
			e.must(200, "POST", "/bkt/full?uploadId="+id, doc, nil).decode(t, &done)
			if want := crc32b64(append(append([]byte{}, p1...), body...)); done.ChecksumCRC32 != want || done.ChecksumType != "FULL_OBJECT" {
				t.Errorf("Complete: %+v, want CRC32 %s FULL_OBJECT", done.Checksums, want)
			}
		})

		t.Run("NoAlgorithm", func(t *testing.T) {
			// An upload created without an algorithm takes parts with or
			// without checksums.
			e := e.sub(t)
			id := e.createUpload("bkt", "none", nil)
			e.must(200, "PUT", "/bkt/none?partNumber=1&uploadId="+id, body, nil)
			r := e.must(200, "PUT", "/bkt/none?partNumber=2&uploadId="+id, body, hdr{"X-Amz-Checksum-Crc32c": sumB64(t, "CRC32C", body)})
			if got := r.header.Get("X-Amz-Checksum-Crc32c"); got != sumB64(t, "CRC32C", body) {
				t.Errorf("echoed CRC32C %q", got)
			}
		})
	})
}
