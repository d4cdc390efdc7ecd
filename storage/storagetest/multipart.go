package storagetest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// mpFixture is a fixture whose backend supports multipart uploads.
type mpFixture struct {
	*fixture
	mp storage.Multipart
}

func (f *mpFixture) create(key string) string {
	f.t.Helper()
	u, err := f.mp.CreateMultipartUpload(f.ctx, f.bucket, key, storage.ObjectMeta{ContentType: "video/mp4", UserMeta: map[string]string{"a": "1"}})
	if err != nil {
		f.t.Fatalf("CreateMultipartUpload(%q): %v", key, err)
	}
	if u.UploadID == "" || u.Key != key {
		f.t.Fatalf("CreateMultipartUpload(%q) = %+v", key, u)
	}
	return u.UploadID
}

func (f *mpFixture) part(key, id string, n int, data []byte) storage.PartInfo {
	f.t.Helper()
	p, err := f.mp.UploadPart(f.ctx, f.bucket, key, id, n, bytes.NewReader(data), storage.PartOptions{})
	if err != nil {
		f.t.Fatalf("UploadPart(%d): %v", n, err)
	}
	if p.ETag != etagOf(data) || p.Size != int64(len(data)) || p.PartNumber != n {
		f.t.Fatalf("UploadPart(%d) = %+v, want ETag %s size %d", n, p, etagOf(data), len(data))
	}
	return p
}

// compositeETag is S3's multipart ETag, computed independently of any
// backend: md5 of the concatenated raw part md5s, then "-N".
func compositeETag(parts ...[]byte) string {
	h := md5.New()
	for _, p := range parts {
		s := md5.Sum(p)
		h.Write(s[:])
	}
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(h.Sum(nil)), len(parts))
}

func cp(n int, etag string) storage.CompletePart {
	return storage.CompletePart{PartNumber: n, ETag: etag}
}

func testMultipart(t *testing.T, nb func(t *testing.T) storage.Backend) {
	cases := []struct {
		name string
		run  func(t *testing.T, f *mpFixture)
	}{
		{"CompleteAssemblesInOrder", testMPComplete},
		{"CompleteRules", testMPRules},
		{"CompleteChecksums", testMPChecksums},
		{"CompleteConditions", testMPConditions},
		{"AbortAndFinished", testMPAbort},
		{"PartFailures", testMPPartFailures},
		{"ListParts", testMPListParts},
		{"ListUploads", testMPListUploads},
		{"DeleteBucketDiscardsUploads", testMPDeleteBucketDiscardsUploads},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nb)
			mp, ok := f.b.(storage.Multipart)
			if !ok {
				t.Skip("backend does not implement storage.Multipart")
			}
			c.run(t, &mpFixture{fixture: f, mp: mp})
		})
	}
}

