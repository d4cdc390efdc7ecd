package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// suite exercises every operation against a live endpoint (s3test or
// moto). Each test uses its own bucket.
type suite struct {
	c   *Client
	ctx context.Context
	n   atomic.Int32
}

// runSuite runs the suite's tests as subtests; those named in skip are
// skipped.
func runSuite(t *testing.T, c *Client, skip ...string) {
	s := &suite{c: c, ctx: context.Background()}
	tests := []struct {
		name string
		f    func(*testing.T)
	}{
		{"BucketLifecycle", s.testBucketLifecycle},
		{"PutGetHead", s.testPutGetHead},
		{"StreamingBody", s.testStreamingBody},
		{"Errors", s.testErrors},
		{"Conditions", s.testConditions},
		{"CopyObject", s.testCopyObject},
		{"ListPagination", s.testListPagination},
		{"DeleteObjects", s.testDeleteObjects},
		{"Multipart", s.testMultipart},
		{"Presign", s.testPresign},
		{"ContextCancelled", s.testContextCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if slices.Contains(skip, tt.name) {
				t.Skip("covered by another run of the suite")
			}
			tt.f(t)
		})
	}
}

// bucket creates a fresh bucket.
func (s *suite) bucket(t *testing.T) string {
	t.Helper()
	b := fmt.Sprintf("suite-%d-%d", time.Now().UnixNano()%1e6, s.n.Add(1))
	if _, err := s.c.CreateBucket(s.ctx, &CreateBucketInput{Bucket: b}); err != nil {
		t.Fatalf("CreateBucket %s: %v", b, err)
	}
	return b
}

func (s *suite) put(t *testing.T, b, k string, body []byte) *PutObjectOutput {
	t.Helper()
	out, err := s.c.PutObject(s.ctx, &PutObjectInput{Bucket: b, Key: k, Body: bytes.NewReader(body)})
	if err != nil {
		t.Fatalf("PutObject %s/%s: %v", b, k, err)
	}
	return out
}

