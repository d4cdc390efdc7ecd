package storagetest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"sync"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

// vFixture is a fixture whose backend keeps versions.
type vFixture struct {
	*fixture
	v storage.Versioner
}

func testVersioner(t *testing.T, nb func(t *testing.T) storage.Backend) {
	cases := []struct {
		name string
		run  func(t *testing.T, f *vFixture)
	}{
		{"States", testVerStates},
		{"NullBeforeEnabling", testVerNullBeforeEnabling},
		{"DeleteMarkers", testVerDeleteMarkers},
		{"Suspended", testVerSuspended},
		{"ListPaging", testVerListPaging},
		{"ListSkipsNoncurrent", testVerListObjects},
		{"DeleteBucketNotEmpty", testVerDeleteBucket},
		{"CopyAndTagVersion", testVerCopyAndTag},
		{"Multipart", testVerMultipart},
		{"ConcurrentWrites", testVerConcurrent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, nb)
			v, ok := f.b.(storage.Versioner)
			if !ok {
				t.Skip("backend does not implement storage.Versioner")
			}
			c.run(t, &vFixture{fixture: f, v: v})
		})
	}
}

func (f *vFixture) setState(st storage.VersioningState) {
	f.t.Helper()
	if err := f.v.PutBucketVersioning(f.ctx, f.bucket, st); err != nil {
		f.t.Fatalf("PutBucketVersioning(%q): %v", st, err)
	}
}

// getVersion reads one version completely.
func (f *vFixture) getVersion(key, id string) (storage.ObjectInfo, []byte, error) {
	o, err := f.v.GetObjectVersion(f.ctx, f.bucket, key, id)
	if err != nil {
		return storage.ObjectInfo{}, nil, err
	}
	defer o.Content.Close()
	data, err := io.ReadAll(o.Content)
	return o.Info, data, err
}

func (f *vFixture) wantVersion(key, id string, data []byte) {
	f.t.Helper()
	info, got, err := f.getVersion(key, id)
	if err != nil {
		f.t.Fatalf("GetObjectVersion(%q, %q): %v", key, id, err)
	}
	if !bytes.Equal(got, data) || (id != "" && info.VersionID != id) {
		f.t.Fatalf("GetObjectVersion(%q, %q) = %q (version %q), want %.16q", key, id, got, info.VersionID, data)
	}
}

// versions lists every version of the bucket in one call, as "key@id"
// with "*" for the latest and "(dm)" for delete markers.
func (f *vFixture) versions() []string {
	f.t.Helper()
	res, err := f.v.ListObjectVersions(f.ctx, f.bucket, storage.ListVersionsOptions{})
	if err != nil {
		f.t.Fatalf("ListObjectVersions: %v", err)
	}
	return describeVersions(res.Versions)
}

func describeVersions(vs []storage.VersionInfo) []string {
	out := []string{}
	for _, v := range vs {
		s := v.Key + "@" + v.VersionID
		if v.DeleteMarker {
			s += "(dm)"
		}
		if v.IsLatest {
			s += "*"
		}
		out = append(out, s)
	}
	return out
}

func (f *vFixture) wantVersions(want ...string) {
	f.t.Helper()
	if got := f.versions(); !reflect.DeepEqual(got, append([]string{}, want...)) {
		f.t.Fatalf("versions:\n got %q\nwant %q", got, want)
	}
}

// wantMarkerErr checks err is a *DeleteMarkerError for version id wrapping target.
func wantMarkerErr(t *testing.T, what string, err error, id string, target error) {
	t.Helper()
	var dm *storage.DeleteMarkerError
	if !errors.As(err, &dm) || dm.VersionID != id || !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want a *DeleteMarkerError for version %q wrapping %q", what, err, id, target)
	}
}

