package s3

import (
	"context"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// Multipart limits S3 enforces.
const (
	MaxParts       = 10000
	MinPartSize    = 5 << 20 // every part but the last
	MaxPartSize    = 5 << 30
	MaxObjectSize  = 5 << 40
	MaxPutSize     = 5 << 30 // largest single PutObject/CopyObject
	MaxListPerPage = 1000
)

// CreateMultipartUploadInput is the input of CreateMultipartUpload.
type CreateMultipartUploadInput struct {
	Bucket, Key string
	ObjectHeaders
	// ChecksumAlgorithm declares the algorithm parts will carry (e.g.
	// "CRC32"); empty declares none, as botocore does by default.
	ChecksumAlgorithm string
	// ChecksumType is "COMPOSITE" (S3's default, except for CRC64NVME) or
	// "FULL_OBJECT" (CRCs only): whether the object's checksum is one of
	// its part checksums or the CRC of all its bytes.
	ChecksumType string
}

// CreateMultipartUploadOutput is the result of CreateMultipartUpload.
type CreateMultipartUploadOutput struct {
	Bucket, Key string
	// UploadID names the upload in UploadPart, CompleteMultipartUpload and
	// AbortMultipartUpload.
	UploadID string
}

// CreateMultipartUpload starts a multipart upload.
func (c *Client) CreateMultipartUpload(ctx context.Context, in *CreateMultipartUploadInput) (*CreateMultipartUploadOutput, error) {
	h := http.Header{}
	in.ObjectHeaders.apply(h)
	set(h, s3xml.HeaderChecksumAlgorithm, in.ChecksumAlgorithm)
	set(h, s3xml.HeaderChecksumType, in.ChecksumType)
	var res s3xml.InitiateMultipartUploadResult
	cl := &call{op: "CreateMultipartUpload", method: http.MethodPost, bucket: in.Bucket, key: in.Key,
		header: h, query: url.Values{"uploads": {""}}}
	if err := c.doXML(ctx, cl, nil, &res); err != nil {
		return nil, err
	}
	return &CreateMultipartUploadOutput{Bucket: in.Bucket, Key: in.Key, UploadID: res.UploadID}, nil
}

// UploadPartInput is the input of UploadPart.
type UploadPartInput struct {
	Bucket, Key, UploadID string
	PartNumber            int // 1..10000
	// Body and ContentLength behave as in PutObjectInput: a seekable body
	// is retried, a plain stream is sent once.
	Body          io.Reader
	ContentLength int64
	// ContentMD5 is a base64 MD5 of Body for the server to verify.
	ContentMD5 string
}

// UploadPartOutput is the result of UploadPart.
type UploadPartOutput struct {
	ETag string
	// Checksums holds the part checksum the server echoed; pass it back in
	// CompletedPart when the upload declared a ChecksumAlgorithm.
	Checksums Checksums
	// Encryption is how the server encrypts the upload; under SSE-KMS and
	// SSE-C the ETag is not the part's MD5.
	Encryption Encryption
}

// UploadPart uploads one part, with the same integrity checks as
// PutObject (a mismatching ETag is an *IntegrityError).
func (c *Client) UploadPart(ctx context.Context, in *UploadPartInput) (*UploadPartOutput, error) {
	resp, err := c.do(ctx, in.request())
	if err != nil {
		return nil, err
	}
	drain(resp)
	return &UploadPartOutput{ETag: resp.Header.Get("Etag"), Checksums: checksumsFromHeader(resp.Header),
		Encryption: encryptionFromHeader(resp.Header)}, nil
}

func (in *UploadPartInput) request() *call {
	q := url.Values{"partNumber": {strconv.Itoa(in.PartNumber)}, "uploadId": {in.UploadID}}
	h := http.Header{}
	set(h, "Content-Md5", in.ContentMD5)
	return &call{op: "UploadPart", method: http.MethodPut, bucket: in.Bucket, key: in.Key, query: q, header: h,
		body: in.Body, size: lengthOrUnknown(in.Body, in.ContentLength), checksum: true}
}

// UploadPartCopyInput is the input of UploadPartCopy.
type UploadPartCopyInput struct {
	Bucket, Key, UploadID   string
	PartNumber              int
	SourceBucket, SourceKey string
	SourceVersionID         string
	// SourceRange is "bytes=first-last" (inclusive); empty copies the
	// whole source.
	SourceRange string
}

// UploadPartCopyOutput is the result of UploadPartCopy.
type UploadPartCopyOutput struct {
	ETag         string
	LastModified time.Time
	Checksums    Checksums
}

// UploadPartCopy copies a byte range of an existing object into a part.
func (c *Client) UploadPartCopy(ctx context.Context, in *UploadPartCopyInput) (*UploadPartCopyOutput, error) {
	h := http.Header{}
	h.Set(s3xml.HeaderCopySource, copySource(in.SourceBucket, in.SourceKey, in.SourceVersionID))
	set(h, s3xml.HeaderCopySourceRange, in.SourceRange)
	q := url.Values{"partNumber": {strconv.Itoa(in.PartNumber)}, "uploadId": {in.UploadID}}
	var res s3xml.CopyPartResult
	cl := &call{op: "UploadPartCopy", method: http.MethodPut, bucket: in.Bucket, key: in.Key, header: h, query: q, errorIn200: true}
	if err := c.doXML(ctx, cl, nil, &res); err != nil {
		return nil, err
	}
	return &UploadPartCopyOutput{ETag: res.ETag, LastModified: res.LastModified.Time, Checksums: checksumsFromXML(res.Checksums)}, nil
}

// CompletedPart names an uploaded part in CompleteMultipartUpload.
type CompletedPart struct {
	PartNumber int
	ETag       string
	// Checksums are sent back when set (required by S3 when the upload
	// declared a ChecksumAlgorithm).
	Checksums Checksums
}

// CompleteMultipartUploadInput is the input of CompleteMultipartUpload.
type CompleteMultipartUploadInput struct {
	Bucket, Key, UploadID string
	// Parts are the parts to assemble, in ascending PartNumber order.
	Parts []CompletedPart
}

// CompleteMultipartUploadOutput is the result of CompleteMultipartUpload.
type CompleteMultipartUploadOutput struct {
	Location  string
	ETag      string
	VersionID string
	Checksums Checksums
}

// CompleteMultipartUpload assembles the parts (in ascending PartNumber
// order) into the object. S3 can report failure inside a 200 response
// after a long wait; that comes back as an *Error, retried when the code is
// retryable (InternalError).
func (c *Client) CompleteMultipartUpload(ctx context.Context, in *CompleteMultipartUploadInput) (*CompleteMultipartUploadOutput, error) {
	doc := s3xml.CompleteMultipartUpload{Parts: make([]s3xml.CompletedPart, 0, len(in.Parts))}
	for _, p := range in.Parts {
		doc.Parts = append(doc.Parts, s3xml.CompletedPart{PartNumber: p.PartNumber, ETag: p.ETag, Checksums: p.Checksums.xml()})
	}
	var res s3xml.CompleteMultipartUploadResult
	cl := &call{op: "CompleteMultipartUpload", method: http.MethodPost, bucket: in.Bucket, key: in.Key,
		query: url.Values{"uploadId": {in.UploadID}}, errorIn200: true}
	resp, err := c.doXMLResp(ctx, cl, doc, &res)
	if err != nil {
		return nil, err
	}
	return &CompleteMultipartUploadOutput{Location: res.Location, ETag: res.ETag,
		VersionID: resp.Header.Get(s3xml.HeaderVersionID), Checksums: checksumsFromXML(res.Checksums)}, nil
}

// AbortMultipartUploadInput is the input of AbortMultipartUpload.
type AbortMultipartUploadInput struct {
	Bucket, Key, UploadID string
}

// AbortMultipartUploadOutput is the result of AbortMultipartUpload.
type AbortMultipartUploadOutput struct{}

// AbortMultipartUpload discards an upload and its parts.
func (c *Client) AbortMultipartUpload(ctx context.Context, in *AbortMultipartUploadInput) (*AbortMultipartUploadOutput, error) {
	cl := &call{op: "AbortMultipartUpload", method: http.MethodDelete, bucket: in.Bucket, key: in.Key,
		query: url.Values{"uploadId": {in.UploadID}}}
	if err := c.doXML(ctx, cl, nil, nil); err != nil {
		return nil, err
	}
	return &AbortMultipartUploadOutput{}, nil
}

// ListPartsInput is the input of ListParts.
type ListPartsInput struct {
	Bucket, Key, UploadID string
	PartNumberMarker      int
	MaxParts              int
}

// PartInfo is one uploaded part.
type PartInfo struct {
	PartNumber   int
	ETag         string
	Size         int64
	LastModified time.Time
	Checksums    Checksums
}

// ListPartsOutput is one page of ListParts.
type ListPartsOutput struct {
	Parts                []PartInfo
	IsTruncated          bool
	NextPartNumberMarker int
	ChecksumAlgorithm    string
}

// ListParts returns one page of an upload's parts.
func (c *Client) ListParts(ctx context.Context, in *ListPartsInput) (*ListPartsOutput, error) {
	q := url.Values{"uploadId": {in.UploadID}}
	if in.PartNumberMarker > 0 {
		q.Set("part-number-marker", strconv.Itoa(in.PartNumberMarker))
	}
	if in.MaxParts > 0 {
		q.Set("max-parts", strconv.Itoa(in.MaxParts))
	}
	var res s3xml.ListPartsResult
	cl := &call{op: "ListParts", method: http.MethodGet, bucket: in.Bucket, key: in.Key, query: q}
	if err := c.doXML(ctx, cl, nil, &res); err != nil {
		return nil, err
	}
	out := &ListPartsOutput{IsTruncated: res.IsTruncated, NextPartNumberMarker: res.NextPartNumberMarker, ChecksumAlgorithm: res.ChecksumAlgorithm}
	for _, p := range res.Parts {
		out.Parts = append(out.Parts, PartInfo{PartNumber: p.PartNumber, ETag: p.ETag, Size: p.Size,
			LastModified: p.LastModified.Time, Checksums: checksumsFromXML(p.Checksums)})
	}
	return out, nil
}

func (p *ListPartsOutput) truncated() bool { return p.IsTruncated }

// ListPartsPages iterates over the pages of ListParts.
func (c *Client) ListPartsPages(ctx context.Context, in *ListPartsInput) iter.Seq2[*ListPartsOutput, error] {
	stuck := &OpError{Op: "ListParts", Bucket: in.Bucket, Key: in.Key, Err: errPaginationStuck}
	return paginate(ctx, in, c.ListParts, stuck, func(req *ListPartsInput, page *ListPartsOutput) bool {
		if page.NextPartNumberMarker <= req.PartNumberMarker {
			return false
		}
		req.PartNumberMarker = page.NextPartNumberMarker
		return true
	})
}

// AllParts iterates over every part of an upload across ListParts pages.
func (c *Client) AllParts(ctx context.Context, in *ListPartsInput) iter.Seq2[PartInfo, error] {
	return items(c.ListPartsPages(ctx, in), func(p *ListPartsOutput) []PartInfo { return p.Parts })
}

// ListMultipartUploadsInput is the input of ListMultipartUploads.
type ListMultipartUploadsInput struct {
	Bucket, Prefix, Delimiter string
	KeyMarker, UploadIDMarker string
	MaxUploads                int
}

// UploadInfo is one in-progress multipart upload.
type UploadInfo struct {
	Key       string
	UploadID  string
	Initiated time.Time
}

// ListMultipartUploadsOutput is one page of ListMultipartUploads.
type ListMultipartUploadsOutput struct {
	Uploads            []UploadInfo
	CommonPrefixes     []string
	IsTruncated        bool
	NextKeyMarker      string
	NextUploadIDMarker string
}

// ListMultipartUploads returns one page of in-progress uploads.
func (c *Client) ListMultipartUploads(ctx context.Context, in *ListMultipartUploadsInput) (*ListMultipartUploadsOutput, error) {
	q := url.Values{"uploads": {""}, "encoding-type": {s3xml.EncodingTypeURL}}
	setQ(q, "prefix", in.Prefix)
	setQ(q, "delimiter", in.Delimiter)
	setQ(q, "key-marker", in.KeyMarker)
	setQ(q, "upload-id-marker", in.UploadIDMarker)
	if in.MaxUploads > 0 {
		q.Set("max-uploads", strconv.Itoa(in.MaxUploads))
	}
	var res s3xml.ListMultipartUploadsResult
	cl := &call{op: "ListMultipartUploads", method: http.MethodGet, bucket: in.Bucket, query: q}
	if err := c.doXML(ctx, cl, nil, &res); err != nil {
		return nil, err
	}
	dec := decoder(res.EncodingType)
	out := &ListMultipartUploadsOutput{IsTruncated: res.IsTruncated, NextKeyMarker: dec(res.NextKeyMarker), NextUploadIDMarker: res.NextUploadIDMarker}
	for _, u := range res.Uploads {
		out.Uploads = append(out.Uploads, UploadInfo{Key: dec(u.Key), UploadID: u.UploadID, Initiated: u.Initiated.Time})
	}
	for _, p := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, dec(p.Prefix))
	}
	return out, nil
}