func (s *suite) get(t *testing.T, in *GetObjectInput) []byte {
	t.Helper()
	out, err := s.c.GetObject(s.ctx, in)
	if err != nil {
		t.Fatalf("GetObject %s/%s: %v", in.Bucket, in.Key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return data
}

func (s *suite) testBucketLifecycle(t *testing.T) {
	c, ctx := s.c, s.ctx
	b := s.bucket(t)
	bs, err := c.ListBuckets(ctx, &ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !containsBucket(bs.Buckets, b) {
		t.Fatalf("ListBuckets %v lacks %s", bs.Buckets, b)
	}
	if _, err := c.HeadBucket(ctx, &HeadBucketInput{Bucket: b}); err != nil {
		t.Fatalf("HeadBucket: %v", err)
	}
	if loc, err := c.GetBucketLocation(ctx, &GetBucketLocationInput{Bucket: b}); err != nil || loc.Region != "us-east-1" {
		t.Fatalf("GetBucketLocation = %+v, %v; want us-east-1", loc, err)
	}
	s.put(t, b, "x", []byte("x"))
	if _, err := c.DeleteBucket(ctx, &DeleteBucketInput{Bucket: b}); !errors.Is(err, BucketNotEmpty) {
		t.Fatalf("DeleteBucket of non-empty bucket: %v, want BucketNotEmpty", err)
	}
	if _, err := c.DeleteObject(ctx, &DeleteObjectInput{Bucket: b, Key: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx, &DeleteBucketInput{Bucket: b}); err != nil {
		t.Fatalf("DeleteBucket: %v", err)
	}
	_, err = c.HeadBucket(ctx, &HeadBucketInput{Bucket: b})
	if !IsNotFound(err) || !errors.Is(err, NotFound) {
		t.Fatalf("HeadBucket of deleted bucket: %v, want a 404", err)
	}

}

func (s *suite) testPutGetHead(t *testing.T) {
	c, ctx := s.c, s.ctx
	b := s.bucket(t)
	body := []byte("hello, world")
	key := "dir/a b+c=d&e?f#g%h~i"
	out, err := c.PutObject(ctx, &PutObjectInput{Bucket: b, Key: key, Body: bytes.NewReader(body),
		ObjectHeaders: ObjectHeaders{ContentType: "text/plain", Metadata: map[string]string{"Color": "blue"}}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ETag != `"e4d7f1b4ed2e42d15898f4b27b019da4"` {
		t.Errorf("ETag = %s, want the quoted MD5", out.ETag)
	}
	if got := s.get(t, &GetObjectInput{Bucket: b, Key: key}); !bytes.Equal(got, body) {
		t.Errorf("GetObject = %q, want %q", got, body)
	}
	h, err := c.HeadObject(ctx, &HeadObjectInput{Bucket: b, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if h.ContentLength != int64(len(body)) || h.ContentType != "text/plain" || h.Metadata["color"] != "blue" || h.ETag != out.ETag {
		t.Errorf("HeadObject = %+v", h.ObjectInfo)
	}
	if got := s.get(t, &GetObjectInput{Bucket: b, Key: key, Range: "bytes=7-11"}); string(got) != "world" {
		t.Errorf("ranged GET = %q, want world", got)
	}
	g, err := c.GetObject(ctx, &GetObjectInput{Bucket: b, Key: key, Range: "bytes=0-4"})
	if err != nil {
		t.Fatal(err)
	}
	g.Body.Close()
	if g.Size != int64(len(body)) || g.ContentLength != 5 {
		t.Errorf("ranged GET Size=%d ContentLength=%d, want %d and 5", g.Size, g.ContentLength, len(body))
	}

}

func (s *suite) testStreamingBody(t *testing.T) {
	c, ctx := s.c, s.ctx
	b := s.bucket(t)
	body := make([]byte, 200<<10)
	rand.Read(body)
	// A plain io.Reader of known length streams (aws-chunked or unsigned).
	_, err := c.PutObject(ctx, &PutObjectInput{Bucket: b, Key: "known", Body: io.MultiReader(bytes.NewReader(body)), ContentLength: int64(len(body))})
	if err != nil {
		t.Fatalf("PutObject of a stream of known length: %v", err)
	}
	if got := s.get(t, &GetObjectInput{Bucket: b, Key: "known"}); !bytes.Equal(got, body) {
		t.Errorf("streamed object differs (%d bytes back)", len(got))
	}
	_, err = c.PutObject(ctx, &PutObjectInput{Bucket: b, Key: "unknown", Body: io.MultiReader(bytes.NewReader(body))})
	if err != nil {
		t.Fatalf("PutObject of a stream of unknown length: %v", err)
	}
	if got := s.get(t, &GetObjectInput{Bucket: b, Key: "unknown"}); !bytes.Equal(got, body) {
		t.Errorf("unknown-length object differs (%d bytes back)", len(got))
	}
	_, err = c.PutObject(ctx, &PutObjectInput{Bucket: b, Key: "empty"})
	if err != nil {
		t.Fatalf("PutObject empty: %v", err)
	}
	if got := s.get(t, &GetObjectInput{Bucket: b, Key: "empty"}); len(got) != 0 {
		t.Errorf("empty object has %d bytes", len(got))
	}

}

func (s *suite) testErrors(t *testing.T) {
	c, ctx := s.c, s.ctx
	b := s.bucket(t)
	_, err := c.GetObject(ctx, &GetObjectInput{Bucket: b, Key: "missing"})
	var e *Error
	if !errors.As(err, &e) || e.Code != "NoSuchKey" || e.StatusCode != 404 || e.Op != "GetObject" || e.Key != "missing" {
		t.Fatalf("GetObject missing key: %#v", err)
	}
	if !errors.Is(err, NoSuchKey) || strings.Contains(err.Error(), "<") || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q: want NoSuchKey, one line, no XML", err)
	}
	_, err = c.GetObject(ctx, &GetObjectInput{Bucket: b + "-nope", Key: "k"})
	if !errors.Is(err, NoSuchBucket) {
		t.Errorf("GetObject missing bucket: %v, want NoSuchBucket", err)
	}
	_, err = c.HeadObject(ctx, &HeadObjectInput{Bucket: b, Key: "missing"})
	if !errors.As(err, &e) || e.StatusCode != 404 || !errors.Is(err, NotFound) || !errors.Is(err, NoSuchKey) {
		t.Errorf("HeadObject missing: %v, want 404 NotFound", err)
	}
	if _, err := c.CreateBucket(ctx, &CreateBucketInput{Bucket: b}); err == nil {
		t.Log("CreateBucket of an existing bucket succeeded (us-east-1 legacy behaviour)")
	} else if !errors.Is(err, BucketAlreadyOwned) && !errors.Is(err, BucketAlreadyExists) {
		t.Errorf("CreateBucket existing: %v", err)
	}

}

func (s *suite) testConditions(t *testing.T) {
	c, ctx := s.c, s.ctx
	b := s.bucket(t)
	out := s.put(t, b, "k", []byte("v1"))
	_, err := c.GetObject(ctx, &GetObjectInput{Bucket: b, Key: "k", IfNoneMatch: out.ETag})
	if !errors.Is(err, NotModified) {
		t.Errorf("If-None-Match with current ETag: %v, want NotModified", err)
	}
	_, err = c.GetObject(ctx, &GetObjectInput{Bucket: b, Key: "k", IfMatch: `"0000"`})
	if !errors.Is(err, PreconditionFailed) {
		t.Errorf("If-Match with another ETag: %v, want PreconditionFailed", err)
	}
	if got := s.get(t, &GetObjectInput{Bucket: b, Key: "k", IfMatch: out.ETag}); string(got) != "v1" {
		t.Errorf("If-Match with current ETag = %q", got)
	}

}

func (s *suite) testCopyObject(t *testing.T) {
	c, ctx := s.c, s.ctx
	b := s.bucket(t)
	s.put(t, b, "src/a b", []byte("copy me"))
	out, err := c.CopyObject(ctx, &CopyObjectInput{Bucket: b, Key: "dst", SourceBucket: b, SourceKey: "src/a b"})
	if err != nil {
		t.Fatal(err)
	}
	if out.ETag == "" {
		t.Error("CopyObject returned no ETag")
	}
	if got := s.get(t, &GetObjectInput{Bucket: b, Key: "dst"}); string(got) != "copy me" {
		t.Errorf("copy = %q", got)
	}
	_, err = c.CopyObject(ctx, &CopyObjectInput{Bucket: b, Key: "dst2", SourceBucket: b, SourceKey: "nope"})
	if !errors.Is(err, NoSuchKey) {
		t.Errorf("CopyObject from missing source: %v, want NoSuchKey", err)
	}

}

func (s *suite) testListPagination(t *testing.T) {
	c, ctx := s.c, s.ctx
	b := s.bucket(t)
	keys := []string{"a", "b/1", "b/2", "c", "d\x01ctl", "e f", "g"}
	for _, k := range keys {
		s.put(t, b, k, []byte(k))
	}
	var got []string
	pages := 0
	for page, err := range c.ListObjectsV2Pages(ctx, &ListObjectsV2Input{Bucket: b, MaxKeys: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range page.Objects {
			got = append(got, o.Key)
		}
	}
	if strings.Join(got, "|") != strings.Join(keys, "|") || pages != 4 {
		t.Errorf("paged listing = %q in %d pages, want %q in 4", got, pages, keys)
	}
	got = nil
	for o, err := range c.AllObjectsV2(ctx, &ListObjectsV2Input{Bucket: b, Delimiter: "/", MaxKeys: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		if o.IsPrefix {
			got = append(got, "PRE "+o.Key)
		} else {
			got = append(got, o.Key)
		}
	}
	want := "a|PRE b/|c|d\x01ctl|e f|g"
	if strings.Join(got, "|") != want {
		t.Errorf("delimited listing = %q, want %q", strings.Join(got, "|"), want)
	}
	// Stopping early fetches no more pages and reports no error.
	count := 0
	for _, err := range c.AllObjectsV2(ctx, &ListObjectsV2Input{Bucket: b, MaxKeys: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		count++
		if count == 2 {
			break
		}
	}
	// V1: follow NextMarker (opaque on some servers) to the end.
	got = nil
	v1in := &ListObjectsInput{Bucket: b, MaxKeys: 3}
	for range len(keys) {
		v1, err := c.ListObjects(ctx, v1in)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range v1.Objects {
			got = append(got, o.Key)
		}
		if !v1.IsTruncated {
			break
		}
		v1in.Marker = v1.NextMarker
	}
	if strings.Join(got, "|") != strings.Join(keys, "|") {
		t.Errorf("ListObjects (V1) pages = %q, want %q", got, keys)
	}
	vs, err := c.ListObjectVersions(ctx, &ListObjectVersionsInput{Bucket: b, Prefix: "b/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs.Versions) != 2 || vs.Versions[0].Key != "b/1" {
		t.Errorf("ListObjectVersions = %+v", vs.Versions)
	}
	got = nil
	// Prefix b/: moto ignores encoding-type=url here and would send the
	// control character raw, which no XML parser (botocore's included) accepts.
	for page, err := range c.ListObjectVersionsPages(ctx, &ListObjectVersionsInput{Bucket: b, Prefix: "b/", MaxKeys: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page.Versions {
			got = append(got, v.Key)
		}
	}
	if strings.Join(got, "|") != "b/1|b/2" {
		t.Errorf("ListObjectVersionsPages = %q, want b/1 and b/2", got)
	}

}

func (s *suite) testDeleteObjects(t *testing.T) {
	c, ctx := s.c, s.ctx
	b := s.bucket(t)
	var ids []ObjectID
	for i := range 5 {
		k := fmt.Sprintf("k%d", i)
		s.put(t, b, k, []byte(k))
		ids = append(ids, ObjectID{Key: k})
	}
	out, err := c.DeleteObjects(ctx, &DeleteObjectsInput{Bucket: b, Objects: ids, Quiet: false})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deleted) != 5 || len(out.Errors) != 0 {
		t.Errorf("DeleteObjects = %+v", out)
	}
	page, err := c.ListObjectsV2(ctx, &ListObjectsV2Input{Bucket: b})
	if err != nil || len(page.Objects) != 0 {
		t.Errorf("after DeleteObjects: %v objects, %v", page, err)
	}

}

func (s *suite) testMultipart(t *testing.T) {
	c, ctx := s.c, s.ctx
	b := s.bucket(t)
	part1 := bytes.Repeat([]byte("a"), MinPartSize)
	part2 := []byte("tail")
	idOut, err := c.CreateMultipartUpload(ctx, &CreateMultipartUploadInput{Bucket: b, Key: "big", ObjectHeaders: ObjectHeaders{ContentType: "application/x-test"}})
	if err != nil {
		t.Fatal(err)
	}
	id := idOut.UploadID
	ups, err := c.ListMultipartUploads(ctx, &ListMultipartUploadsInput{Bucket: b})
	if err != nil || len(ups.Uploads) != 1 || ups.Uploads[0].UploadID != id {
		t.Fatalf("ListMultipartUploads = %+v, %v", ups, err)
	}
	otherOut, err := c.CreateMultipartUpload(ctx, &CreateMultipartUploadInput{Bucket: b, Key: "other"})
	if err != nil {
		t.Fatal(err)
	}
	other := otherOut.UploadID
	var upKeys []string
	for page, err := range c.ListMultipartUploadsPages(ctx, &ListMultipartUploadsInput{Bucket: b, MaxUploads: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.Uploads {
			upKeys = append(upKeys, u.Key)
		}
	}
	if strings.Join(upKeys, ",") != "big,other" {
		t.Errorf("ListMultipartUploadsPages = %q, want big,other", upKeys)
	}
	if _, err := c.AbortMultipartUpload(ctx, &AbortMultipartUploadInput{Bucket: b, Key: "other", UploadID: other}); err != nil {
		t.Fatal(err)
	}
	var parts []CompletedPart
	for i, p := range [][]byte{part1, part2} {
		out, err := c.UploadPart(ctx, &UploadPartInput{Bucket: b, Key: "big", UploadID: id, PartNumber: i + 1, Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatalf("UploadPart %d: %v", i+1, err)
		}
		parts = append(parts, CompletedPart{PartNumber: i + 1, ETag: out.ETag})
	}
	lp, err := c.ListParts(ctx, &ListPartsInput{Bucket: b, Key: "big", UploadID: id, MaxParts: 1})
	if err != nil || len(lp.Parts) != 1 || !lp.IsTruncated {
		t.Fatalf("ListParts page = %+v, %v", lp, err)
	}
	n := 0
	for page, err := range c.ListPartsPages(ctx, &ListPartsInput{Bucket: b, Key: "big", UploadID: id, MaxParts: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Parts)
	}
	if n != 2 {
		t.Errorf("ListPartsPages saw %d parts, want 2", n)
	}
	done, err := c.CompleteMultipartUpload(ctx, &CompleteMultipartUploadInput{Bucket: b, Key: "big", UploadID: id, Parts: parts})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.Trim(done.ETag, `"`), "-2") {
		t.Errorf("multipart ETag = %s, want a -2 suffix", done.ETag)
	}
	got := s.get(t, &GetObjectInput{Bucket: b, Key: "big"})
	if !bytes.Equal(got, append(append([]byte{}, part1...), part2...)) {
		t.Errorf("assembled object differs (%d bytes)", len(got))
	}
	// UploadPartCopy from the assembled object, then abort.
	id2Out, err := c.CreateMultipartUpload(ctx, &CreateMultipartUploadInput{Bucket: b, Key: "copy"})
	if err != nil {
		t.Fatal(err)
	}
	id2 := id2Out.UploadID
	pc, err := c.UploadPartCopy(ctx, &UploadPartCopyInput{Bucket: b, Key: "copy", UploadID: id2, PartNumber: 1,
		SourceBucket: b, SourceKey: "big", SourceRange: "bytes=0-99"})
	if err != nil || pc.ETag == "" {
		t.Fatalf("UploadPartCopy = %+v, %v", pc, err)
	}
	if _, err := c.AbortMultipartUpload(ctx, &AbortMultipartUploadInput{Bucket: b, Key: "copy", UploadID: id2}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListParts(ctx, &ListPartsInput{Bucket: b, Key: "copy", UploadID: id2})
	if !errors.Is(err, NoSuchUpload) {
		t.Errorf("ListParts after abort: %v, want NoSuchUpload", err)
	}

}

func (s *suite) testPresign(t *testing.T) {
	c, ctx := s.c, s.ctx
	b := s.bucket(t)
	s.put(t, b, "p/q r", []byte("presigned"))
	u, err := c.PresignGetObject(ctx, &GetObjectInput{Bucket: b, Key: "p/q r"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if u.Method != http.MethodGet {
		t.Errorf("presigned GetObject method %q", u.Method)
	}
	resp, err := http.Get(u.URL)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(data) != "presigned" {
		t.Errorf("GET presigned URL: %d %q", resp.StatusCode, data)
	}
	pu, err := c.PresignPutObject(ctx, &PutObjectInput{Bucket: b, Key: "up"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(pu.Method, pu.URL, strings.NewReader("via presign"))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT presigned URL: %d", resp.StatusCode)
	}
	if got := s.get(t, &GetObjectInput{Bucket: b, Key: "up"}); string(got) != "via presign" {
		t.Errorf("presigned upload stored %q", got)
	}
	idOut, err := c.CreateMultipartUpload(ctx, &CreateMultipartUploadInput{Bucket: b, Key: "mp"})
	if err != nil {
		t.Fatal(err)
	}
	id := idOut.UploadID
	pp, err := c.PresignUploadPart(ctx, &UploadPartInput{Bucket: b, Key: "mp", UploadID: id, PartNumber: 1}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest(pp.Method, pp.URL, strings.NewReader("part one"))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" {
		t.Fatalf("PUT presigned part: %d etag %q", resp.StatusCode, etag)
	}
	if _, err := c.CompleteMultipartUpload(ctx, &CompleteMultipartUploadInput{Bucket: b, Key: "mp", UploadID: id,
		Parts: []CompletedPart{{PartNumber: 1, ETag: etag}}}); err != nil {
		t.Fatal(err)
	}
	if got := s.get(t, &GetObjectInput{Bucket: b, Key: "mp"}); string(got) != "part one" {
		t.Errorf("presigned multipart object = %q", got)
	}

}

func (s *suite) testContextCancelled(t *testing.T) {
	c, ctx := s.c, s.ctx
	b := s.bucket(t)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err := c.PutObject(cctx, &PutObjectInput{Bucket: b, Key: "k", Body: strings.NewReader("x")})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("PutObject with cancelled context: %v, want context.Canceled", err)
	}

}

func containsBucket(bs []BucketInfo, name string) bool {
	for _, b := range bs {
		if b.Name == name {
			return true
		}
	}
	return false
}