func testMPComplete(t *testing.T, f *mpFixture) {
	old := []byte("previous version")
	f.put("big", old)
	id := f.create("big")
	p1, p2, p3 := payload(21, storage.MinPartSize), payload(22, storage.MinPartSize+3), payload(23, 1234)
	f.part("big", id, 3, p3)
	f.part("big", id, 1, payload(20, 1000)) // replaced below
	f.part("big", id, 2, p2)
	f.part("big", id, 1, p1)
	f.wantContent("big", old) // not visible before Complete
	info, err := f.mp.CompleteMultipartUpload(f.ctx, f.bucket, "big", id, []storage.CompletePart{
		{PartNumber: 1, ETag: etagOf(p1)}, {PartNumber: 2, ETag: strings.Trim(etagOf(p2), `"`)}, {PartNumber: 3, ETag: etagOf(p3)},
	}, storage.CompleteOptions{})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload: %v", err)
	}
	whole := bytes.Join([][]byte{p1, p2, p3}, nil)
	if want := compositeETag(p1, p2, p3); info.ETag != want {
		t.Fatalf("composite ETag = %s, want %s", info.ETag, want)
	}
	if !reflect.DeepEqual(info.PartSizes, []int64{int64(len(p1)), int64(len(p2)), int64(len(p3))}) || info.Size != int64(len(whole)) {
		t.Fatalf("completed object size %d parts %v", info.Size, info.PartSizes)
	}
	got, data := f.get("big")
	if !bytes.Equal(data, whole) {
		t.Fatalf("completed object: %d bytes differ from the %d bytes of parts 1,2,3", len(data), len(whole))
	}
	if got.ETag != info.ETag || got.Meta.ContentType != "video/mp4" || got.Meta.UserMeta["a"] != "1" {
		t.Fatalf("GetObject info = %+v; want the composite ETag and the meta given at create", got)
	}
	o, _ := f.b.GetObject(f.ctx, f.bucket, "big")
	buf := make([]byte, 10)
	off := int64(storage.MinPartSize - 5) // spans parts 1 and 2
	if _, err := o.Content.ReadAt(buf, off); err != nil || !bytes.Equal(buf, whole[off:off+10]) {
		t.Fatalf("ReadAt across a part boundary = %v", err)
	}
	o.Content.Close()
	_, err = f.mp.CompleteMultipartUpload(f.ctx, f.bucket, "big", id, []storage.CompletePart{{PartNumber: 1, ETag: etagOf(p1)}}, storage.CompleteOptions{})
	wantErr(t, "Complete twice", err, storage.ErrNoSuchUpload)
}

// testMPConditions checks If-None-Match and If-Match on Complete: checked
// against the object at the key when the upload is committed, and a
// failed condition leaves both the object and the upload as they were.
func testMPConditions(t *testing.T, f *mpFixture) {
	old := []byte("current version")
	f.put("k", old)
	body := payload(31, 100)
	id := f.create("k")
	f.part("k", id, 1, body)
	complete := func(key, id, ifNoneMatch, ifMatch string) error {
		_, err := f.mp.CompleteMultipartUpload(f.ctx, f.bucket, key, id, []storage.CompletePart{cp(1, etagOf(body))},
			storage.CompleteOptions{IfNoneMatch: ifNoneMatch, IfMatch: ifMatch})
		return err
	}
	wantErr(t, "If-None-Match * on an existing key", complete("k", id, "*", ""), storage.ErrPreconditionFailed)
	wantErr(t, "If-Match with another ETag", complete("k", id, "", etagOf([]byte("other"))), storage.ErrPreconditionFailed)
	f.wantContent("k", old)
	if err := complete("k", id, "", etagOf(old)); err != nil {
		t.Fatalf("If-Match with the current ETag, after failed conditions: %v", err)
	}
	f.wantContent("k", body)

	id = f.create("new")
	f.part("new", id, 1, body)
	wantErr(t, "If-Match * on a missing key", complete("new", id, "", "*"), storage.ErrNoSuchKey)
	if err := complete("new", id, "*", ""); err != nil {
		t.Fatalf("If-None-Match * on a missing key: %v", err)
	}
	f.wantContent("new", body)
}

