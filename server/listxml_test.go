package server

import (
	"testing"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// contents is the reflection path's view of a page's objects, which the
// listing encoders must reproduce byte for byte.
func (p listParams) contents(objs []storage.ObjectInfo, owner bool) []s3xml.Object {
	out := make([]s3xml.Object, 0, len(objs))
	for _, o := range objs {
		e := s3xml.Object{Key: p.enc(o.Key), LastModified: s3xml.NewTime(o.LastModified), ETag: o.ETag,
			Size: o.Size, StorageClass: s3xml.StorageClassStandard}
		e.ChecksumAlgorithm, e.ChecksumType = checksumAlgorithms(o.Meta)
		if owner {
			e.Owner = &s3xml.Owner{ID: ownerID, DisplayName: ownerID}
		}
		out = append(out, e)
	}
	return out
}

// TestListXMLMatchesMarshal checks that the listing encoders write exactly
// what s3xml.Marshal writes for the same documents, including escaping,
// encoding-type=url, optional elements, owners, checksums and timestamps.
func TestListXMLMatchesMarshal(t *testing.T) {
	mod := time.Date(2026, 11, 27, 2, 3, 4, 567_891_234, time.FixedZone("x", 3600))
	objs := []storage.ObjectInfo{
		{Key: "plain", LastModified: mod, ETag: `"abc"`, Size: 1},
		{Key: "a<b>&\"c'\t\n\r\x01\xff", LastModified: mod, ETag: `"d-2"`, Size: 1 << 40,
			Meta: storage.ObjectMeta{Checksums: map[string]string{"SHA256": "x", "CRC32": "y", "CRC64NVME": ""}, ChecksumType: "FULL_OBJECT"}},
		{Key: "one checksum", LastModified: time.Date(999, 1, 2, 3, 4, 5, 0, time.UTC), ETag: `"e"`,
			Meta: storage.ObjectMeta{Checksums: map[string]string{"CRC64NVME": "z"}, ChecksumType: "FULL_OBJECT"}},
		{Key: "日本/ключ a+b", LastModified: time.Date(10000, 12, 31, 23, 59, 59, 999_999_999, time.UTC), ETag: ""},
		{Key: "zero time", Meta: storage.ObjectMeta{Checksums: map[string]string{"CRC32": ""}}},
		{Key: "~!@#$%^*()_+-={}[]|\\:;,./? ", LastModified: time.Unix(0, 1).UTC(), ETag: `"0123456789abcdef0123456789abcdef"`},
	}
	res := storage.ListResult{Objects: objs, CommonPrefixes: []string{"p/", "x&y/", "ü/"}}
	for _, url := range []bool{false, true} {
		p := listParams{urlEncode: url}
		v1 := []s3xml.ListBucketResult{
			{Name: "b", MaxKeys: 1000},
			{Name: "b", Prefix: "a&", Marker: "m<", NextMarker: "n>", MaxKeys: 2,
				Delimiter: "/", EncodingType: "url", IsTruncated: true},
		}
		for i, doc := range v1 {
			page := &storage.ListResult{}
			if i > 0 {
				page = &res
			}
			want := doc
			want.Contents, want.CommonPrefixes = p.contents(page.Objects, true), p.prefixes(page.CommonPrefixes)
			wantXML, err := s3xml.Marshal(&want)
			if err != nil {
				t.Fatal(err)
			}
			if got := marshalListV1(&doc, p, page); string(got) != string(wantXML) {
				t.Errorf("v1 %d url=%v: got\n%s\nwant\n%s", i, url, got, wantXML)
			}
		}
		v2 := []s3xml.ListBucketResultV2{
			{Name: "b", MaxKeys: 1000},
			{Name: "b", Prefix: "a&", KeyCount: 5, MaxKeys: 5, Delimiter: "/",
				EncodingType: "url", IsTruncated: true, ContinuationToken: "t1", NextContinuationToken: "t2",
				StartAfter: "s\""},
		}
		for i, doc := range v2 {
			page := &storage.ListResult{}
			if i > 0 {
				page = &res
			}
			for _, owner := range []bool{false, true} {
				want := doc
				want.Contents, want.CommonPrefixes = p.contents(page.Objects, owner), p.prefixes(page.CommonPrefixes)
				wantXML, err := s3xml.Marshal(&want)
				if err != nil {
					t.Fatal(err)
				}
				if got := marshalListV2(&doc, p, page, owner); string(got) != string(wantXML) {
					t.Errorf("v2 %d url=%v owner=%v: got\n%s\nwant\n%s", i, url, owner, got, wantXML)
				}
			}
		}
	}
}

// TestAppendTime checks the hand-rolled timestamp against time.Format.
func TestAppendTime(t *testing.T) {
	for _, tm := range []time.Time{
		{}, time.Unix(0, 0), time.Unix(1700000000, 999_999_999), time.Date(2026, 2, 28, 23, 59, 59, 1_000_000, time.FixedZone("y", -7*3600)),
		time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		want := tm.UTC().Format(s3xml.TimeFormat)
		if got := string(appendTime(nil, tm)); got != want {
			t.Errorf("appendTime(%v) = %q want %q", tm, got, want)
		}
	}
}
