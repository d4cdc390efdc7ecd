package transfer

import (
	"context"
	"fmt"
	"io"
	"iter"

	"github.com/s3kit/s3kit/s3"
)

// s3Client adapts *s3.Client to Client.
type s3Client struct{ c *s3.Client }

// NewS3Client returns c as a Client for New.
func NewS3Client(c *s3.Client) Client { return s3Client{c} }

var _ Client = s3Client{}

func (a s3Client) PutObject(ctx context.Context, in PutInput) (PutOutput, error) {
	out, err := a.c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: in.Bucket, Key: in.Key, Body: in.Body, ContentLength: in.Size,
		ContentMD5: in.ContentMD5, ObjectHeaders: s3.ObjectHeaders{ContentType: in.ContentType},
	})
	if err != nil {
		return PutOutput{}, err
	}
	return PutOutput{ETag: out.ETag}, nil
}

func (a s3Client) CreateMultipartUpload(ctx context.Context, in PutInput) (string, error) {
	out, err := a.c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: in.Bucket, Key: in.Key, ObjectHeaders: s3.ObjectHeaders{ContentType: in.ContentType},
	})
	if err != nil {
		return "", err
	}
	return out.UploadID, nil
}

// ChecksumsParts reports that the s3 client protects every body itself (a
// CRC32 to AWS and s3kit, which verify it; Content-MD5 elsewhere, with the
// ETag compared: see s3.IntegrityError), so the Manager need not compute
// Content-MD5.
func (a s3Client) ChecksumsParts() bool { return true }

// UploadPart sends the part with the client's checksum; s3.UploadPartInput
// has no Content-MD5 field.
func (a s3Client) UploadPart(ctx context.Context, in PartInput) (PartOutput, error) {
	out, err := a.c.UploadPart(ctx, &s3.UploadPartInput{
		Bucket: in.Bucket, Key: in.Key, UploadID: in.UploadID, PartNumber: in.PartNumber,
		Body: in.Body, ContentLength: in.Size,
	})
	if err != nil {
		return PartOutput{}, err
	}
	return PartOutput{ETag: out.ETag}, nil
}

func (a s3Client) CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []Part) (PutOutput, error) {
	cps := make([]s3.CompletedPart, len(parts))
	for i, p := range parts {
		cps[i] = s3.CompletedPart{PartNumber: p.PartNumber, ETag: `"` + trimETag(p.ETag) + `"`}
	}
	out, err := a.c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadID: uploadID, Parts: cps})
	if err != nil {
		return PutOutput{}, err
	}
	return PutOutput{ETag: out.ETag}, nil
}

func (a s3Client) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	_, err := a.c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: bucket, Key: key, UploadID: uploadID})
	return err
}

func objectFromInfo(key string, info s3.ObjectInfo) Object {
	return Object{Key: key, Size: info.Size, ETag: info.ETag, LastModified: info.LastModified, ContentType: info.ContentType}
}

func (a s3Client) HeadObject(ctx context.Context, bucket, key string) (Object, error) {
	out, err := a.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key})
	if err != nil {
		return Object{}, err
	}
	return objectFromInfo(key, out.ObjectInfo), nil
}

func (a s3Client) GetObject(ctx context.Context, bucket, key string, off, n int64) (io.ReadCloser, Object, error) {
	in := &s3.GetObjectInput{Bucket: bucket, Key: key}
	switch {
	case n > 0:
		in.Range = fmt.Sprintf("bytes=%d-%d", off, off+n-1)
	case off > 0:
		in.Range = fmt.Sprintf("bytes=%d-", off)
	}
	out, err := a.c.GetObject(ctx, in)
	if err != nil {
		return nil, Object{}, err
	}
	o := objectFromInfo(key, out.ObjectInfo)
	o.Checksummed = out.ChecksumVerified
	return out.Body, o, nil
}

func (a s3Client) ListObjects(ctx context.Context, bucket, prefix string) iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		for o, err := range a.c.AllObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, Prefix: prefix}) {
			if err != nil {
				yield(Object{}, err)
				return
			}
			if o.IsPrefix {
				continue
			}
			if !yield(Object{Key: o.Key, Size: o.Size, ETag: o.ETag, LastModified: o.LastModified}, nil) {
				return
			}
		}
	}
}

func (a s3Client) DeleteObjects(ctx context.Context, bucket string, keys []string) ([]DeleteFailure, error) {
	ids := make([]s3.ObjectID, len(keys))
	for i, k := range keys {
		ids[i] = s3.ObjectID{Key: k}
	}
	out, err := a.c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Objects: ids, Quiet: true})
	if err != nil {
		return nil, err
	}
	var fails []DeleteFailure
	for _, e := range out.Errors {
		fails = append(fails, DeleteFailure{Key: e.Key, Code: e.Code, Message: e.Message})
	}
	return fails, nil
}

func (a s3Client) CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string) (PutOutput, error) {
	out, err := a.c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: dstBucket, Key: dstKey, SourceBucket: srcBucket, SourceKey: srcKey})
	if err != nil {
		return PutOutput{}, err
	}
	return PutOutput{ETag: out.ETag}, nil
}

func (a s3Client) UploadPartCopy(ctx context.Context, in PartInput, srcBucket, srcKey string, first, last int64) (PartOutput, error) {
	out, err := a.c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{
		Bucket: in.Bucket, Key: in.Key, UploadID: in.UploadID, PartNumber: in.PartNumber,
		SourceBucket: srcBucket, SourceKey: srcKey, SourceRange: fmt.Sprintf("bytes=%d-%d", first, last),
	})
	if err != nil {
		return PartOutput{}, err
	}
	return PartOutput{ETag: out.ETag}, nil
}