func testVerStates(t *testing.T, f *vFixture) {
	st, err := f.v.GetBucketVersioning(f.ctx, f.bucket)
	if err != nil || st != storage.Unversioned {
		t.Fatalf("new bucket: state %q, %v; want unversioned", st, err)
	}
	info := f.put("k", []byte("x"))
	if info.VersionID != "" {
		t.Fatalf("PUT in an unversioned bucket: version ID %q, want none", info.VersionID)
	}
	for _, s := range []storage.VersioningState{storage.Enabled, storage.Suspended, storage.Enabled} {
		f.setState(s)
		if got, _ := f.v.GetBucketVersioning(f.ctx, f.bucket); got != s {
			t.Fatalf("state %q after setting %q", got, s)
		}
	}
	wantErr(t, "back to unversioned", f.v.PutBucketVersioning(f.ctx, f.bucket, storage.Unversioned), storage.ErrInvalidArgument)
	wantErr(t, "bogus state", f.v.PutBucketVersioning(f.ctx, f.bucket, "On"), storage.ErrInvalidArgument)
	wantErr(t, "missing bucket", f.v.PutBucketVersioning(f.ctx, "missing", storage.Enabled), storage.ErrNoSuchBucket)
	_, err = f.v.GetBucketVersioning(f.ctx, "missing")
	wantErr(t, "missing bucket", err, storage.ErrNoSuchBucket)
	if got, _ := f.v.GetBucketVersioning(f.ctx, f.bucket); got != storage.Enabled {
		t.Fatalf("state %q after refused changes, want Enabled", got)
	}
}

func testVerNullBeforeEnabling(t *testing.T, f *vFixture) {
	old := payload(1, 300<<10)
	f.put("k", old)
	f.setState(storage.Enabled)
	if h, err := f.b.HeadObject(f.ctx, f.bucket, "k"); err != nil || h.VersionID != storage.NullVersionID {
		t.Fatalf("HEAD of an object from before versioning: %+v, %v; want version null", h, err)
	}
	v1 := f.put("k", []byte("new"))
	if v1.VersionID == "" || v1.VersionID == storage.NullVersionID || url.PathEscape(v1.VersionID) != v1.VersionID {
		t.Fatalf("PUT in a versioned bucket: version ID %q, want a fresh URL-safe one", v1.VersionID)
	}
	f.wantContent("k", []byte("new"))
	f.wantVersion("k", storage.NullVersionID, old)
	f.wantVersion("k", v1.VersionID, []byte("new"))
	f.wantVersions("k@"+v1.VersionID+"*", "k@null")
	_, _, err := f.getVersion("k", "0123456789abcdef01234567")
	wantErr(t, "GET of a version the key does not have", err, storage.ErrNoSuchVersion)
	_, _, err = f.getVersion("k", "no/such id")
	wantErr(t, "GET of a malformed version ID", err, storage.ErrInvalidArgument)
}