func (p *ListMultipartUploadsOutput) truncated() bool { return p.IsTruncated }

// ListMultipartUploadsPages iterates over the pages of ListMultipartUploads.
func (c *Client) ListMultipartUploadsPages(ctx context.Context, in *ListMultipartUploadsInput) iter.Seq2[*ListMultipartUploadsOutput, error] {
	stuck := &OpError{Op: "ListMultipartUploads", Bucket: in.Bucket, Err: errPaginationStuck}
	return paginate(ctx, in, c.ListMultipartUploads, stuck, func(req *ListMultipartUploadsInput, page *ListMultipartUploadsOutput) bool {
		if page.NextKeyMarker == "" && page.NextUploadIDMarker == "" ||
			page.NextKeyMarker == req.KeyMarker && page.NextUploadIDMarker == req.UploadIDMarker {
			return false
		}
		req.KeyMarker, req.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
		return true
	})
}

// AllMultipartUploads iterates over every in-progress upload across
// ListMultipartUploads pages. Common prefixes (with a delimiter) are only
// in the pages.
func (c *Client) AllMultipartUploads(ctx context.Context, in *ListMultipartUploadsInput) iter.Seq2[UploadInfo, error] {
	return items(c.ListMultipartUploadsPages(ctx, in), func(p *ListMultipartUploadsOutput) []UploadInfo { return p.Uploads })
}
