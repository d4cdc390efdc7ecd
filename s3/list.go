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

// ListObjectsV2Pages iterates over the pages of ListObjectsV2, fetching
// each page only when the loop asks for it (so a listing of millions of
// keys streams in constant memory). After an error the iteration stops.
//
//	for page, err := range client.ListObjectsV2Pages(ctx, &s3.ListObjectsV2Input{Bucket: "b"}) { ... }
func (c *Client) ListObjectsV2Pages(ctx context.Context, in *ListObjectsV2Input) iter.Seq2[*ListObjectsV2Output, error] {
	stuck := &OpError{Op: "ListObjectsV2", Bucket: in.Bucket, Err: errPaginationStuck}
	return paginate(ctx, in, c.ListObjectsV2, stuck, func(req *ListObjectsV2Input, page *ListObjectsV2Output) bool {
		if page.NextContinuationToken == "" || page.NextContinuationToken == req.ContinuationToken {
			return false
		}
		req.ContinuationToken = page.NextContinuationToken
		return true
	})
}

// AllObjectsV2 iterates over every object of a ListObjectsV2 listing
// across pages, in key order. With a delimiter, common prefixes are
// yielded too (IsPrefix set), merged into key order with the objects of
// their page.
//
//	for obj, err := range client.AllObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: "b", Prefix: "logs/"}) {
//		if err != nil { return err }
//		fmt.Println(obj.Key, obj.Size)
//	}
func (c *Client) AllObjectsV2(ctx context.Context, in *ListObjectsV2Input) iter.Seq2[Object, error] {
	return items(c.ListObjectsV2Pages(ctx, in), func(p *ListObjectsV2Output) []Object {
		return withPrefixes(p.Objects, p.CommonPrefixes)
	})
}

// withPrefixes merges a page's common prefixes, as IsPrefix entries, into
// its objects in key order.
func withPrefixes(objs []Object, pres []string) []Object {
	if len(pres) == 0 {
		return objs
	}
	out := make([]Object, 0, len(objs)+len(pres))
	for len(objs) > 0 || len(pres) > 0 {
		if len(pres) == 0 || (len(objs) > 0 && objs[0].Key < pres[0]) {
			out, objs = append(out, objs[0]), objs[1:]
		} else {
			out, pres = append(out, Object{Key: pres[0], IsPrefix: true}), pres[1:]
		}
	}
	return out
}

// paginate yields the pages of a listing: list is called with a copy of
// in, which next advances past each truncated page; next reports false
// when the page offers no usable marker, and the iteration ends with
// stuck rather than looping forever.
func paginate[In, Out any, P interface {
	*Out
	truncated() bool
}](ctx context.Context, in *In, list func(context.Context, *In) (P, error), stuck error, next func(*In, P) bool) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		req := *in
		for {
			page, err := list(ctx, &req)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) || !page.truncated() {
				return
			}
			if !next(&req, page) {
				yield(nil, stuck)
				return
			}
		}
	}
}

// items flattens an iterator of pages into an iterator of their entries.
func items[P, T any](pages iter.Seq2[P, error], entries func(P) []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for page, err := range pages {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, e := range entries(page) {
				if !yield(e, nil) {
					return
				}
			}
		}
	}
}

func (p *ListObjectsV2Output) truncated() bool { return p.IsTruncated }

// ListObjectsInput is the input of ListObjects, the original listing API
// (V1), for servers without ListObjectsV2.
type ListObjectsInput struct {
	Bucket, Prefix, Delimiter, Marker string
	MaxKeys                           int
}

// ListObjectsOutput is one page of ListObjects (V1).
type ListObjectsOutput struct {
	Objects        []Object
	CommonPrefixes []string
	IsTruncated    bool
	// NextMarker is the marker for the next page; when the server omits
	// it (no delimiter), it is the last key, as botocore's paginator does.
	NextMarker string
}

// ListObjects returns one page of the original listing API (V1); prefer
// ListObjectsV2 where the server has it.
func (c *Client) ListObjects(ctx context.Context, in *ListObjectsInput) (*ListObjectsOutput, error) {
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
	out := &ListObjectsOutput{IsTruncated: res.IsTruncated, NextMarker: dec(res.NextMarker), Objects: objectsFromXML(res.Contents, dec)}
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

func (p *ListObjectsOutput) truncated() bool { return p.IsTruncated }

// ListObjectsPages iterates over the pages of ListObjects (V1), as
// ListObjectsV2Pages does for V2.
func (c *Client) ListObjectsPages(ctx context.Context, in *ListObjectsInput) iter.Seq2[*ListObjectsOutput, error] {
	stuck := &OpError{Op: "ListObjects", Bucket: in.Bucket, Err: errPaginationStuck}
	return paginate(ctx, in, c.ListObjects, stuck, func(req *ListObjectsInput, page *ListObjectsOutput) bool {
		if page.NextMarker == "" || page.NextMarker == req.Marker {
			return false
		}
		req.Marker = page.NextMarker
		return true
	})
}

// AllObjects iterates over every object of a ListObjects (V1) listing
// across pages, as AllObjectsV2 does for V2.
func (c *Client) AllObjects(ctx context.Context, in *ListObjectsInput) iter.Seq2[Object, error] {
	return items(c.ListObjectsPages(ctx, in), func(p *ListObjectsOutput) []Object {
		return withPrefixes(p.Objects, p.CommonPrefixes)
	})
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

func (p *ListObjectVersionsOutput) truncated() bool { return p.IsTruncated }

// ListObjectVersionsPages iterates over the pages of ListObjectVersions.
func (c *Client) ListObjectVersionsPages(ctx context.Context, in *ListObjectVersionsInput) iter.Seq2[*ListObjectVersionsOutput, error] {
	stuck := &OpError{Op: "ListObjectVersions", Bucket: in.Bucket, Err: errPaginationStuck}
	return paginate(ctx, in, c.ListObjectVersions, stuck, func(req *ListObjectVersionsInput, page *ListObjectVersionsOutput) bool {
		if page.NextKeyMarker == "" || (page.NextKeyMarker == req.KeyMarker && page.NextVersionIDMarker == req.VersionIDMarker) {
			return false
		}
		req.KeyMarker, req.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
		return true
	})
}

// AllObjectVersions iterates over every version and delete marker of a
// ListObjectVersions listing across pages. Common prefixes (with a
// delimiter) are only in the pages.
func (c *Client) AllObjectVersions(ctx context.Context, in *ListObjectVersionsInput) iter.Seq2[ObjectVersion, error] {
	return items(c.ListObjectVersionsPages(ctx, in), func(p *ListObjectVersionsOutput) []ObjectVersion { return p.Versions })
}
