package storagetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

func testBuckets(t *testing.T, nb func(t *testing.T) storage.Backend) {
	ctx := context.Background()
	b := nb(t)
	for _, name := range []string{"zeta", "alpha", "mid-1"} {
		if err := b.CreateBucket(ctx, name, storage.CreateBucketOptions{Region: "eu-west-1"}); err != nil {
			t.Fatalf("CreateBucket(%s): %v", name, err)
		}
	}
	wantErr(t, "CreateBucket twice", b.CreateBucket(ctx, "alpha", storage.CreateBucketOptions{}), storage.ErrBucketExists)
	list, err := b.ListBuckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, bi := range list {
		names = append(names, bi.Name)
	}
	if want := []string{"alpha", "mid-1", "zeta"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("ListBuckets = %v, want %v", names, want)
	}
	info, err := b.HeadBucket(ctx, "alpha")
	if err != nil || info.Name != "alpha" || info.Region != "eu-west-1" || info.Created.IsZero() {
		t.Fatalf("HeadBucket(alpha) = %+v, %v; want name, region eu-west-1 and a creation time", info, err)
	}
	_, err = b.HeadBucket(ctx, "nope")
	wantErr(t, "HeadBucket(missing)", err, storage.ErrNoSuchBucket)
	_, err = b.PutObject(ctx, "nope", "k", strings.NewReader("x"), storage.PutOptions{})
	wantErr(t, "PutObject(missing bucket)", err, storage.ErrNoSuchBucket)
	_, err = b.GetObject(ctx, "nope", "k")
	wantErr(t, "GetObject(missing bucket)", err, storage.ErrNoSuchBucket)
	_, err = b.ListObjects(ctx, "nope", storage.ListOptions{})
	wantErr(t, "ListObjects(missing bucket)", err, storage.ErrNoSuchBucket)

	if _, err := b.PutObject(ctx, "zeta", "k", strings.NewReader("x"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteBucket(non-empty)", b.DeleteBucket(ctx, "zeta"), storage.ErrBucketNotEmpty)
	if err := b.DeleteObject(ctx, "zeta", "k"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"zeta", "alpha", "mid-1"} {
		if err := b.DeleteBucket(ctx, name); err != nil {
			t.Fatalf("DeleteBucket(%s): %v", name, err)
		}
	}
	wantErr(t, "DeleteBucket(missing)", b.DeleteBucket(ctx, "zeta"), storage.ErrNoSuchBucket)
	if list, _ := b.ListBuckets(ctx); len(list) != 0 {
		t.Fatalf("ListBuckets after deleting all = %v", list)
	}
	// A re-created bucket starts empty.
	if err := b.CreateBucket(ctx, "zeta", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetObject(ctx, "zeta", "k"); !errors.Is(err, storage.ErrNoSuchKey) {
		t.Fatalf("GetObject in re-created bucket: %v, want ErrNoSuchKey", err)
	}
}

// opaqueKeys are keys a careless backend would turn into paths.
var opaqueKeys = []string{
	"../../etc/passwd", "a//b", "/leading", "trailing/", ".", "..", "./x", "a/../b",
	"ünïcødé/日本語/🙂", "space and+plus%20", "back\\slash", "CON", "x:y*z?<>|",
	strings.Repeat("long/", 200), "\t\ttabs", "a\nnewline",
}

func testObjects(t *testing.T, nb func(t *testing.T) storage.Backend) {
	cases := []struct {
		name string
		run  func(t *testing.T, f *fixture)
	}{
		{"KeyOpacity", testKeyOpacity},
		{"RoundTripAndETag", testRoundTrip},
		{"Metadata", testMetadata},
		{"Overwrite", testOverwrite},
		{"FailedBodyKeepsOld", testFailedBody},
		{"ContextCancelKeepsOld", testCtxCancel},
		{"ContentMD5", testContentMD5},
		{"Preconditions", testPreconditions},
		{"BeforeCommit", testBeforeCommit},
		{"ContentOutlivesOverwrite", testContentOutlives},
		{"Delete", testDelete},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, newFixture(t, nb)) })
	}
}