func testMPRules(t *testing.T, f *mpFixture) {
	id := f.create("k")
	small, big := payload(31, 100), payload(32, storage.MinPartSize)
	f.part("k", id, 1, small)
	f.part("k", id, 2, big)
	f.part("k", id, 3, small)
	cases := []struct {
		name  string
		parts []storage.CompletePart
		want  error
	}{
		{"MissingPart", []storage.CompletePart{cp(2, etagOf(big)), cp(4, etagOf(small))}, storage.ErrInvalidPart},
		{"WrongETag", []storage.CompletePart{cp(2, etagOf(small)), cp(3, etagOf(small))}, storage.ErrInvalidPart},
		{"Descending", []storage.CompletePart{cp(3, etagOf(small)), cp(2, etagOf(big))}, storage.ErrInvalidPartOrder},
		{"Duplicate", []storage.CompletePart{cp(2, etagOf(big)), cp(2, etagOf(big))}, storage.ErrInvalidPartOrder},
		{"SmallNonLast", []storage.CompletePart{cp(1, etagOf(small)), cp(2, etagOf(big))}, storage.ErrEntityTooSmall},
	}
	for _, c := range cases {
		_, err := f.mp.CompleteMultipartUpload(f.ctx, f.bucket, "k", id, c.parts, storage.CompleteOptions{})
		wantErr(t, c.name, err, c.want)
		if _, _, err := f.tryGet("k"); !errors.Is(err, storage.ErrNoSuchKey) {
			t.Fatalf("%s: object visible after a failed Complete (%v)", c.name, err)
		}
	}
	// A failed Complete leaves the upload usable; a subset of parts is fine
	// and a small last part is allowed.
	info, err := f.mp.CompleteMultipartUpload(f.ctx, f.bucket, "k", id, []storage.CompletePart{cp(2, etagOf(big)), cp(3, etagOf(small))}, storage.CompleteOptions{})
	if err != nil {
		t.Fatalf("Complete(2,3) after failed attempts: %v", err)
	}
	if info.ETag != compositeETag(big, small) {
		t.Fatalf("ETag %s, want %s", info.ETag, compositeETag(big, small))
	}
	f.wantContent("k", append(append([]byte{}, big...), small...))
	// A single small part is a valid upload.
	id = f.create("one")
	f.part("one", id, 7, small)
	if _, err := f.mp.CompleteMultipartUpload(f.ctx, f.bucket, "one", id, []storage.CompletePart{cp(7, etagOf(small))}, storage.CompleteOptions{}); err != nil {
		t.Fatalf("Complete of one small part: %v", err)
	}
	f.wantContent("one", small)
}

func testMPAbort(t *testing.T, f *mpFixture) {
	id := f.create("k")
	f.part("k", id, 1, []byte("x"))
	_, err := f.mp.UploadPart(f.ctx, f.bucket, "k", "no-such-id", 1, strings.NewReader("x"), storage.PartOptions{})
	wantErr(t, "UploadPart(unknown id)", err, storage.ErrNoSuchUpload)
	_, err = f.mp.UploadPart(f.ctx, f.bucket, "other-key", id, 1, strings.NewReader("x"), storage.PartOptions{})
	wantErr(t, "UploadPart(id of another key)", err, storage.ErrNoSuchUpload)
	for _, n := range []int{0, -1, storage.MaxPartNumber + 1} {
		_, err = f.mp.UploadPart(f.ctx, f.bucket, "k", id, n, strings.NewReader("x"), storage.PartOptions{})
		wantErr(t, fmt.Sprintf("UploadPart(part %d)", n), err, storage.ErrInvalidArgument)
	}
	if err := f.mp.AbortMultipartUpload(f.ctx, f.bucket, "k", id); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	wantErr(t, "Abort twice", f.mp.AbortMultipartUpload(f.ctx, f.bucket, "k", id), storage.ErrNoSuchUpload)
	_, err = f.mp.ListParts(f.ctx, f.bucket, "k", id, storage.ListPartsOptions{})
	wantErr(t, "ListParts after abort", err, storage.ErrNoSuchUpload)
	_, err = f.mp.UploadPart(f.ctx, f.bucket, "k", id, 2, strings.NewReader("x"), storage.PartOptions{})
	wantErr(t, "UploadPart after abort", err, storage.ErrNoSuchUpload)
	_, err = f.mp.CompleteMultipartUpload(f.ctx, f.bucket, "k", id, []storage.CompletePart{cp(1, etagOf([]byte("x")))}, storage.CompleteOptions{})
	wantErr(t, "Complete after abort", err, storage.ErrNoSuchUpload)
	if res, _ := f.mp.ListMultipartUploads(f.ctx, f.bucket, storage.ListUploadsOptions{}); len(res.Uploads) != 0 {
		t.Fatalf("ListMultipartUploads after abort = %+v", res.Uploads)
	}
	_, err = f.mp.CreateMultipartUpload(f.ctx, "no-bucket", "k", storage.ObjectMeta{})
	wantErr(t, "Create in missing bucket", err, storage.ErrNoSuchBucket)
}

