package s3

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// Object is one entry of a listing. With a delimiter, ListObjects also
// yields common prefixes as entries with IsPrefix set and only Key filled.
type Object struct {
	Key          string
	Size         int64
	ETag         string
	LastModified time.Time
	StorageClass string
	// ChecksumAlgorithm lists the algorithms the object's checksums use.
	ChecksumAlgorithm []string
	IsPrefix          bool
}

// ListObjectsV2Input is the input of ListObjectsV2.
type ListObjectsV2Input struct {
	Bucket            string
	Prefix            string
	Delimiter         string
	StartAfter        string
	ContinuationToken string
	// MaxKeys caps one page (S3's default and maximum is 1000).
	MaxKeys int
}

// ListObjectsV2Output is one page of ListObjectsV2.
type ListObjectsV2Output struct {
	Objects []Object
	// CommonPrefixes are the rolled-up prefixes (with a delimiter).
	CommonPrefixes        []string
	IsTruncated           bool
	NextContinuationToken string
	KeyCount              int
}

// ListObjectsV2 returns one page of a bucket listing. Keys are requested
// URL-encoded (encoding-type=url, as botocore does) and decoded, so keys
// with control characters survive XML.
func (c *Client) ListObjectsV2(ctx context.Context, in *ListObjectsV2Input) (*ListObjectsV2Output, error) {
	q := url.Values{"list-type": {"2"}, "encoding-type": {s3xml.EncodingTypeURL}}
	setQ(q, "prefix", in.Prefix)
	setQ(q, "delimiter", in.Delimiter)
	setQ(q, "start-after", in.StartAfter)
	setQ(q, "continuation-token", in.ContinuationToken)
	if in.MaxKeys > 0 {
		q.Set("max-keys", strconv.Itoa(in.MaxKeys))
	}
	var res s3xml.ListBucketResultV2
	cl := &call{op: "ListObjectsV2", method: http.MethodGet, bucket: in.Bucket, query: q}
	if err := c.doXML(ctx, cl, nil, &res); err != nil {
		return nil, err
	}
	dec := decoder(res.EncodingType)
	out := &ListObjectsV2Output{IsTruncated: res.IsTruncated, NextContinuationToken: res.NextContinuationToken, KeyCount: res.KeyCount}
	out.Objects = objectsFromXML(res.Contents, dec)
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, dec(p.Prefix))
	}
	return out, nil
}

func objectsFromXML(xs []s3xml.Object, dec func(string) string) []Object {
	out := make([]Object, 0, len(xs))
	for _, o := range xs {
		out = append(out, Object{Key: dec(o.Key), Size: o.Size, ETag: o.ETag, LastModified: o.LastModified.Time,
			StorageClass: o.StorageClass, ChecksumAlgorithm: o.ChecksumAlgorithm})
	}
	return out
}

func setQ(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

// decoder returns the decoding for a listing's EncodingType: URL decoding
// when the server applied it, identity otherwise (some servers ignore the
// request). A value that fails to decode is kept as sent.
func decoder(encodingType string) func(string) string {
	if encodingType != s3xml.EncodingTypeURL {
		return func(s string) string { return s }
	}
	return func(s string) string {
		if d, err := s3xml.DecodeURL(s); err == nil {
			return d
		}
		return s
	}
}

// errPaginationStuck stops a listing whose server says "truncated" without
// a way forward, instead of looping forever.
var errPaginationStuck = errors.New("server reported a truncated listing without a usable continuation marker")

// ListObjectsV2Pages iterates over the pages of a listing, fetching each
// page only when the loop asks for it (so a listing of millions of keys
// streams in constant memory). After an error the iteration stops.
//
//	for page, err := range client.ListObjectsV2Pages(ctx, &s3.ListObjectsV2Input{Bucket: "b"}) { ... }
func (c *Client) ListObjectsV2Pages(ctx context.Context, in *ListObjectsV2Input) iter.Seq2[*ListObjectsV2Output, error] {
	return func(yield func(*ListObjectsV2Output, error) bool) {
		req := *in
		for {
			page, err := c.ListObjectsV2(ctx, &req)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) || !page.IsTruncated {
				return
			}
			if page.NextContinuationToken == "" || page.NextContinuationToken == req.ContinuationToken {
				yield(nil, &OpError{Op: "ListObjectsV2", Bucket: in.Bucket, Err: errPaginationStuck})
				return
			}
			req.ContinuationToken = page.NextContinuationToken
		}
	}
}