func testKeyOpacity(t *testing.T, f *fixture) {
	for i, k := range opaqueKeys {
		f.put(k, []byte(k+"#"+string(rune('A'+i))))
	}
	for i, k := range opaqueKeys {
		f.wantContent(k, []byte(k+"#"+string(rune('A'+i))))
	}
	res, err := f.b.ListObjects(f.ctx, f.bucket, storage.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := keysOf(res.Objects)
	want := sortedCopy(opaqueKeys)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListObjects = %q, want %q", got, want)
	}
	// The traversal key must not have reached a neighbouring bucket.
	if err := f.b.CreateBucket(f.ctx, "etc", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.b.ListObjects(f.ctx, "etc", storage.ListOptions{}); len(res.Objects) != 0 {
		t.Fatalf("bucket etc holds %v after writing ../../etc/passwd elsewhere", keysOf(res.Objects))
	}
	for _, k := range opaqueKeys {
		if err := f.b.DeleteObject(f.ctx, f.bucket, k); err != nil {
			t.Fatalf("DeleteObject(%q): %v", k, err)
		}
	}
	if err := f.b.DeleteBucket(f.ctx, f.bucket); err != nil {
		t.Fatalf("DeleteBucket after deleting every key: %v", err)
	}
	if err := f.b.CreateBucket(f.ctx, f.bucket, storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = f.b.PutObject(f.ctx, f.bucket, "", strings.NewReader("x"), storage.PutOptions{})
	wantErr(t, "PutObject with an empty key", err, storage.ErrInvalidArgument)
}

func testRoundTrip(t *testing.T, f *fixture) {
	sizes := []int{0, 1, 4096, 64<<10 - 1, 64 << 10, 64<<10 + 1, 1<<20 + 7}
	for i, n := range sizes {
		data := payload(int64(i), n)
		key := "obj/" + string(rune('a'+i))
		info := f.put(key, data)
		if info.ETag != etagOf(data) || info.Size != int64(n) || info.Key != key {
			t.Fatalf("PutObject(%d bytes) = %+v, want ETag %s size %d", n, info, etagOf(data), n)
		}
		if info.LastModified.IsZero() {
			t.Fatalf("PutObject(%d bytes): zero LastModified", n)
		}
		f.wantContent(key, data)
		head, err := f.b.HeadObject(f.ctx, f.bucket, key)
		if err != nil || head.ETag != info.ETag || head.Size != info.Size || !head.LastModified.Equal(info.LastModified) {
			t.Fatalf("HeadObject = %+v, %v; want it to match the put's %+v", head, err, info)
		}
		o, err := f.b.GetObject(f.ctx, f.bucket, key)
		if err != nil {
			t.Fatal(err)
		}
		if n > 10 {
			buf := make([]byte, 5)
			if _, err := o.Content.ReadAt(buf, int64(n-7)); err != nil || !bytes.Equal(buf, data[n-7:n-2]) {
				t.Fatalf("ReadAt(%d) = %q, %v; want %q", n-7, buf, err, data[n-7:n-2])
			}
			if pos, err := o.Content.Seek(-3, io.SeekEnd); err != nil || pos != int64(n-3) {
				t.Fatalf("Seek(-3, end) = %d, %v", pos, err)
			}
			rest, _ := io.ReadAll(o.Content)
			if !bytes.Equal(rest, data[n-3:]) {
				t.Fatalf("read after seek = %q, want %q", rest, data[n-3:])
			}
		}
		if rw, ok := o.Content.(storage.RangeWriterTo); ok && n > 10 {
			var buf bytes.Buffer
			off, m := int64(n/3), int64(n/2)
			if w, err := rw.WriteRangeTo(&buf, off, m); err != nil || w != m || !bytes.Equal(buf.Bytes(), data[off:off+m]) {
				t.Fatalf("WriteRangeTo(%d, %d) = %d, %v; bytes match %v", off, m, w, err, bytes.Equal(buf.Bytes(), data[off:off+m]))
			}
		}
		o.Content.Close()
	}
	if info := f.put("empty", nil); info.ETag != `"d41d8cd98f00b204e9800998ecf8427e"` {
		t.Fatalf("empty object ETag = %s", info.ETag)
	}
}

func testMetadata(t *testing.T, f *fixture) {
	meta := storage.ObjectMeta{
		ContentType: "text/plain; charset=utf-8", ContentEncoding: "gzip",
		ContentDisposition: `attachment; filename="a b.txt"`, ContentLanguage: "de-CH",
		CacheControl: "max-age=60", Expires: "Thu, 01 Dec 1994 16:00:00 GMT",
		UserMeta:  map[string]string{"color": "Blue Sky", "empty": ""},
		Checksums: map[string]string{"CRC32": "AAAAAA=="}, ChecksumType: "FULL_OBJECT",
		Tags: map[string]string{"project": "blue", "empty": ""},
	}
	want := meta
	want.UserMeta = map[string]string{"color": "Blue Sky", "empty": ""}
	want.Checksums = map[string]string{"CRC32": "AAAAAA=="}
	want.Tags = map[string]string{"project": "blue", "empty": ""}
	if _, err := f.b.PutObject(f.ctx, f.bucket, "m", strings.NewReader("hi"), storage.PutOptions{Meta: meta}); err != nil {
		t.Fatal(err)
	}
	meta.UserMeta["color"] = "changed after put"
	meta.Checksums["CRC32"] = "changed"
	meta.Tags["project"] = "changed"
	info, _ := f.get("m")
	if !reflect.DeepEqual(info.Meta, want) {
		t.Fatalf("GetObject meta = %+v, want %+v", info.Meta, want)
	}
	info.Meta.UserMeta["color"] = "changed after get"
	head, _ := f.b.HeadObject(f.ctx, f.bucket, "m")
	if !reflect.DeepEqual(head.Meta, want) {
		t.Fatalf("HeadObject meta after caller mutated a returned map = %+v, want %+v", head.Meta, want)
	}
	res, _ := f.b.ListObjects(f.ctx, f.bucket, storage.ListOptions{})
	if len(res.Objects) != 1 || res.Objects[0].ETag != etagOf([]byte("hi")) || res.Objects[0].Size != 2 {
		t.Fatalf("ListObjects = %+v, want m with its ETag and size", res.Objects)
	}
}

func testOverwrite(t *testing.T, f *fixture) {
	v1, v2 := payload(1, 100<<10), payload(2, 3000)
	f.put("k", v1)
	info := f.put("k", v2)
	if info.ETag != etagOf(v2) {
		t.Fatalf("second put ETag %s, want %s", info.ETag, etagOf(v2))
	}
	f.wantContent("k", v2)
	res, _ := f.b.ListObjects(f.ctx, f.bucket, storage.ListOptions{})
	if len(res.Objects) != 1 || res.Objects[0].Size != int64(len(v2)) {
		t.Fatalf("ListObjects after overwrite = %+v, want one object of %d bytes", res.Objects, len(v2))
	}
}

func testFailedBody(t *testing.T, f *fixture) {
	old := payload(3, 70<<10)
	f.put("k", old)
	// io.ErrUnexpectedEOF is what net/http's body returns when a client
	// sends less than its Content-Length: it is a failure, not the end of
	// the object, even though io.ReadFull uses the same value for a short
	// final read.
	for _, boom := range []error{errors.New("connection reset"), io.ErrUnexpectedEOF} {
		for _, n := range []int{10, 200 << 10} {
			_, err := f.b.PutObject(f.ctx, f.bucket, "k", &failingReader{data: payload(4, n), err: boom}, storage.PutOptions{})
			if !errors.Is(err, boom) {
				t.Fatalf("PutObject with failing body (%d bytes then %v): %v, want the body's error", n, boom, err)
			}
			f.wantContent("k", old)
			_, err = f.b.PutObject(f.ctx, f.bucket, "fresh", &failingReader{data: payload(4, n), err: boom}, storage.PutOptions{})
			if err == nil {
				t.Fatalf("PutObject of a new key with a body failing with %v succeeded", boom)
			}
			if _, _, err := f.tryGet("fresh"); !errors.Is(err, storage.ErrNoSuchKey) {
				t.Fatalf("GetObject after failed first put (%v): %v, want ErrNoSuchKey", boom, err)
			}
		}
	}
}

func testCtxCancel(t *testing.T, f *fixture) {
	old := payload(5, 1000)
	f.put("k", old)
	ctx, cancel := context.WithCancel(f.ctx)
	_, err := f.b.PutObject(ctx, f.bucket, "k", &cancellingReader{data: payload(6, 300<<10), cancel: cancel}, storage.PutOptions{})
	wantErr(t, "PutObject cancelled mid-body", err, context.Canceled)
	f.wantContent("k", old)
	_, err = f.b.PutObject(ctx, f.bucket, "k2", strings.NewReader("x"), storage.PutOptions{})
	if err == nil {
		t.Fatal("PutObject with a cancelled context succeeded")
	}
	if _, _, err := f.tryGet("k2"); !errors.Is(err, storage.ErrNoSuchKey) {
		t.Fatalf("GetObject after cancelled put: %v, want ErrNoSuchKey", err)
	}
}

func testContentMD5(t *testing.T, f *fixture) {
	old, data := []byte("old"), payload(7, 90<<10)
	f.put("k", old)
	sum := md5sum(data)
	bad := md5sum([]byte("other"))
	_, err := f.b.PutObject(f.ctx, f.bucket, "k", bytes.NewReader(data), storage.PutOptions{ContentMD5: bad})
	wantErr(t, "PutObject with wrong Content-MD5", err, storage.ErrBadDigest)
	f.wantContent("k", old)
	if _, err := f.b.PutObject(f.ctx, f.bucket, "k", bytes.NewReader(data), storage.PutOptions{ContentMD5: sum}); err != nil {
		t.Fatalf("PutObject with right Content-MD5: %v", err)
	}
	f.wantContent("k", data)
}

func testPreconditions(t *testing.T, f *fixture) {
	put := func(key, body string, opts storage.PutOptions) error {
		_, err := f.b.PutObject(f.ctx, f.bucket, key, strings.NewReader(body), opts)
		return err
	}
	if err := put("k", "v1", storage.PutOptions{IfNoneMatch: "*"}); err != nil {
		t.Fatalf("If-None-Match * on a new key: %v", err)
	}
	wantErr(t, "If-None-Match * on an existing key", put("k", "v2", storage.PutOptions{IfNoneMatch: "*"}), storage.ErrPreconditionFailed)
	f.wantContent("k", []byte("v1"))
	wantErr(t, "If-Match wrong ETag", put("k", "v2", storage.PutOptions{IfMatch: etagOf([]byte("nope"))}), storage.ErrPreconditionFailed)
	wantErr(t, "If-Match on a missing key", put("missing", "v2", storage.PutOptions{IfMatch: etagOf([]byte("v1"))}), storage.ErrNoSuchKey)
	f.wantContent("k", []byte("v1"))
	if err := put("k", "v2", storage.PutOptions{IfMatch: etagOf([]byte("v1"))}); err != nil {
		t.Fatalf("If-Match with the current ETag: %v", err)
	}
	f.wantContent("k", []byte("v2"))
}

func testBeforeCommit(t *testing.T, f *fixture) {
	f.put("k", []byte("old"))
	veto := errors.New("trailer checksum mismatch")
	var sawMeta bool
	_, err := f.b.PutObject(f.ctx, f.bucket, "k", strings.NewReader("new"), storage.PutOptions{
		Meta: storage.ObjectMeta{ContentType: "a/b"},
		BeforeCommit: func(m *storage.ObjectMeta) error {
			sawMeta = m.ContentType == "a/b"
			return veto
		},
	})
	if err != veto && !errors.Is(err, veto) {
		t.Fatalf("PutObject with failing BeforeCommit: %v, want %v", err, veto)
	}
	if !sawMeta {
		t.Fatal("BeforeCommit did not receive the put's meta")
	}
	f.wantContent("k", []byte("old"))
	_, err = f.b.PutObject(f.ctx, f.bucket, "k", strings.NewReader("new"), storage.PutOptions{
		BeforeCommit: func(m *storage.ObjectMeta) error {
			m.Checksums = map[string]string{"SHA256": "from-trailer"}
			m.ChecksumType = "FULL_OBJECT"
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	info, _ := f.get("k")
	if info.Meta.Checksums["SHA256"] != "from-trailer" || info.Meta.ChecksumType != "FULL_OBJECT" {
		t.Fatalf("meta set by BeforeCommit not stored: %+v", info.Meta)
	}
}

func testContentOutlives(t *testing.T, f *fixture) {
	for _, n := range []int{100, 300 << 10} {
		v1 := payload(8, n)
		f.put("k", v1)
		o, err := f.b.GetObject(f.ctx, f.bucket, "k")
		if err != nil {
			t.Fatal(err)
		}
		f.put("k", payload(9, n))
		if err := f.b.DeleteObject(f.ctx, f.bucket, "k"); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(o.Content)
		o.Content.Close()
		if err != nil || !bytes.Equal(got, v1) {
			t.Fatalf("Content opened before overwrite+delete read %d bytes, %v; want the %d original bytes", len(got), err, n)
		}
	}
}

func testDelete(t *testing.T, f *fixture) {
	if err := f.b.DeleteObject(f.ctx, f.bucket, "never-existed"); err != nil {
		t.Fatalf("DeleteObject(missing) = %v, want nil", err)
	}
	f.put("k", payload(10, 80<<10))
	if err := f.b.DeleteObject(f.ctx, f.bucket, "k"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.tryGet("k"); !errors.Is(err, storage.ErrNoSuchKey) {
		t.Fatalf("GetObject after delete: %v, want ErrNoSuchKey", err)
	}
	if _, err := f.b.HeadObject(f.ctx, f.bucket, "k"); !errors.Is(err, storage.ErrNoSuchKey) {
		t.Fatalf("HeadObject after delete: %v, want ErrNoSuchKey", err)
	}
	if res, _ := f.b.ListObjects(f.ctx, f.bucket, storage.ListOptions{}); len(res.Objects) != 0 {
		t.Fatalf("ListObjects after delete = %v", keysOf(res.Objects))
	}
}

// testTagger checks storage.Tagger: tags change in place, nothing else
// does, for an inline-sized and a larger object.
func testTagger(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	tg, ok := f.b.(storage.Tagger)
	if !ok {
		t.Skip("backend does not implement storage.Tagger")
	}
	for _, n := range []int{10, 300 << 10} {
		key := fmt.Sprintf("tagged-%d", n)
		data := payload(int64(n), n)
		put, err := f.b.PutObject(f.ctx, f.bucket, key, bytes.NewReader(data), storage.PutOptions{
			Meta: storage.ObjectMeta{ContentType: "x/y", Tags: map[string]string{"old": "1"}}})
		if err != nil {
			t.Fatal(err)
		}
		tags := map[string]string{"a": "b", "c": ""}
		info, err := tg.PutObjectTagging(f.ctx, f.bucket, key, tags)
		if err != nil {
			t.Fatalf("PutObjectTagging: %v", err)
		}
		tags["a"] = "changed by the caller"
		got, body := f.get(key)
		for _, i := range []storage.ObjectInfo{info, got} {
			if !reflect.DeepEqual(i.Meta.Tags, map[string]string{"a": "b", "c": ""}) || i.ETag != put.ETag ||
				!i.LastModified.Equal(put.LastModified) || i.Meta.ContentType != "x/y" || i.Size != int64(n) {
				t.Fatalf("%d bytes: after PutObjectTagging %+v, put %+v", n, i, put)
			}
		}
		if !bytes.Equal(body, data) {
			t.Fatalf("%d bytes: content changed by PutObjectTagging", n)
		}
		if _, err := tg.PutObjectTagging(f.ctx, f.bucket, key, map[string]string{}); err != nil {
			t.Fatal(err)
		}
		if head, _ := f.b.HeadObject(f.ctx, f.bucket, key); head.Meta.Tags != nil {
			t.Fatalf("%d bytes: tags after removing them: %v", n, head.Meta.Tags)
		}
	}
	_, err := tg.PutObjectTagging(f.ctx, f.bucket, "missing", map[string]string{"a": "b"})
	wantErr(t, "PutObjectTagging of a missing key", err, storage.ErrNoSuchKey)
}

// testBucketTagger checks storage.BucketTagger: a bucket starts without
// tags, a put replaces the whole set, the caller's map is not kept, empty
// removes, buckets do not share tags, and deleting a bucket drops them.
func testBucketTagger(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	tg, ok := f.b.(storage.BucketTagger)
	if !ok {
		t.Skip("backend does not implement storage.BucketTagger")
	}
	get := func(bucket string) map[string]string {
		t.Helper()
		tags, err := tg.GetBucketTagging(f.ctx, bucket)
		if err != nil {
			t.Fatalf("GetBucketTagging(%s): %v", bucket, err)
		}
		return tags
	}
	if tags := get(f.bucket); tags != nil {
		t.Fatalf("new bucket has tags %v", tags)
	}
	if err := f.b.CreateBucket(f.ctx, "other", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{"a": "1", "b": "", "ü": "日本"}
	if err := tg.PutBucketTagging(f.ctx, f.bucket, tags); err != nil {
		t.Fatalf("PutBucketTagging: %v", err)
	}
	tags["a"] = "changed by the caller"
	if got, want := get(f.bucket), map[string]string{"a": "1", "b": "", "ü": "日本"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("tags %v, want %v", got, want)
	}
	get(f.bucket)["a"] = "changed by a reader"
	if got := get(f.bucket)["a"]; got != "1" {
		t.Fatalf("a reader changed the stored tags: a=%q", got)
	}
	if got := get("other"); got != nil {
		t.Fatalf("tags leaked to another bucket: %v", got)
	}
	if err := tg.PutBucketTagging(f.ctx, f.bucket, map[string]string{"c": "3"}); err != nil {
		t.Fatal(err)
	}
	if got, want := get(f.bucket), map[string]string{"c": "3"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("tags after a second put %v, want %v (a put replaces the set)", got, want)
	}
	// Tags do not make a bucket non-empty, and go with it.
	if err := f.b.DeleteBucket(f.ctx, f.bucket); err != nil {
		t.Fatalf("DeleteBucket of a tagged bucket: %v", err)
	}
	_, err := tg.GetBucketTagging(f.ctx, f.bucket)
	wantErr(t, "GetBucketTagging of a deleted bucket", err, storage.ErrNoSuchBucket)
	wantErr(t, "PutBucketTagging of a missing bucket", tg.PutBucketTagging(f.ctx, f.bucket, map[string]string{"a": "b"}), storage.ErrNoSuchBucket)
	if err := f.b.CreateBucket(f.ctx, f.bucket, storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := get(f.bucket); got != nil {
		t.Fatalf("re-created bucket has tags %v", got)
	}
	for _, empty := range []map[string]string{nil, {}} {
		if err := tg.PutBucketTagging(f.ctx, "other", map[string]string{"x": "y"}); err != nil {
			t.Fatal(err)
		}
		if err := tg.PutBucketTagging(f.ctx, "other", empty); err != nil {
			t.Fatalf("PutBucketTagging(%#v): %v", empty, err)
		}
		if got := get("other"); got != nil {
			t.Fatalf("tags after PutBucketTagging(%#v): %v", empty, got)
		}
	}
}

func testConditionalDeleter(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	cd, ok := f.b.(storage.ConditionalDeleter)
	if !ok {
		t.Skip("backend does not implement storage.ConditionalDeleter")
	}
	// A small object and one large enough to live in its own file.
	for _, n := range []int{10, 300 << 10} {
		key := fmt.Sprintf("cond-%d", n)
		info := f.put(key, payload(int64(n), n))
		wantErr(t, "DeleteObjectIfMatch(wrong etag)", cd.DeleteObjectIfMatch(f.ctx, f.bucket, key, `"0123"`), storage.ErrPreconditionFailed)
		if _, err := f.b.HeadObject(f.ctx, f.bucket, key); err != nil {
			t.Fatalf("object gone after a failed conditional delete: %v", err)
		}
		wantErr(t, "DeleteObjectIfMatch(empty)", cd.DeleteObjectIfMatch(f.ctx, f.bucket, key, ""), storage.ErrInvalidArgument)
		// Unquoted, as clients may send it.
		if err := cd.DeleteObjectIfMatch(f.ctx, f.bucket, key, strings.Trim(info.ETag, `"`)); err != nil {
			t.Fatalf("DeleteObjectIfMatch(current etag): %v", err)
		}
		if _, err := f.b.HeadObject(f.ctx, f.bucket, key); !errors.Is(err, storage.ErrNoSuchKey) {
			t.Fatalf("HeadObject after conditional delete: %v", err)
		}
		wantErr(t, "DeleteObjectIfMatch(absent)", cd.DeleteObjectIfMatch(f.ctx, f.bucket, key, info.ETag), storage.ErrNoSuchKey)
		wantErr(t, "DeleteObjectIfMatch(*, absent)", cd.DeleteObjectIfMatch(f.ctx, f.bucket, key, "*"), storage.ErrNoSuchKey)
		f.put(key, []byte("again"))
		if err := cd.DeleteObjectIfMatch(f.ctx, f.bucket, key, "*"); err != nil {
			t.Fatalf("DeleteObjectIfMatch(*): %v", err)
		}
	}
	wantErr(t, "DeleteObjectIfMatch(no bucket)", cd.DeleteObjectIfMatch(f.ctx, "nope", "k", "*"), storage.ErrNoSuchBucket)
}