func testMPPartFailures(t *testing.T, f *mpFixture) {
	id := f.create("k")
	good := payload(41, 2000)
	f.part("k", id, 1, good)
	_, err := f.mp.UploadPart(f.ctx, f.bucket, "k", id, 1, bytes.NewReader(payload(42, 2000)), storage.PartOptions{ContentMD5: md5sum([]byte("x"))})
	wantErr(t, "UploadPart with wrong Content-MD5", err, storage.ErrBadDigest)
	boom := errors.New("reset")
	_, err = f.mp.UploadPart(f.ctx, f.bucket, "k", id, 1, &failingReader{data: payload(43, 300<<10), err: boom}, storage.PartOptions{})
	wantErr(t, "UploadPart with failing body", err, boom)
	_, err = f.mp.UploadPart(f.ctx, f.bucket, "k", id, 1, &failingReader{data: payload(43, 10), err: io.ErrUnexpectedEOF}, storage.PartOptions{})
	wantErr(t, "UploadPart with a body that ended early", err, io.ErrUnexpectedEOF)
	ctx, cancel := context.WithCancel(f.ctx)
	_, err = f.mp.UploadPart(ctx, f.bucket, "k", id, 1, &cancellingReader{data: payload(44, 300<<10), cancel: cancel}, storage.PartOptions{})
	wantErr(t, "UploadPart cancelled", err, context.Canceled)
	veto := errors.New("bad trailer")
	_, err = f.mp.UploadPart(f.ctx, f.bucket, "k", id, 2, strings.NewReader("zz"), storage.PartOptions{BeforeCommit: func(map[string]string) error { return veto }})
	wantErr(t, "UploadPart with failing BeforeCommit", err, veto)
	res, err := f.mp.ListParts(f.ctx, f.bucket, "k", id, storage.ListPartsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Parts) != 1 || res.Parts[0].ETag != etagOf(good) {
		t.Fatalf("ListParts after failed part uploads = %+v; want only the good part 1", res.Parts)
	}
	p, err := f.mp.UploadPart(f.ctx, f.bucket, "k", id, 3, strings.NewReader("cc"), storage.PartOptions{
		ContentMD5:   md5sum([]byte("cc")),
		BeforeCommit: func(m map[string]string) error { m["CRC32"] = "crc-of-cc"; return nil },
	})
	if err != nil || p.Checksums["CRC32"] != "crc-of-cc" {
		t.Fatalf("UploadPart with checksum = %+v, %v", p, err)
	}
	res, _ = f.mp.ListParts(f.ctx, f.bucket, "k", id, storage.ListPartsOptions{})
	if len(res.Parts) != 2 || res.Parts[1].Checksums["CRC32"] != "crc-of-cc" {
		t.Fatalf("ListParts does not return the part checksum: %+v", res.Parts)
	}
}

func testMPListParts(t *testing.T, f *mpFixture) {
	id := f.create("k")
	for _, n := range []int{5, 1, 3, 10, 2} {
		f.part("k", id, n, []byte(strings.Repeat("p", n)))
	}
	var got []int
	opts := storage.ListPartsOptions{MaxParts: 2}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("ListParts paging does not end")
		}
		res, err := f.mp.ListParts(f.ctx, f.bucket, "k", id, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Upload.UploadID != id || res.Upload.Key != "k" || res.Upload.Meta.ContentType != "video/mp4" {
			t.Fatalf("ListParts upload = %+v", res.Upload)
		}
		for _, p := range res.Parts {
			got = append(got, p.PartNumber)
			if p.Size != int64(p.PartNumber) || p.ETag != etagOf([]byte(strings.Repeat("p", p.PartNumber))) || p.LastModified.IsZero() {
				t.Fatalf("part %+v", p)
			}
		}
		if !res.IsTruncated {
			break
		}
		opts.PartNumberMarker = res.NextPartNumberMarker
	}
	if want := []int{1, 2, 3, 5, 10}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ListParts pages = %v, want %v", got, want)
	}
	res, _ := f.mp.ListParts(f.ctx, f.bucket, "k", id, storage.ListPartsOptions{PartNumberMarker: 3})
	if len(res.Parts) != 2 || res.Parts[0].PartNumber != 5 || res.IsTruncated {
		t.Fatalf("ListParts(marker 3) = %+v", res.Parts)
	}
}

