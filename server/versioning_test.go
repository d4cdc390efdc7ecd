package server_test

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/mem"
)

// versionedEnv is a test server whose bucket "bkt" has versioning
// enabled; it skips backends without versioning.
func versionedEnv(t *testing.T, bk backend) *env {
	t.Helper()
	e := bk.env(t)
	if _, ok := e.srv.Backend.(storage.Versioner); !ok {
		t.Skip("backend without versioning")
	}
	e.mkBucket("bkt")
	e.setVersioning("bkt", "Enabled")
	return e
}

func (e *env) setVersioning(bucket, status string) {
	e.t.Helper()
	b, err := s3xml.Marshal(s3xml.VersioningConfiguration{Status: status})
	if err != nil {
		e.t.Fatal(err)
	}
	e.must(200, "PUT", "/"+bucket+"?versioning", b, nil)
}

// wantHeaders checks response headers ("" means absent).
func wantHeaders(t *testing.T, what string, r result, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}

// TestPutBucketVersioning checks the configuration round trip and what
// S3 refuses: an unknown status, MFA Delete, a missing body.
func TestPutBucketVersioning(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := versionedEnv(t, bk)
		var v s3xml.VersioningConfiguration
		e.must(200, "GET", "/bkt?versioning", nil, nil).decode(t, &v)
		if v.Status != "Enabled" {
			t.Fatalf("status %q after enabling", v.Status)
		}
		e.setVersioning("bkt", "Suspended")
		v = s3xml.VersioningConfiguration{}
		e.must(200, "GET", "/bkt?versioning", nil, nil).decode(t, &v)
		if v.Status != "Suspended" {
			t.Fatalf("status %q after suspending", v.Status)
		}
		bad, _ := s3xml.Marshal(s3xml.VersioningConfiguration{Status: "Disabled"})
		e.wantErr(400, "IllegalVersioningConfigurationException", "PUT", "/bkt?versioning", bad, nil)
		mfa, _ := s3xml.Marshal(s3xml.VersioningConfiguration{Status: "Enabled", MFADelete: "Enabled"})
		e.wantErr(501, "NotImplemented", "PUT", "/bkt?versioning", mfa, nil)
		e.wantErr(400, "MalformedXML", "PUT", "/bkt?versioning", nil, nil)
		good, _ := s3xml.Marshal(s3xml.VersioningConfiguration{Status: "Enabled"})
		e.wantErr(404, "NoSuchBucket", "PUT", "/nobkt?versioning", good, nil)
		v = s3xml.VersioningConfiguration{}
		e.must(200, "GET", "/bkt?versioning", nil, nil).decode(t, &v)
		if v.Status != "Suspended" {
			t.Fatalf("status %q after refused changes", v.Status)
		}
	})
}

