package s3

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// PutObjectInput is the input of PutObject.
type PutObjectInput struct {
	Bucket, Key string
	// Body is the object's content; nil means empty. A Body that is an
	// io.Seeker (*os.File, *bytes.Reader, io.SectionReader) is rewound for
	// retries; any other reader streamed to AWS or s3kit is sent once and
	// never retried. Other servers get such a reader read into memory
	// first, since its Content-MD5 must be sent before it.
	Body io.Reader
	// ContentLength is Body's length. Zero means "find out": from Seek or
	// Len() when Body offers them, else by reading Body into memory first.
	// Set it for a non-seekable stream of known length so it streams (to
	// AWS and s3kit).
	ContentLength int64
	ObjectHeaders
	// ContentMD5 is a base64 MD5 of Body for the server to verify.
	ContentMD5 string
	// IfMatch / IfNoneMatch make the write conditional ("*" with
	// IfNoneMatch: create only).
	IfMatch, IfNoneMatch string
}

// PutObjectOutput is the result of PutObject.
type PutObjectOutput struct {
	ETag      string
	VersionID string
	Checksums Checksums
	// Encryption is how the server encrypted the object; under SSE-KMS and
	// SSE-C the ETag is not the body's MD5 (see Encryption.ETagIsMD5).
	Encryption Encryption
}

// PutObject stores an object. The body travels with a check the server
// verifies (a CRC32 to AWS and s3kit, Content-MD5 elsewhere), so it rejects
// a corrupted upload (BadDigest); where the server is not known to verify,
// an ETag that is not the MD5 sent is an *IntegrityError.
func (c *Client) PutObject(ctx context.Context, in *PutObjectInput) (*PutObjectOutput, error) {
	resp, err := c.do(ctx, in.request())
	if err != nil {
		return nil, err
	}
	drain(resp)
	return &PutObjectOutput{ETag: resp.Header.Get("Etag"), VersionID: resp.Header.Get(s3xml.HeaderVersionID),
		Checksums: checksumsFromHeader(resp.Header), Encryption: encryptionFromHeader(resp.Header)}, nil
}

func (in *PutObjectInput) request() *call {
	h := http.Header{}
	in.ObjectHeaders.apply(h)
	set(h, "Content-Md5", in.ContentMD5)
	set(h, "If-Match", in.IfMatch)
	set(h, "If-None-Match", in.IfNoneMatch)
	return &call{op: "PutObject", method: http.MethodPut, bucket: in.Bucket, key: in.Key,
		header: h, body: in.Body, size: lengthOrUnknown(in.Body, in.ContentLength), checksum: true}
}

func lengthOrUnknown(body io.Reader, n int64) int64 {
	if body == nil {
		return 0
	}
	if n > 0 {
		return n
	}
	return -1
}

// drain discards what is left of a small response body and closes it so
// the connection can be reused.
func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// GetObjectInput is the input of GetObject.
type GetObjectInput struct {
	Bucket, Key string
	VersionID   string
	// Range is an HTTP range, e.g. "bytes=0-1023" or "bytes=-500".
	Range string
	// PartNumber selects one part of a multipart object (1-based).
	PartNumber int
	// Conditions: a failed If-Match/If-Unmodified-Since is a
	// PreconditionFailed error, a failed If-None-Match/If-Modified-Since a
	// NotModified error (status 304).
	IfMatch, IfNoneMatch               string
	IfModifiedSince, IfUnmodifiedSince time.Time
	// ChecksumMode asks for stored checksums. GetObject asks whenever
	// response validation is when_supported (the default) anyway.
	ChecksumMode bool
}

// HeadObjectInput is the input of HeadObject: the fields of
// GetObjectInput, with the same meaning.
type HeadObjectInput struct {
	Bucket, Key string
	VersionID   string
	// Range is an HTTP range; the answer describes that range
	// (ContentLength, ContentRange) and the whole object (Size).
	Range string
	// PartNumber selects one part of a multipart object (1-based).
	PartNumber int
	// Conditions: a failed If-Match/If-Unmodified-Since is a
	// PreconditionFailed error, a failed If-None-Match/If-Modified-Since a
	// NotModified error (status 304).
	IfMatch, IfNoneMatch               string
	IfModifiedSince, IfUnmodifiedSince time.Time
	// ChecksumMode asks for the stored checksums (x-amz-checksum-mode).
	ChecksumMode bool
}

func (in *GetObjectInput) request(op, method string, checksumMode bool) *call {
	h := http.Header{}
	set(h, "Range", in.Range)
	set(h, "If-Match", in.IfMatch)
	set(h, "If-None-Match", in.IfNoneMatch)
	setTime(h, "If-Modified-Since", in.IfModifiedSince)
	setTime(h, "If-Unmodified-Since", in.IfUnmodifiedSince)
	if checksumMode {
		h.Set(s3xml.HeaderChecksumMode, s3xml.ChecksumModeEnabled)
	}
	q := url.Values{}
	if in.VersionID != "" {
		q.Set("versionId", in.VersionID)
	}
	if in.PartNumber > 0 {
		q.Set("partNumber", strconv.Itoa(in.PartNumber))
	}
	return &call{op: op, method: method, bucket: in.Bucket, key: in.Key, header: h, query: q}
}