// ListObjects iterates over every object of a listing across pages, in key
// order. With a delimiter, common prefixes are yielded too (IsPrefix set),
// merged into key order with the objects of their page.
//
//	for obj, err := range client.ListObjects(ctx, &s3.ListObjectsV2Input{Bucket: "b", Prefix: "logs/"}) {
//		if err != nil { return err }
//		fmt.Println(obj.Key, obj.Size)
//	}
func (c *Client) ListObjects(ctx context.Context, in *ListObjectsV2Input) iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		for page, err := range c.ListObjectsV2Pages(ctx, in) {
			if err != nil {
				yield(Object{}, err)
				return
			}
			objs, pres := page.Objects, page.CommonPrefixes
			for len(objs) > 0 || len(pres) > 0 {
				var o Object
				if len(pres) == 0 || (len(objs) > 0 && objs[0].Key < pres[0]) {
					o, objs = objs[0], objs[1:]
				} else {
					o, pres = Object{Key: pres[0], IsPrefix: true}, pres[1:]
				}
				if !yield(o, nil) {
					return
				}
			}
		}
	}
}

// ListObjectsV1Input is the input of the original ListObjects API, for
// servers without V2.
type ListObjectsV1Input struct {
	Bucket, Prefix, Delimiter, Marker string
	MaxKeys                           int
}

// ListObjectsV1Output is one page of ListObjects (V1).
type ListObjectsV1Output struct {
	Objects        []Object
	CommonPrefixes []string
	IsTruncated    bool
	// NextMarker is the marker for the next page; when the server omits
	// it (no delimiter), it is the last key, as botocore's paginator does.
	NextMarker string
}

// ListObjectsV1 returns one page of the original ListObjects API.
func (c *Client) ListObjectsV1(ctx context.Context, in *ListObjectsV1Input) (*ListObjectsV1Output, error) {
	q := url.Values{"encoding-type": {s3xml.EncodingTypeURL}}
	setQ(q, "prefix", in.Prefix)
	setQ(q, "delimiter", in.Delimiter)
	setQ(q, "marker", in.Marker)
	if in.MaxKeys > 0 {
		q.Set("max-keys", strconv.Itoa(in.MaxKeys))
	}
	var res s3xml.ListBucketResult
	if err := c.doXML(ctx, &call{op: "ListObjects", method: http.MethodGet, bucket: in.Bucket, query: q}, nil, &res); err != nil {
		return nil, err
	}
	dec := decoder(res.EncodingType)
	out := &ListObjectsV1Output{IsTruncated: res.IsTruncated, NextMarker: dec(res.NextMarker), Objects: objectsFromXML(res.Contents, dec)}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, dec(p.Prefix))
	}
	if out.IsTruncated && out.NextMarker == "" {
		last := ""
		if n := len(out.Objects); n > 0 {
			last = out.Objects[n-1].Key
		}
		if n := len(out.CommonPrefixes); n > 0 && out.CommonPrefixes[n-1] > last {
			last = out.CommonPrefixes[n-1]
		}
		out.NextMarker = last
	}
	return out, nil
}

// ObjectVersion is one entry of ListObjectVersions: a version or a delete
// marker.
type ObjectVersion struct {
	Key            string
	VersionID      string
	IsLatest       bool
	IsDeleteMarker bool
	LastModified   time.Time
	ETag           string
	Size           int64
	StorageClass   string
}

// ListObjectVersionsInput is the input of ListObjectVersions.
type ListObjectVersionsInput struct {
	Bucket, Prefix, Delimiter  string
	KeyMarker, VersionIDMarker string
	MaxKeys                    int
}