// TestVersionedObjectHeaders walks one key through versions and delete
// markers, checking the status codes and the x-amz-version-id and
// x-amz-delete-marker headers S3 sends at each step.
func TestVersionedObjectHeaders(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := versionedEnv(t, bk)
		v1 := e.must(200, "PUT", "/bkt/k", []byte("one"), nil).header.Get("X-Amz-Version-Id")
		v2 := e.must(200, "PUT", "/bkt/k", []byte("two"), nil).header.Get("X-Amz-Version-Id")
		if v1 == "" || v2 == "" || v1 == v2 || v1 == "null" {
			t.Fatalf("PUT version IDs %q, %q", v1, v2)
		}
		r := e.must(200, "GET", "/bkt/k?versionId="+v1, nil, nil)
		if string(r.body) != "one" {
			t.Fatalf("GET of v1: %q", r.body)
		}
		wantHeaders(t, "GET v1", r, map[string]string{"X-Amz-Version-Id": v1})
		wantHeaders(t, "HEAD latest", e.must(200, "HEAD", "/bkt/k", nil, nil), map[string]string{"X-Amz-Version-Id": v2})

		r = e.must(204, "DELETE", "/bkt/k", nil, nil)
		dm := r.header.Get("X-Amz-Version-Id")
		wantHeaders(t, "DELETE", r, map[string]string{"X-Amz-Delete-Marker": "true"})
		if dm == "" || dm == v2 {
			t.Fatalf("delete marker version %q", dm)
		}
		marker := map[string]string{"X-Amz-Delete-Marker": "true", "X-Amz-Version-Id": dm}
		wantHeaders(t, "GET behind a marker", e.wantErr(404, "NoSuchKey", "GET", "/bkt/k", nil, nil), marker)
		wantHeaders(t, "HEAD behind a marker", e.wantErr(404, "", "HEAD", "/bkt/k", nil, nil), marker)
		wantHeaders(t, "GET of the marker", e.wantErr(405, "MethodNotAllowed", "GET", "/bkt/k?versionId="+dm, nil, nil), marker)
		wantHeaders(t, "HEAD of the marker", e.wantErr(405, "", "HEAD", "/bkt/k?versionId="+dm, nil, nil), marker)
		if r := e.must(200, "GET", "/bkt?list-type=2", nil, nil); bytes.Contains(r.body, []byte("<Key>k</Key>")) {
			t.Fatalf("listed behind a delete marker: %s", r.body)
		}

		// Removing the marker by ID brings v2 back; removing v2 brings v1.
		wantHeaders(t, "DELETE of the marker", e.must(204, "DELETE", "/bkt/k?versionId="+dm, nil, nil), marker)
		if r := e.must(200, "GET", "/bkt/k", nil, nil); string(r.body) != "two" {
			t.Fatalf("after removing the marker: %q", r.body)
		}
		wantHeaders(t, "DELETE of v2", e.must(204, "DELETE", "/bkt/k?versionId="+v2, nil, nil),
			map[string]string{"X-Amz-Version-Id": v2, "X-Amz-Delete-Marker": ""})
		if r := e.must(200, "GET", "/bkt/k", nil, nil); string(r.body) != "one" {
			t.Fatalf("after removing v2: %q", r.body)
		}
		e.wantErr(404, "NoSuchVersion", "GET", "/bkt/k?versionId="+v2, nil, nil)
		e.wantErr(400, "InvalidArgument", "GET", "/bkt/k?versionId=3HL4kqtJlcpXroDTDmJ", nil, nil)
		e.wantErr(400, "InvalidArgument", "DELETE", "/bkt/k?versionId=3HL4kqtJlcpXroDTDmJ", nil, nil)

		// Suspended: writes are the null version.
		e.setVersioning("bkt", "Suspended")
		// S3 names no version in the answer to a write of the null
		// version, but does for the null delete marker.
		wantHeaders(t, "PUT suspended", e.must(200, "PUT", "/bkt/k", []byte("n"), nil), map[string]string{"X-Amz-Version-Id": ""})
		wantHeaders(t, "HEAD suspended", e.must(200, "HEAD", "/bkt/k", nil, nil), map[string]string{"X-Amz-Version-Id": "null"})
		wantHeaders(t, "DELETE suspended", e.must(204, "DELETE", "/bkt/k", nil, nil),
			map[string]string{"X-Amz-Version-Id": "null", "X-Amz-Delete-Marker": "true"})
	})
}

// TestUnversionedBucketHeaders checks a bucket that never had versioning
// gets no version headers, as on S3.
func TestUnversionedBucketHeaders(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		none := map[string]string{"X-Amz-Version-Id": "", "X-Amz-Delete-Marker": ""}
		wantHeaders(t, "PUT", e.must(200, "PUT", "/bkt/k", []byte("x"), nil), none)
		wantHeaders(t, "GET", e.must(200, "GET", "/bkt/k", nil, nil), none)
		wantHeaders(t, "DELETE", e.must(204, "DELETE", "/bkt/k", nil, nil), none)
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/k", nil, nil)
	})
}