func testVerDeleteMarkers(t *testing.T, f *vFixture) {
	f.setState(storage.Enabled)
	big := payload(2, 300<<10)
	v1 := f.put("k", big)
	v2 := f.put("k", []byte("two"))
	if v1.VersionID == v2.VersionID {
		t.Fatalf("two PUTs got the same version ID %q", v1.VersionID)
	}
	if err := f.b.DeleteObject(f.ctx, f.bucket, "k"); err != nil {
		t.Fatal(err)
	}
	dm, err := f.v.DeleteObjectVersion(f.ctx, f.bucket, "k", "")
	if err != nil || !dm.DeleteMarker || dm.VersionID == "" || dm.VersionID == storage.NullVersionID {
		t.Fatalf("DELETE without version ID: %+v, %v; want a new delete marker", dm, err)
	}
	list := f.versions()
	if len(list) != 4 || list[0] != "k@"+dm.VersionID+"(dm)*" || list[2] != "k@"+v2.VersionID || list[3] != "k@"+v1.VersionID {
		t.Fatalf("versions after two deletes: %q", list)
	}
	_, _, err = f.tryGet("k")
	wantMarkerErr(t, "GET with a delete marker latest", err, dm.VersionID, storage.ErrNoSuchKey)
	_, err = f.b.HeadObject(f.ctx, f.bucket, "k")
	wantMarkerErr(t, "HEAD with a delete marker latest", err, dm.VersionID, storage.ErrNoSuchKey)
	_, _, err = f.getVersion("k", dm.VersionID)
	wantMarkerErr(t, "GET of a delete marker by ID", err, dm.VersionID, storage.ErrMethodNotAllowed)
	f.wantVersion("k", v1.VersionID, big)
	if res, _ := f.b.ListObjects(f.ctx, f.bucket, storage.ListOptions{}); len(res.Objects) != 0 {
		t.Fatalf("ListObjects shows %q behind a delete marker", keysOf(res.Objects))
	}
	// Removing the markers by ID brings v2 back.
	all, err := f.v.ListObjectVersions(f.ctx, f.bucket, storage.ListVersionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{all.Versions[0].VersionID, all.Versions[1].VersionID} {
		res, err := f.v.DeleteObjectVersion(f.ctx, f.bucket, "k", id)
		if err != nil || !res.DeleteMarker || res.VersionID != id {
			t.Fatalf("DELETE of marker %s: %+v, %v", id, res, err)
		}
	}
	f.wantContent("k", []byte("two"))
	// Removing the current version for good makes the previous one current.
	if _, err := f.v.DeleteObjectVersion(f.ctx, f.bucket, "k", v2.VersionID); err != nil {
		t.Fatal(err)
	}
	f.wantContent("k", big)
	f.wantVersions("k@" + v1.VersionID + "*")
	if res, err := f.v.DeleteObjectVersion(f.ctx, f.bucket, "k", v2.VersionID); err != nil || res.DeleteMarker {
		t.Fatalf("DELETE of a version already gone: %+v, %v; want success", res, err)
	}
	if _, err := f.v.DeleteObjectVersion(f.ctx, f.bucket, "k", v1.VersionID); err != nil {
		t.Fatal(err)
	}
	f.wantVersions()
	_, _, err = f.tryGet("k")
	wantErr(t, "GET after every version is gone", err, storage.ErrNoSuchKey)
}

func testVerSuspended(t *testing.T, f *vFixture) {
	f.setState(storage.Enabled)
	v1 := f.put("k", []byte("v1"))
	f.setState(storage.Suspended)
	n1 := f.put("k", []byte("null-1"))
	if n1.VersionID != storage.NullVersionID {
		t.Fatalf("PUT in a suspended bucket: version %q, want null", n1.VersionID)
	}
	f.put("k", payload(3, 300<<10))
	f.wantVersions("k@null*", "k@"+v1.VersionID)
	f.wantVersion("k", storage.NullVersionID, payload(3, 300<<10))
	res, err := f.v.DeleteObjectVersion(f.ctx, f.bucket, "k", "")
	if err != nil || res != (storage.DeleteResult{VersionID: storage.NullVersionID, DeleteMarker: true}) {
		t.Fatalf("DELETE in a suspended bucket: %+v, %v; want a null delete marker", res, err)
	}
	f.wantVersions("k@null(dm)*", "k@"+v1.VersionID)
	_, _, err = f.tryGet("k")
	wantMarkerErr(t, "GET behind a null marker", err, storage.NullVersionID, storage.ErrNoSuchKey)
	// Enabled again: a new version stacks on top of the null marker; a
	// later suspended PUT replaces the marker, deep in the history.
	f.setState(storage.Enabled)
	v2 := f.put("k", []byte("v2"))
	f.setState(storage.Suspended)
	f.put("k", []byte("null-2"))
	f.wantVersions("k@null*", "k@"+v2.VersionID, "k@"+v1.VersionID)
	// A null version written while enabled-then-suspended is replaced even
	// when it is not the latest.
	f.setState(storage.Enabled)
	v3 := f.put("k", []byte("v3"))
	f.setState(storage.Suspended)
	if _, err := f.v.DeleteObjectVersion(f.ctx, f.bucket, "k", storage.NullVersionID); err != nil {
		t.Fatal(err)
	}
	f.wantVersions("k@"+v3.VersionID+"*", "k@"+v2.VersionID, "k@"+v1.VersionID)
	f.wantContent("k", []byte("v3"))
}

func testVerListPaging(t *testing.T, f *vFixture) {
	f.put("a/1", []byte("null")) // a null version from before versioning
	f.setState(storage.Enabled)
	keys := []string{"a/1", "a/2", "b", "c/x/1", "d"}
	for round := 0; round < 3; round++ {
		for _, k := range keys {
			f.put(k, []byte(fmt.Sprint(k, round)))
		}
	}
	if err := f.b.DeleteObject(f.ctx, f.bucket, "b"); err != nil {
		t.Fatal(err)
	}
	all, err := f.v.ListObjectVersions(f.ctx, f.bucket, storage.ListVersionsOptions{})
	if err != nil || all.IsTruncated || len(all.Versions) != 17 {
		t.Fatalf("full listing: %d versions, truncated %v, %v; want 17", len(all.Versions), all.IsTruncated, err)
	}
	for i, v := range all.Versions {
		first := i == 0 || all.Versions[i-1].Key != v.Key
		if v.IsLatest != first {
			t.Fatalf("version %d (%s@%s): IsLatest %v", i, v.Key, v.VersionID, v.IsLatest)
		}
		if !first && v.VersionID != storage.NullVersionID && all.Versions[i-1].VersionID != storage.NullVersionID &&
			!all.Versions[i-1].LastModified.After(v.LastModified) && !all.Versions[i-1].LastModified.Equal(v.LastModified) {
			t.Fatalf("versions of %s not newest first", v.Key)
		}
	}
	for _, tc := range []struct {
		opts storage.ListVersionsOptions
		want int // pages
	}{
		{storage.ListVersionsOptions{MaxKeys: 1}, 17},
		{storage.ListVersionsOptions{MaxKeys: 2}, 9},
		{storage.ListVersionsOptions{MaxKeys: 4}, 5},
		{storage.ListVersionsOptions{MaxKeys: 2, Delimiter: "/"}, 5},
		{storage.ListVersionsOptions{MaxKeys: 3, Prefix: "a/"}, 3},
	} {
		var got []string
		var cps []string
		opts := tc.opts
		pages := 0
		for {
			res, err := f.v.ListObjectVersions(f.ctx, f.bucket, opts)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			got = append(got, describeVersions(res.Versions)...)
			cps = append(cps, res.CommonPrefixes...)
			if n := len(res.Versions) + len(res.CommonPrefixes); n > max(opts.MaxKeys, 1) {
				t.Fatalf("%+v: page of %d", opts, n)
			}
			if !res.IsTruncated {
				break
			}
			if pages > 40 {
				t.Fatalf("%+v: paging does not end", tc.opts)
			}
			opts.KeyMarker, opts.VersionIDMarker = res.NextKeyMarker, res.NextVersionIDMarker
		}
		var want []string
		for _, s := range describeVersions(all.Versions) {
			if len(s) >= len(tc.opts.Prefix) && s[:len(tc.opts.Prefix)] == tc.opts.Prefix &&
				(tc.opts.Delimiter == "" || !bytes.Contains([]byte(s[len(tc.opts.Prefix):]), []byte("/"))) {
				want = append(want, s)
			}
		}
		if !reflect.DeepEqual(got, want) || pages != tc.want {
			t.Fatalf("%+v in %d pages:\n got %q\nwant %q in %d pages", tc.opts, pages, got, want, tc.want)
		}
		if tc.opts.Delimiter != "" && !reflect.DeepEqual(cps, []string{"a/", "c/"}) {
			t.Fatalf("%+v: common prefixes %q", tc.opts, cps)
		}
	}
}

// testVerListObjects checks ListObjects sees only current objects.
func testVerListObjects(t *testing.T, f *vFixture) {
	f.setState(storage.Enabled)
	for i := 0; i < 3; i++ {
		for _, k := range []string{"a", "b", "c"} {
			f.put(k, []byte(k))
		}
	}
	if err := f.b.DeleteObject(f.ctx, f.bucket, "b"); err != nil {
		t.Fatal(err)
	}
	res, err := f.b.ListObjects(f.ctx, f.bucket, storage.ListOptions{MaxKeys: 1})
	if err != nil || !reflect.DeepEqual(keysOf(res.Objects), []string{"a"}) || !res.IsTruncated {
		t.Fatalf("first page %q, truncated %v, %v", keysOf(res.Objects), res.IsTruncated, err)
	}
	res, err = f.b.ListObjects(f.ctx, f.bucket, storage.ListOptions{After: "a"})
	if err != nil || !reflect.DeepEqual(keysOf(res.Objects), []string{"c"}) || res.IsTruncated {
		t.Fatalf("second page %q, truncated %v, %v", keysOf(res.Objects), res.IsTruncated, err)
	}
	if res.Objects[0].VersionID == "" || res.Objects[0].VersionID == storage.NullVersionID {
		t.Fatalf("listed object has version %q", res.Objects[0].VersionID)
	}
}

func testVerDeleteBucket(t *testing.T, f *vFixture) {
	f.setState(storage.Enabled)
	f.put("k", []byte("x"))
	if err := f.b.DeleteObject(f.ctx, f.bucket, "k"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteBucket holding a version and a marker", f.b.DeleteBucket(f.ctx, f.bucket), storage.ErrBucketNotEmpty)
	res, _ := f.v.ListObjectVersions(f.ctx, f.bucket, storage.ListVersionsOptions{})
	for _, v := range res.Versions {
		if _, err := f.v.DeleteObjectVersion(f.ctx, f.bucket, v.Key, v.VersionID); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.b.DeleteBucket(f.ctx, f.bucket); err != nil {
		t.Fatalf("DeleteBucket after removing every version: %v", err)
	}
	if err := f.b.CreateBucket(f.ctx, f.bucket, storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.v.GetBucketVersioning(f.ctx, f.bucket); st != storage.Unversioned {
		t.Fatalf("re-created bucket has versioning %q", st)
	}
}

func testVerCopyAndTag(t *testing.T, f *vFixture) {
	f.setState(storage.Enabled)
	big := payload(4, 300<<10)
	v1 := f.put("src", big)
	f.put("src", []byte("latest"))
	cp, err := f.v.CopyObjectVersion(f.ctx, f.bucket, "src", v1.VersionID, f.bucket, "dst", nil)
	if err != nil {
		t.Fatalf("CopyObjectVersion: %v", err)
	}
	if cp.VersionID == "" || cp.VersionID == v1.VersionID {
		t.Fatalf("copy got version %q", cp.VersionID)
	}
	f.wantContent("dst", big)
	if _, err := f.v.DeleteObjectVersion(f.ctx, f.bucket, "src", ""); err != nil {
		t.Fatal(err)
	}
	_, err = f.v.CopyObjectVersion(f.ctx, f.bucket, "src", "", f.bucket, "dst2", nil)
	wantErr(t, "copy of a key behind a delete marker", err, storage.ErrNoSuchKey)
	info, err := f.v.PutObjectTaggingVersion(f.ctx, f.bucket, "src", v1.VersionID, map[string]string{"t": "1"})
	if err != nil || info.VersionID != v1.VersionID || info.Meta.Tags["t"] != "1" {
		t.Fatalf("PutObjectTaggingVersion: %+v, %v", info, err)
	}
	got, data, err := f.getVersion("src", v1.VersionID)
	if err != nil || got.Meta.Tags["t"] != "1" || !bytes.Equal(data, big) || got.ETag != v1.ETag {
		t.Fatalf("version after tagging: %+v, %v", got, err)
	}
	_, err = f.v.PutObjectTaggingVersion(f.ctx, f.bucket, "src", "", map[string]string{"t": "2"})
	wantErr(t, "tagging the latest when it is a delete marker", err, storage.ErrNoSuchKey)
}

func testVerMultipart(t *testing.T, f *vFixture) {
	mp, ok := f.b.(storage.Multipart)
	if !ok {
		t.Skip("backend does not implement storage.Multipart")
	}
	f.setState(storage.Enabled)
	v1 := f.put("k", []byte("single"))
	up, err := mp.CreateMultipartUpload(f.ctx, f.bucket, "k", storage.ObjectMeta{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := mp.UploadPart(f.ctx, f.bucket, "k", up.UploadID, 1, bytes.NewReader([]byte("multi")), storage.PartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	info, err := mp.CompleteMultipartUpload(f.ctx, f.bucket, "k", up.UploadID, []storage.CompletePart{{PartNumber: 1, ETag: p.ETag}}, storage.CompleteOptions{})
	if err != nil || info.VersionID == "" || info.VersionID == v1.VersionID {
		t.Fatalf("Complete in a versioned bucket: %+v, %v; want a new version", info, err)
	}
	f.wantVersions("k@"+info.VersionID+"*", "k@"+v1.VersionID)
	f.wantVersion("k", v1.VersionID, []byte("single"))
	f.wantContent("k", []byte("multi"))
}

// testVerConcurrent writes and deletes one key from several goroutines at
// once: every write and delete keeps its own version or marker, with an
// ID no other has, and the newest is the only latest.
func testVerConcurrent(t *testing.T, f *vFixture) {
	f.setState(storage.Enabled)
	const workers, each = 8, 10
	var wg sync.WaitGroup
	ids := make(chan string, workers*each)
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if i%5 == 4 {
					res, err := f.v.DeleteObjectVersion(f.ctx, f.bucket, "k", "")
					errs <- err
					ids <- res.VersionID
					continue
				}
				info, err := f.b.PutObject(f.ctx, f.bucket, "k", bytes.NewReader([]byte(fmt.Sprint(w, i))), storage.PutOptions{})
				errs <- err
				ids <- info.VersionID
			}
		}(w)
	}
	wg.Wait()
	close(ids)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]bool{}
	for id := range ids {
		want[id] = true
	}
	res, err := f.v.ListObjectVersions(f.ctx, f.bucket, storage.ListVersionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	latest := 0
	for _, v := range res.Versions {
		got[v.VersionID] = true
		if v.IsLatest {
			latest++
		}
	}
	if len(want) != workers*each || !reflect.DeepEqual(got, want) || len(res.Versions) != workers*each || latest != 1 || !res.Versions[0].IsLatest {
		t.Fatalf("%d writes and deletes with %d distinct IDs; listed %d versions (%d distinct), %d latest", workers*each, len(want), len(res.Versions), len(got), latest)
	}
}