// GetObjectOutput is a streaming GET response. The caller must close Body.
type GetObjectOutput struct {
	ObjectInfo
	// Body streams the content. When the server sent a full-object
	// checksum and validation is enabled, reading to EOF verifies it and a
	// mismatch is returned by Read as a *ChecksumError.
	Body io.ReadCloser
	// ChecksumVerified is true when Body verifies such a checksum at EOF.
	ChecksumVerified bool
}

// GetObject starts downloading an object and returns as soon as the
// response headers arrive; the body streams from Body. Errors before the
// body (including 304 and 412 for conditions) are retried per the retry
// policy where retryable; errors while reading Body are not.
func (c *Client) GetObject(ctx context.Context, in *GetObjectInput) (*GetObjectOutput, error) {
	resp, err := c.do(ctx, in.request("GetObject", http.MethodGet, c.respChecksum == WhenSupported || in.ChecksumMode))
	if err != nil {
		return nil, err
	}
	out := &GetObjectOutput{ObjectInfo: objectInfoFromResponse(resp), Body: resp.Body}
	if in.Range == "" && in.PartNumber == 0 && resp.StatusCode == http.StatusOK {
		out.Body, out.ChecksumVerified = c.verifyingBody(resp.Body, out.Checksums, in.Bucket, in.Key)
	}
	return out, nil
}

// HeadObjectOutput is the result of HeadObject.
type HeadObjectOutput struct{ ObjectInfo }

// HeadObject returns an object's metadata. A missing key is an *Error with
// status 404 and code NotFound (HEAD responses have no body to say more);
// errors.Is(err, s3.NotFound) and IsNotFound match it.
func (c *Client) HeadObject(ctx context.Context, in *HeadObjectInput) (*HeadObjectOutput, error) {
	get := GetObjectInput(*in)
	resp, err := c.do(ctx, get.request("HeadObject", http.MethodHead, in.ChecksumMode))
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return &HeadObjectOutput{objectInfoFromResponse(resp)}, nil
}

// DeleteObjectInput is the input of DeleteObject.
type DeleteObjectInput struct {
	Bucket, Key string
	VersionID   string
}

// DeleteObjectOutput is the result of DeleteObject.
type DeleteObjectOutput struct {
	// DeleteMarker is true when the delete created (or removed) a delete
	// marker in a versioned bucket.
	DeleteMarker bool
	VersionID    string
}

// DeleteObject deletes one object. Deleting a missing key succeeds, as in S3.
func (c *Client) DeleteObject(ctx context.Context, in *DeleteObjectInput) (*DeleteObjectOutput, error) {
	q := url.Values{}
	if in.VersionID != "" {
		q.Set("versionId", in.VersionID)
	}
	resp, err := c.do(ctx, &call{op: "DeleteObject", method: http.MethodDelete, bucket: in.Bucket, key: in.Key, query: q})
	if err != nil {
		return nil, err
	}
	drain(resp)
	return &DeleteObjectOutput{DeleteMarker: resp.Header.Get(s3xml.HeaderDeleteMarker) == "true",
		VersionID: resp.Header.Get(s3xml.HeaderVersionID)}, nil
}

// ObjectID names an object (optionally one version) to delete.
type ObjectID struct {
	Key       string
	VersionID string
}

// DeletedObject is one success in a DeleteObjects result.
type DeletedObject struct {
	Key                   string
	VersionID             string
	DeleteMarker          bool
	DeleteMarkerVersionID string
}

// DeleteObjectsError is one per-key failure in a DeleteObjects result.
type DeleteObjectsError struct {
	Key, VersionID, Code, Message string
}

// DeleteObjectsInput is the input of DeleteObjects.
type DeleteObjectsInput struct {
	Bucket  string
	Objects []ObjectID
	// Quiet asks the server to list only failures, not every deleted key.
	Quiet bool
}

// DeleteObjectsOutput is the result of DeleteObjects. A request that
// succeeds can still report per-key Errors.
type DeleteObjectsOutput struct {
	Deleted []DeletedObject
	Errors  []DeleteObjectsError
}

// MaxDeleteObjects is the most keys one DeleteObjects request carries.
const MaxDeleteObjects = s3xml.MaxDeleteObjects