// ListObjectVersionsOutput is one page of ListObjectVersions. Versions
// holds versions and delete markers, ordered by key and then as the server
// listed them (newest first).
type ListObjectVersionsOutput struct {
	Versions            []ObjectVersion
	CommonPrefixes      []string
	IsTruncated         bool
	NextKeyMarker       string
	NextVersionIDMarker string
}

// ListObjectVersions returns one page of object versions.
func (c *Client) ListObjectVersions(ctx context.Context, in *ListObjectVersionsInput) (*ListObjectVersionsOutput, error) {
	q := url.Values{"versions": {""}, "encoding-type": {s3xml.EncodingTypeURL}}
	setQ(q, "prefix", in.Prefix)
	setQ(q, "delimiter", in.Delimiter)
	setQ(q, "key-marker", in.KeyMarker)
	setQ(q, "version-id-marker", in.VersionIDMarker)
	if in.MaxKeys > 0 {
		q.Set("max-keys", strconv.Itoa(in.MaxKeys))
	}
	var res s3xml.ListVersionsResult
	cl := &call{op: "ListObjectVersions", method: http.MethodGet, bucket: in.Bucket, query: q}
	if err := c.doXML(ctx, cl, nil, &res); err != nil {
		return nil, err
	}
	dec := decoder(res.EncodingType)
	out := &ListObjectVersionsOutput{IsTruncated: res.IsTruncated, NextKeyMarker: dec(res.NextKeyMarker),
		NextVersionIDMarker: res.NextVersionIDMarker}
	version := func(v s3xml.ObjectVersion) ObjectVersion {
		return ObjectVersion{Key: dec(v.Key), VersionID: v.VersionID, IsLatest: v.IsLatest,
			LastModified: v.LastModified.Time, ETag: v.ETag, Size: v.Size, StorageClass: v.StorageClass}
	}
	marker := func(d s3xml.DeleteMarkerEntry) ObjectVersion {
		return ObjectVersion{Key: dec(d.Key), VersionID: d.VersionID, IsLatest: d.IsLatest,
			LastModified: d.LastModified.Time, IsDeleteMarker: true}
	}
	if len(res.Order) == len(res.Versions)+len(res.DeleteMarkers) {
		// The document's own order: S3's, which timestamps cannot always
		// recover (a marker and a version in the same millisecond).
		vi, mi := 0, 0
		for _, m := range res.Order {
			if m {
				out.Versions = append(out.Versions, marker(res.DeleteMarkers[mi]))
				mi++
			} else {
				out.Versions = append(out.Versions, version(res.Versions[vi]))
				vi++
			}
		}
	} else {
		for _, v := range res.Versions {
			out.Versions = append(out.Versions, version(v))
		}
		for _, d := range res.DeleteMarkers {
			out.Versions = append(out.Versions, marker(d))
		}
		sortVersions(out.Versions)
	}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, dec(p.Prefix))
	}
	return out, nil
}

// sortVersions orders by key, newest first within a key (a stable sort
// keeps the server's order for equal timestamps).
func sortVersions(vs []ObjectVersion) {
	slices.SortStableFunc(vs, func(a, b ObjectVersion) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return b.LastModified.Compare(a.LastModified)
	})
}

// ListObjectVersionsPages iterates over the pages of ListObjectVersions.
func (c *Client) ListObjectVersionsPages(ctx context.Context, in *ListObjectVersionsInput) iter.Seq2[*ListObjectVersionsOutput, error] {
	return func(yield func(*ListObjectVersionsOutput, error) bool) {
		req := *in
		for {
			page, err := c.ListObjectVersions(ctx, &req)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) || !page.IsTruncated {
				return
			}
			if page.NextKeyMarker == "" || (page.NextKeyMarker == req.KeyMarker && page.NextVersionIDMarker == req.VersionIDMarker) {
				yield(nil, &OpError{Op: "ListObjectVersions", Bucket: in.Bucket, Err: errPaginationStuck})
				return
			}
			req.KeyMarker, req.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
		}
	}
}
