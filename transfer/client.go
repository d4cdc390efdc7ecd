package transfer

import (
	"context"
	"io"
	"iter"
	"time"
)

// Client is the part of an S3 client the transfer manager calls. It is
// declared here, where it is consumed, so tests can inject failures and so
// the manager works with any client; NewS3Client adapts *s3.Client.
//
// Implementations must be safe for concurrent use. ETags may be returned with
// or without their surrounding quotes.
type Client interface {
	// PutObject uploads a whole object in one request. in.Body is an
	// io.ReadSeeker so the client can retry it.
	PutObject(ctx context.Context, in PutInput) (PutOutput, error)
	// CreateMultipartUpload starts a multipart upload (in.Body is unused).
	CreateMultipartUpload(ctx context.Context, in PutInput) (uploadID string, err error)
	// UploadPart uploads one part of a multipart upload.
	UploadPart(ctx context.Context, in PartInput) (PartOutput, error)
	// CompleteMultipartUpload assembles parts (in ascending part order).
	CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []Part) (PutOutput, error)
	// AbortMultipartUpload discards an upload and its parts.
	AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error
	// HeadObject returns an object's metadata.
	HeadObject(ctx context.Context, bucket, key string) (Object, error)
	// GetObject streams n bytes of the object from offset off (n < 0: to
	// the end). The returned Object describes the whole object.
	GetObject(ctx context.Context, bucket, key string, off, n int64) (io.ReadCloser, Object, error)
	// ListObjects yields every object under prefix in S3 key order (UTF-8
	// byte order), fetching pages as the caller advances.
	ListObjects(ctx context.Context, bucket, prefix string) iter.Seq2[Object, error]
	// DeleteObjects deletes up to 1,000 keys in one request and reports the
	// keys that could not be deleted.
	DeleteObjects(ctx context.Context, bucket string, keys []string) ([]DeleteFailure, error)
	// CopyObject copies an object server-side.
	CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string) (PutOutput, error)
	// UploadPartCopy copies bytes first..last (inclusive) of the source
	// object into a part of a multipart upload, server-side.
	UploadPartCopy(ctx context.Context, in PartInput, srcBucket, srcKey string, first, last int64) (PartOutput, error)
}

// PartChecksummer is implemented by clients that protect every PutObject
// and UploadPart body themselves: with a check the server verifies (a
// checksum to a server known to verify it, or Content-MD5) and, where the
// server is not known to verify, by comparing the ETag with the body's MD5.
// The Manager then skips computing Content-MD5, saving a pass over every
// byte. For any other client the Manager sends Content-MD5 and compares
// the returned ETag with it.
type PartChecksummer interface {
	ChecksumsParts() bool
}

// PutInput describes an object to write.
type PutInput struct {
	Bucket, Key string
	// Body is the payload (PutObject only).
	Body io.ReadSeeker
	// Size is the length of Body.
	Size int64
	// ContentMD5 is the base64 MD5 of Body, so the server rejects a
	// corrupted upload (RFC 1864, as aws-cli sends it).
	ContentMD5  string
	ContentType string
}

// PutOutput is what a write returns.
type PutOutput struct {
	ETag string
	// ETagNotMD5: as in PartOutput.
	ETagNotMD5 bool
}

// PartInput is one part of a multipart upload.
type PartInput struct {
	Bucket, Key, UploadID string
	PartNumber            int
	Body                  io.ReadSeeker
	Size                  int64
	ContentMD5            string
}

// PartOutput is what UploadPart returns.
type PartOutput struct {
	ETag string
	// ETagNotMD5 says the ETag is not the MD5 of the body (SSE-KMS and
	// SSE-C objects), so the Manager does not compare it with the
	// Content-MD5 it sent.
	ETagNotMD5 bool
}

// Part is a completed part, as CompleteMultipartUpload takes it.
type Part struct {
	PartNumber int
	ETag       string
}

// Object describes a stored object.
type Object struct {
	Key          string
	Size         int64
	ETag         string
	LastModified time.Time
	ContentType  string
	// Encrypted is true when the object is stored with SSE-KMS or SSE-C,
	// whose ETags are not the MD5 of the content.
	Encrypted bool
	// Checksummed is set by GetObject when the body it returns verifies a
	// full-object checksum (such as x-amz-checksum-crc32) once read to EOF,
	// and fails the read on a mismatch.
	Checksummed bool
}

// DeleteFailure is one key a batch delete could not remove.
type DeleteFailure struct {
	Key     string
	Code    string
	Message string
}

// Error implements error.
func (f *DeleteFailure) Error() string { return f.Code + ": " + f.Message }