// DeleteObjects deletes many objects with batched requests of at most
// MaxDeleteObjects keys each, sent one after another; results are merged.
// Each request carries
// Content-MD5 (which every S3 implementation accepts, unlike the CRC32
// header botocore switched to in 2025), and CRC32 too where supported.
func (c *Client) DeleteObjects(ctx context.Context, in *DeleteObjectsInput) (*DeleteObjectsOutput, error) {
	out := &DeleteObjectsOutput{}
	objects := in.Objects
	for len(objects) > 0 {
		n := min(len(objects), MaxDeleteObjects)
		batch := objects[:n]
		objects = objects[n:]
		doc := s3xml.Delete{Quiet: in.Quiet}
		for _, o := range batch {
			doc.Objects = append(doc.Objects, s3xml.ObjectIdentifier{Key: o.Key, VersionID: o.VersionID})
		}
		var res s3xml.DeleteResult
		cl := &call{op: "DeleteObjects", method: http.MethodPost, bucket: in.Bucket,
			query: url.Values{"delete": {""}}, requireMD5: true, checksum: true}
		if err := c.doXML(ctx, cl, doc, &res); err != nil {
			return out, err
		}
		for _, d := range res.Deleted {
			out.Deleted = append(out.Deleted, DeletedObject(d))
		}
		for _, e := range res.Errors {
			out.Errors = append(out.Errors, DeleteObjectsError{Key: e.Key, VersionID: e.VersionID, Code: e.Code, Message: e.Message})
		}
	}
	return out, nil
}

// CopyObjectInput is the input of CopyObject.
type CopyObjectInput struct {
	Bucket, Key                      string // destination
	SourceBucket, SourceKey          string
	SourceVersionID                  string
	SourceIfMatch, SourceIfNoneMatch string
	// MetadataDirective is "COPY" (default: keep the source's headers and
	// metadata) or "REPLACE" (use ObjectHeaders).
	MetadataDirective string
	ObjectHeaders
}

// CopyObjectOutput is the result of CopyObject.
type CopyObjectOutput struct {
	ETag            string
	LastModified    time.Time
	VersionID       string
	SourceVersionID string
	Checksums       Checksums
}

// CopyObject copies an object server-side (up to 5 GiB; larger objects
// need UploadPartCopy). A failure S3 reports inside a 200 response is
// returned as an *Error.
func (c *Client) CopyObject(ctx context.Context, in *CopyObjectInput) (*CopyObjectOutput, error) {
	h := http.Header{}
	h.Set(s3xml.HeaderCopySource, copySource(in.SourceBucket, in.SourceKey, in.SourceVersionID))
	set(h, s3xml.HeaderCopySourceIfMatch, in.SourceIfMatch)
	set(h, s3xml.HeaderCopySourceIfNoneMatch, in.SourceIfNoneMatch)
	set(h, s3xml.HeaderMetadataDirective, in.MetadataDirective)
	in.ObjectHeaders.apply(h)
	var res s3xml.CopyObjectResult
	cl := &call{op: "CopyObject", method: http.MethodPut, bucket: in.Bucket, key: in.Key, header: h, errorIn200: true}
	resp, err := c.doXMLResp(ctx, cl, nil, &res)
	if err != nil {
		return nil, err
	}
	return &CopyObjectOutput{ETag: res.ETag, LastModified: res.LastModified.Time,
		VersionID: resp.Header.Get(s3xml.HeaderVersionID), SourceVersionID: resp.Header.Get("X-Amz-Copy-Source-Version-Id"),
		Checksums: checksumsFromXML(res.Checksums)}, nil
}

// copySource is the x-amz-copy-source value: bucket/key percent-encoded
// as botocore does (quote with safe "/~"), plus ?versionId=.
func copySource(bucket, key, version string) string {
	s := escapePath(bucket + "/" + key)
	if version != "" {
		s += "?versionId=" + url.QueryEscape(version)
	}
	return s
}

// doXML sends cl with doc (nil for none) as its XML body and decodes the
// response into out (nil to discard).
func (c *Client) doXML(ctx context.Context, cl *call, doc, out any) error {
	_, err := c.doXMLResp(ctx, cl, doc, out)
	return err
}

func (c *Client) doXMLResp(ctx context.Context, cl *call, doc, out any) (*http.Response, error) {
	if doc != nil {
		b, err := xml.Marshal(doc)
		if err != nil {
			return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: fmt.Errorf("encode request: %w", err)}
		}
		cl.body, cl.size = bytes.NewReader(b), int64(len(b))
		if cl.header == nil {
			cl.header = http.Header{}
		}
		cl.header.Set("Content-Type", "application/xml")
	}
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if out == nil {
		drain(resp)
		return resp, nil
	}
	if err := decodeXML(io.LimitReader(resp.Body, 64<<20), out); err != nil {
		return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: fmt.Errorf("decode response: %w", err)}
	}
	return resp, nil
}

// decodeXML decodes the document in r into out, accepting any root element
// name, as botocore does: some servers (moto) wrap results in
// <XxxResponse> where S3 sends <XxxResult>.
func decodeXML(r io.Reader, out any) error {
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if f, ok := reflect.TypeOf(out).Elem().FieldByName("XMLName"); ok {
			if name, _, _ := strings.Cut(f.Tag.Get("xml"), ","); name != "" {
				start.Name.Local = name
			}
		}
		return d.DecodeElement(out, &start)
	}
}
