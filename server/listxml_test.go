package server

import (
	"testing"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// TestListXMLMatchesMarshal checks that the listing encoders write exactly
// what s3xml.Marshal writes for the same documents, including escaping,
// optional elements, owners and checksums.
func TestListXMLMatchesMarshal(t *testing.T) {
	mod := s3xml.NewTime(time.Date(2026, 11, 27, 2, 3, 4, 567_000_000, time.FixedZone("x", 3600)))
	objs := []s3xml.Object{
		{Key: "plain", LastModified: mod, ETag: `"abc"`, Size: 1, StorageClass: "STANDARD"},
		{Key: "a<b>&\"c'\t\n\r\x01\xff", LastModified: mod, ETag: `"d-2"`, Size: 1 << 40,
			ChecksumAlgorithm: []string{"CRC32", "SHA256"}, ChecksumType: "FULL_OBJECT",
			Owner: &s3xml.Owner{ID: "s3kit", DisplayName: "s3kit"}, StorageClass: "STANDARD"},
		{Key: "日本/ключ", LastModified: mod, ETag: "", Owner: &s3xml.Owner{ID: "id"}},
	}
	prefixes := []s3xml.CommonPrefix{{Prefix: "p/"}, {Prefix: "x&y/"}}
	v1 := []struct {
		name string
		doc  s3xml.ListBucketResult
	}{
		{"v1 empty", s3xml.ListBucketResult{Name: "b", MaxKeys: 1000}},
		{"v1 full", s3xml.ListBucketResult{Name: "b", Prefix: "a&", Marker: "m<", NextMarker: "n>", MaxKeys: 2,
			Delimiter: "/", EncodingType: "url", IsTruncated: true, Contents: objs, CommonPrefixes: prefixes}},
	}
	for _, tc := range v1 {
		t.Run(tc.name, func(t *testing.T) {
			want, err := s3xml.Marshal(&tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if got := marshalListV1(&tc.doc); string(got) != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
	v2 := []struct {
		name string
		doc  s3xml.ListBucketResultV2
	}{
		{"v2 empty", s3xml.ListBucketResultV2{Name: "b", MaxKeys: 1000}},
		{"v2 full", s3xml.ListBucketResultV2{Name: "b", Prefix: "a&", KeyCount: 5, MaxKeys: 5, Delimiter: "/",
			EncodingType: "url", IsTruncated: true, ContinuationToken: "t1", NextContinuationToken: "t2",
			StartAfter: "s\"", Contents: objs, CommonPrefixes: prefixes}},
	}
	for _, tc := range v2 {
		t.Run(tc.name, func(t *testing.T) {
			want, err := s3xml.Marshal(&tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if got := marshalListV2(&tc.doc); string(got) != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}