// TestListObjectVersionsPaging pages through versions and delete markers
// one entry at a time and two at a time, across key and version
// boundaries, and checks every entry comes back once in S3's order.
func TestListObjectVersionsPaging(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := versionedEnv(t, bk)
		for i := range 3 {
			for _, k := range []string{"a", "b c", "d/e", "é"} {
				e.must(200, "PUT", "/bkt/"+url.PathEscape(k), []byte(fmt.Sprint(k, i)), nil)
			}
		}
		e.must(204, "DELETE", "/bkt/a", nil, nil)
		all := e.versionPages(t, "", 1000)
		if len(all) != 13 || all[0] != "a dm latest" {
			t.Fatalf("all versions: %q", all)
		}
		for _, n := range []int{1, 2, 5} {
			if got := e.versionPages(t, "", n); !slices.Equal(got, all) {
				t.Fatalf("pages of %d:\n got %q\nwant %q", n, got, all)
			}
		}
		got := e.versionPages(t, "&delimiter=%2F", 2)
		if len(got) != 11 || !slices.Contains(got, "d/ prefix") || slices.Contains(got, "d/e version latest") {
			t.Fatalf("with delimiter: %q", got)
		}
		var res s3xml.ListVersionsResult
		e.must(200, "GET", "/bkt?versions&encoding-type=url&prefix=%C3%A9", nil, nil).decode(t, &res)
		if len(res.Versions) != 3 || res.Versions[0].Key != "%C3%A9" || res.EncodingType != "url" {
			t.Fatalf("url-encoded listing: %+v", res)
		}
		e.wantErr(400, "InvalidArgument", "GET", "/bkt?versions&version-id-marker=x", nil, nil)
	})
}

// versionPages lists every version in pages of max, as "key kind latest".
func (e *env) versionPages(t *testing.T, extra string, max int) []string {
	t.Helper()
	var out []string
	q := fmt.Sprintf("/bkt?versions&max-keys=%d%s", max, extra)
	for pages := 0; ; pages++ {
		var res s3xml.ListVersionsResult
		e.must(200, "GET", q, nil, nil).decode(t, &res)
		n := len(res.Versions) + len(res.DeleteMarkers) + len(res.CommonPrefixes)
		if n > max {
			t.Fatalf("page of %d > max-keys %d", n, max)
		}
		for _, d := range res.DeleteMarkers {
			out = append(out, d.Key+" dm"+latest(d.IsLatest))
		}
		for _, v := range res.Versions {
			out = append(out, v.Key+" version"+latest(v.IsLatest))
		}
		for _, p := range res.CommonPrefixes {
			out = append(out, p.Prefix+" prefix")
		}
		if !res.IsTruncated {
			return out
		}
		if pages > 50 || res.NextKeyMarker == "" {
			t.Fatalf("paging does not end: %+v", res)
		}
		q = fmt.Sprintf("/bkt?versions&max-keys=%d%s&key-marker=%s&version-id-marker=%s", max, extra,
			url.QueryEscape(res.NextKeyMarker), url.QueryEscape(res.NextVersionIDMarker))
	}
}

func latest(b bool) string {
	if b {
		return " latest"
	}
	return ""
}

// TestDeleteObjectsVersions checks DeleteObjects in a versioned bucket:
// without VersionId each key gets a delete marker (DeleteMarker and
// DeleteMarkerVersionId); with one the version is removed.
func TestDeleteObjectsVersions(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := versionedEnv(t, bk)
		v1 := e.must(200, "PUT", "/bkt/a", []byte("1"), nil).header.Get("X-Amz-Version-Id")
		e.must(200, "PUT", "/bkt/b", []byte("1"), nil)
		doc, _ := s3xml.Marshal(s3xml.Delete{Objects: []s3xml.ObjectIdentifier{{Key: "a", VersionID: v1}, {Key: "b"}}})
		var res s3xml.DeleteResult
		e.must(200, "POST", "/bkt?delete", doc, nil).decode(t, &res)
		if len(res.Deleted) != 2 || res.Deleted[0].VersionID != v1 || res.Deleted[0].DeleteMarker ||
			!res.Deleted[1].DeleteMarker || res.Deleted[1].DeleteMarkerVersionID == "" || res.Deleted[1].VersionID != "" {
			t.Fatalf("DeleteObjects: %+v", res)
		}
		dm := res.Deleted[1].DeleteMarkerVersionID
		e.wantErr(404, "NoSuchVersion", "GET", "/bkt/a?versionId="+v1, nil, nil)
		doc, _ = s3xml.Marshal(s3xml.Delete{Objects: []s3xml.ObjectIdentifier{{Key: "b", VersionID: dm}}})
		res = s3xml.DeleteResult{}
		e.must(200, "POST", "/bkt?delete", doc, nil).decode(t, &res)
		if len(res.Deleted) != 1 || !res.Deleted[0].DeleteMarker || res.Deleted[0].DeleteMarkerVersionID != dm || res.Deleted[0].VersionID != dm {
			t.Fatalf("DeleteObjects of a marker: %+v", res)
		}
		e.must(200, "GET", "/bkt/b", nil, nil)
	})
}

