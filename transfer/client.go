package transfer

import (
	"context"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/s3kit/s3kit/s3"
)

// Client is the part of an S3 client the transfer manager calls, in the
// s3 package's own shapes, so *s3.Client satisfies it as it is:
//
//	m := transfer.New(client, transfer.Options{})
//
// It is declared here, where it is consumed, so tests can inject failures
// with a fake and so a caller can wrap *s3.Client (to meter or trace
// requests, say). Implementations must be safe for concurrent use; ETags
// may be returned with or without their surrounding quotes.
type Client interface {
	// PutObject uploads a whole object in one request. The Manager's
	// bodies are io.ReadSeekers, so the client can retry them.
	PutObject(ctx context.Context, in *s3.PutObjectInput) (*s3.PutObjectOutput, error)
	// CreateMultipartUpload starts a multipart upload.
	CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput) (*s3.CreateMultipartUploadOutput, error)
	// UploadPart uploads one part of a multipart upload.
	UploadPart(ctx context.Context, in *s3.UploadPartInput) (*s3.UploadPartOutput, error)
	// CompleteMultipartUpload assembles parts (in ascending part order).
	CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput) (*s3.CompleteMultipartUploadOutput, error)
	// AbortMultipartUpload discards an upload and its parts.
	AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput) (*s3.AbortMultipartUploadOutput, error)
	// HeadObject returns an object's metadata.
	HeadObject(ctx context.Context, in *s3.HeadObjectInput) (*s3.HeadObjectOutput, error)
	// GetObject streams an object or a range of it (in.Range); the output's
	// Size is the whole object's. ChecksumVerified says the body checks a
	// full-object checksum at EOF and fails the read on a mismatch.
	GetObject(ctx context.Context, in *s3.GetObjectInput) (*s3.GetObjectOutput, error)
	// AllObjectsV2 yields every object of a listing in S3 key order (UTF-8
	// byte order), fetching pages as the caller advances. The Manager lists
	// without a delimiter.
	AllObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input) iter.Seq2[s3.Object, error]
	// DeleteObjects deletes keys (the Manager sends at most MaxBatchDelete,
	// with Quiet set) and reports the ones that could not be deleted.
	DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput) (*s3.DeleteObjectsOutput, error)
	// CopyObject copies an object server-side.
	CopyObject(ctx context.Context, in *s3.CopyObjectInput) (*s3.CopyObjectOutput, error)
	// UploadPartCopy copies a byte range (in.SourceRange) of an object into
	// a part of a multipart upload, server-side.
	UploadPartCopy(ctx context.Context, in *s3.UploadPartCopyInput) (*s3.UploadPartCopyOutput, error)
}

var _ Client = (*s3.Client)(nil)

// PartChecksummer is implemented by clients that protect every PutObject
// and UploadPart body themselves: with a check the server verifies (a
// checksum to a server known to verify it, or Content-MD5) and, where the
// server is not known to verify, by comparing the ETag with the body's MD5.
// The Manager then skips computing Content-MD5, saving a pass over every
// byte. *s3.Client does all this and counts as one; for any other client
// the Manager sends Content-MD5 and compares the returned ETag with it.
type PartChecksummer interface {
	ChecksumsParts() bool
}

// checksumsParts reports whether c protects bodies itself (PartChecksummer).
func checksumsParts(c Client) bool {
	if _, ok := c.(*s3.Client); ok {
		return true
	}
	pc, ok := c.(PartChecksummer)
	return ok && pc.ChecksumsParts()
}

// DeleteFailure is one key a batch delete could not remove.
type DeleteFailure struct {
	Key     string
	Code    string
	Message string
}

// Error implements error.
func (f *DeleteFailure) Error() string { return f.Code + ": " + f.Message }

// object is what the Manager needs to know about a stored object.
type object struct {
	Size         int64
	ETag         string
	LastModified time.Time
	// Encrypted: the object is stored with SSE-KMS or SSE-C, whose ETags
	// are not the MD5 of the content.
	Encrypted bool
	// Checksummed: the body GetObject returned verifies a full-object
	// checksum once read to EOF.
	Checksummed bool
}

func objectOf(info s3.ObjectInfo) object {
	return object{Size: info.Size, ETag: info.ETag, LastModified: info.LastModified, Encrypted: !info.Encryption.ETagIsMD5()}
}

// headObject returns bucket/key's metadata.
func headObject(ctx context.Context, c Client, bucket, key string) (object, error) {
	out, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key})
	if err != nil {
		return object{}, err
	}
	return objectOf(out.ObjectInfo), nil
}

// getObject streams n bytes of bucket/key from offset off (n < 0: to the
// end); the object describes the whole object.
func getObject(ctx context.Context, c Client, bucket, key string, off, n int64) (io.ReadCloser, object, error) {
	in := &s3.GetObjectInput{Bucket: bucket, Key: key}
	switch {
	case n > 0:
		in.Range = fmt.Sprintf("bytes=%d-%d", off, off+n-1)
	case off > 0:
		in.Range = fmt.Sprintf("bytes=%d-", off)
	}
	out, err := c.GetObject(ctx, in)
	if err != nil {
		return nil, object{}, err
	}
	o := objectOf(out.ObjectInfo)
	o.Checksummed = out.ChecksumVerified
	return out.Body, o, nil
}

// listObjects yields the objects under prefix, in key order.
func listObjects(ctx context.Context, c Client, bucket, prefix string) iter.Seq2[s3.Object, error] {
	return func(yield func(s3.Object, error) bool) {
		for o, err := range c.AllObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, Prefix: prefix}) {
			if o.IsPrefix {
				continue // none without a delimiter, but a server may send one
			}
			if !yield(o, err) || err != nil {
				return
			}
		}
	}
}