func testMPListUploads(t *testing.T, f *mpFixture) {
	type up struct{ key, id string }
	var want []up
	for _, k := range []string{"b", "a/1", "a", "b", "c/x/y", "a/2", "b"} {
		want = append(want, up{k, f.create(k)})
	}
	// Expected order: by key, then initiation (creation order here).
	order := []int{2, 1, 5, 0, 3, 6, 4}
	var exp []up
	for _, i := range order {
		exp = append(exp, want[i])
	}
	var got []up
	opts := storage.ListUploadsOptions{MaxUploads: 2}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("ListMultipartUploads paging does not end")
		}
		res, err := f.mp.ListMultipartUploads(f.ctx, f.bucket, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range res.Uploads {
			got = append(got, up{u.Key, u.UploadID})
		}
		if !res.IsTruncated {
			break
		}
		opts.KeyMarker, opts.UploadIDMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
	if !reflect.DeepEqual(got, exp) {
		t.Fatalf("ListMultipartUploads pages = %v, want %v", got, exp)
	}
	res, err := f.mp.ListMultipartUploads(f.ctx, f.bucket, storage.ListUploadsOptions{Delimiter: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.CommonPrefixes, []string{"a/", "c/"}) || len(res.Uploads) != 4 {
		t.Fatalf("ListMultipartUploads(delimiter /) = uploads %+v prefixes %v; want a, b×3 and a/, c/", res.Uploads, res.CommonPrefixes)
	}
	res, _ = f.mp.ListMultipartUploads(f.ctx, f.bucket, storage.ListUploadsOptions{Prefix: "a/"})
	if len(res.Uploads) != 2 || res.Uploads[0].Key != "a/1" || res.Uploads[1].Key != "a/2" {
		t.Fatalf("ListMultipartUploads(prefix a/) = %+v", res.Uploads)
	}
	res, _ = f.mp.ListMultipartUploads(f.ctx, f.bucket, storage.ListUploadsOptions{KeyMarker: "a/2"})
	if len(res.Uploads) != 4 || res.Uploads[0].Key != "b" {
		t.Fatalf("ListMultipartUploads(key-marker a/2) = %+v; want b×3 and c/x/y", res.Uploads)
	}
}

// testMPDeleteBucketDiscardsUploads checks that a bucket holding only
// unfinished uploads can be deleted, as on S3 (aws s3 rb --force after an
// interrupted upload), and that the uploads do not come back with a
// bucket of the same name.
func testMPDeleteBucketDiscardsUploads(t *testing.T, f *mpFixture) {
	id := f.create("pending")
	f.part("pending", id, 1, bytes.Repeat([]byte("p"), 1000))
	other := f.create("dir/other")
	if _, err := f.b.PutObject(f.ctx, f.bucket, "obj", bytes.NewReader([]byte("x")), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteBucket holding an object", f.b.DeleteBucket(f.ctx, f.bucket), storage.ErrBucketNotEmpty)
	if err := f.b.DeleteObject(f.ctx, f.bucket, "obj"); err != nil {
		t.Fatal(err)
	}
	if err := f.b.DeleteBucket(f.ctx, f.bucket); err != nil {
		t.Fatalf("DeleteBucket with only unfinished uploads: %v", err)
	}
	if _, err := f.b.HeadBucket(f.ctx, f.bucket); !errors.Is(err, storage.ErrNoSuchBucket) {
		t.Fatalf("HeadBucket after DeleteBucket: %v", err)
	}
	if err := f.b.CreateBucket(f.ctx, f.bucket, storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := f.mp.ListMultipartUploads(f.ctx, f.bucket, storage.ListUploadsOptions{})
	if err != nil || len(res.Uploads) != 0 {
		t.Fatalf("ListMultipartUploads in the re-created bucket = %+v, %v; want none", res.Uploads, err)
	}
	_, err = f.mp.ListParts(f.ctx, f.bucket, "pending", id, storage.ListPartsOptions{})
	wantErr(t, "ListParts of a discarded upload", err, storage.ErrNoSuchUpload)
	_, err = f.mp.CompleteMultipartUpload(f.ctx, f.bucket, "dir/other", other, []storage.CompletePart{cp(1, `"x"`)}, storage.CompleteOptions{})
	wantErr(t, "Complete of a discarded upload", err, storage.ErrNoSuchUpload)
}

func testCopier(t *testing.T, nb func(t *testing.T) storage.Backend) {
	f := newFixture(t, nb)
	copier, ok := f.b.(storage.Copier)
	if !ok {
		t.Skip("backend does not implement storage.Copier")
	}
	if err := f.b.CreateBucket(f.ctx, "dst", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{10, 200 << 10} {
		data := payload(int64(50+n), n)
		meta := storage.ObjectMeta{ContentType: "x/src", UserMeta: map[string]string{"k": "v"}, Tags: map[string]string{"t": "1"}}
		if _, err := f.b.PutObject(f.ctx, f.bucket, "src", bytes.NewReader(data), storage.PutOptions{Meta: meta}); err != nil {
			t.Fatal(err)
		}
		info, err := copier.CopyObject(f.ctx, f.bucket, "src", "dst", "kept", nil)
		if err != nil || info.ETag != etagOf(data) || info.Size != int64(n) || info.Meta.ContentType != "x/src" || info.Meta.UserMeta["k"] != "v" || info.Meta.Tags["t"] != "1" {
			t.Fatalf("CopyObject(COPY) = %+v, %v", info, err)
		}
		repl := storage.ObjectMeta{ContentType: "x/new"}
		if _, err := copier.CopyObject(f.ctx, f.bucket, "src", "dst", "replaced", &repl); err != nil {
			t.Fatal(err)
		}
		f.put("src", []byte("overwritten source"))
		for _, k := range []string{"kept", "replaced"} {
			o, err := f.b.GetObject(f.ctx, "dst", k)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(o.Content)
			o.Content.Close()
			if !bytes.Equal(got, data) {
				t.Fatalf("copy %s: %d bytes, want the source's %d bytes as they were when copied", k, len(got), n)
			}
			if k == "replaced" && (o.Info.Meta.ContentType != "x/new" || len(o.Info.Meta.UserMeta) != 0) {
				t.Fatalf("copy with REPLACE meta = %+v", o.Info.Meta)
			}
		}
	}
	_, err := copier.CopyObject(f.ctx, f.bucket, "missing", "dst", "x", nil)
	wantErr(t, "CopyObject(missing source)", err, storage.ErrNoSuchKey)
	_, err = copier.CopyObject(f.ctx, f.bucket, "src", "no-bucket", "x", nil)
	wantErr(t, "CopyObject(missing destination bucket)", err, storage.ErrNoSuchBucket)
	if _, err := copier.CopyObject(f.ctx, f.bucket, "src", f.bucket, "src", &storage.ObjectMeta{ContentType: "self"}); err != nil {
		t.Fatalf("CopyObject onto itself with new meta: %v", err)
	}
	info, data := f.get("src")
	if string(data) != "overwritten source" || info.Meta.ContentType != "self" {
		t.Fatalf("self-copy: %q %+v", data, info.Meta)
	}
}

// testMPChecksums checks CompleteOptions.BeforeCommit: it sees the upload's
// meta and the listed parts with their checksums, what it sets is stored,
// the part checksums of the object's one algorithm are kept in order, and
// its error aborts the completion.
func testMPChecksums(t *testing.T, f *mpFixture) {
	u, err := f.mp.CreateMultipartUpload(f.ctx, f.bucket, "sums", storage.ObjectMeta{
		ContentType: "a/b", Checksums: map[string]string{"CRC32": ""}, ChecksumType: "COMPOSITE"})
	if err != nil {
		t.Fatal(err)
	}
	p1, p2 := payload(31, storage.MinPartSize), payload(32, 10)
	upload := func(n int, data []byte, sum string) {
		t.Helper()
		_, err := f.mp.UploadPart(f.ctx, f.bucket, "sums", u.UploadID, n, bytes.NewReader(data), storage.PartOptions{
			BeforeCommit: func(sums map[string]string) error { sums["CRC32"] = sum; return nil }})
		if err != nil {
			t.Fatalf("UploadPart(%d): %v", n, err)
		}
	}
	upload(1, p1, "AAAAAQ==")
	upload(2, p2, "AAAAAg==")
	parts := []storage.CompletePart{cp(1, etagOf(p1)), cp(2, etagOf(p2))}

	errHook := errors.New("hook refused")
	_, err = f.mp.CompleteMultipartUpload(f.ctx, f.bucket, "sums", u.UploadID, parts, storage.CompleteOptions{
		BeforeCommit: func(*storage.ObjectMeta, []storage.PartInfo) error { return errHook }})
	wantErr(t, "Complete with a failing BeforeCommit", err, errHook)
	if _, _, err := f.tryGet("sums"); !errors.Is(err, storage.ErrNoSuchKey) {
		t.Fatalf("object after a refused Complete: %v, want ErrNoSuchKey", err)
	}

	var seen []storage.PartInfo
	var seenMeta storage.ObjectMeta
	info, err := f.mp.CompleteMultipartUpload(f.ctx, f.bucket, "sums", u.UploadID, parts, storage.CompleteOptions{
		BeforeCommit: func(m *storage.ObjectMeta, ps []storage.PartInfo) error {
			seen, seenMeta = ps, *m
			m.Checksums = map[string]string{"CRC32": "AAAAAw==-2"}
			return nil
		}})
	if err != nil {
		t.Fatalf("Complete after a refused one: %v", err)
	}
	if len(seen) != 2 || seen[0].PartNumber != 1 || seen[1].Size != int64(len(p2)) || seen[1].Checksums["CRC32"] != "AAAAAg==" {
		t.Fatalf("BeforeCommit saw parts %+v", seen)
	}
	if seenMeta.ContentType != "a/b" || seenMeta.ChecksumType != "COMPOSITE" {
		t.Fatalf("BeforeCommit saw meta %+v, want the upload's", seenMeta)
	}
	head, err := f.b.HeadObject(f.ctx, f.bucket, "sums")
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []storage.ObjectInfo{info, head} {
		if got.Meta.Checksums["CRC32"] != "AAAAAw==-2" || got.Meta.ChecksumType != "COMPOSITE" ||
			!reflect.DeepEqual(got.PartChecksums, []string{"AAAAAQ==", "AAAAAg=="}) {
			t.Fatalf("completed object: checksums %v type %q parts %v", got.Meta.Checksums, got.Meta.ChecksumType, got.PartChecksums)
		}
	}

	// Without part checksums, an algorithm declared at create gives no
	// checksum at all.
	u2, err := f.mp.CreateMultipartUpload(f.ctx, f.bucket, "nosums", storage.ObjectMeta{
		Checksums: map[string]string{"SHA256": ""}, ChecksumType: "COMPOSITE"})
	if err != nil {
		t.Fatal(err)
	}
	f.part("nosums", u2.UploadID, 1, p2)
	info, err = f.mp.CompleteMultipartUpload(f.ctx, f.bucket, "nosums", u2.UploadID, []storage.CompletePart{cp(1, etagOf(p2))}, storage.CompleteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Meta.Checksums) != 0 || info.Meta.ChecksumType != "" || info.PartChecksums != nil {
		t.Fatalf("object from parts without checksums: checksums %v type %q parts %v", info.Meta.Checksums, info.Meta.ChecksumType, info.PartChecksums)
	}
}