// TestCopyVersion copies an older version (x-amz-copy-source ?versionId)
// and checks S3's headers, and that a delete marker cannot be a source.
func TestCopyVersion(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := versionedEnv(t, bk)
		v1 := e.must(200, "PUT", "/bkt/src", []byte("old"), nil).header.Get("X-Amz-Version-Id")
		e.must(200, "PUT", "/bkt/src", []byte("new"), nil)
		r := e.must(200, "PUT", "/bkt/dst", nil, hdr{"X-Amz-Copy-Source": "/bkt/src?versionId=" + v1})
		if r.header.Get("X-Amz-Copy-Source-Version-Id") != v1 || r.header.Get("X-Amz-Version-Id") == "" {
			t.Fatalf("copy headers: %v", r.header)
		}
		if got := e.must(200, "GET", "/bkt/dst", nil, nil); string(got.body) != "old" {
			t.Fatalf("copied %q", got.body)
		}
		dm := e.must(204, "DELETE", "/bkt/src", nil, nil).header.Get("X-Amz-Version-Id")
		e.wantErr(400, "InvalidRequest", "PUT", "/bkt/dst2", nil, hdr{"X-Amz-Copy-Source": "/bkt/src?versionId=" + dm})
		e.wantErr(404, "NoSuchKey", "PUT", "/bkt/dst2", nil, hdr{"X-Amz-Copy-Source": "/bkt/src"})
		// Tagging a version leaves the others alone.
		tags := []byte(`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`)
		wantHeaders(t, "PutObjectTagging", e.must(200, "PUT", "/bkt/src?tagging&versionId="+v1, tags, nil), map[string]string{"X-Amz-Version-Id": v1})
		var tg s3xml.Tagging
		e.must(200, "GET", "/bkt/src?tagging&versionId="+v1, nil, nil).decode(t, &tg)
		if len(tg.TagSet) != 1 {
			t.Fatalf("tags of v1: %+v", tg)
		}
	})
}

// TestBackendWithoutVersioning checks a backend without storage.Versioner
// keeps answering as an unversioned S3 bucket: PutBucketVersioning is
// NotImplemented, "null" names the one version, other IDs do not exist.
func TestBackendWithoutVersioning(t *testing.T) {
	t.Parallel()
	plain := struct{ storage.Backend }{mem.New(mem.Options{})}
	e := newEnv(t, s3test.WithBackend(plain))
	e.mkBucket("bkt")
	good, _ := s3xml.Marshal(s3xml.VersioningConfiguration{Status: "Enabled"})
	e.wantErr(501, "NotImplemented", "PUT", "/bkt?versioning", good, nil)
	var v s3xml.VersioningConfiguration
	e.must(200, "GET", "/bkt?versioning", nil, nil).decode(t, &v)
	if v.Status != "" {
		t.Fatalf("status %q", v.Status)
	}
	e.put("bkt", "k", []byte("x"), nil)
	if r := e.must(200, "GET", "/bkt/k?versionId=null", nil, nil); string(r.body) != "x" || r.header.Get("X-Amz-Version-Id") != "" {
		t.Fatalf("GET versionId=null: %q %v", r.body, r.header)
	}
	e.wantErr(400, "InvalidArgument", "GET", "/bkt/k?versionId=0123456789abcdef01234567", nil, nil)
	var res s3xml.ListVersionsResult
	e.must(200, "GET", "/bkt?versions", nil, nil).decode(t, &res)
	if len(res.Versions) != 1 || res.Versions[0].VersionID != "null" || !res.Versions[0].IsLatest {
		t.Fatalf("versions: %+v", res)
	}
	e.wantErr(404, "NoSuchVersion", "PUT", "/bkt/k2", nil, hdr{"X-Amz-Copy-Source": "/bkt/k?versionId=0123456789abcdef01234567"})
	e.must(204, "DELETE", "/bkt/k?versionId=null", nil, nil)
	e.wantErr(404, "NoSuchKey", "GET", "/bkt/k", nil, nil)
}
