package s3

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/s3kit/s3kit/sigv4"
)

// PresignedRequest is a presigned URL and the HTTP method to use it with.
// It carries no headers: whoever holds the URL needs nothing else.
type PresignedRequest struct {
	Method string
	URL    string
}

// PresignGetObject returns a URL anyone can GET the object with, until
// expires from now (1 s to 7 days, SigV4's limits). Fetch it with plain
// net/http; no headers are required. Of in, only Bucket, Key, VersionID
// and PartNumber can be presigned (they travel in the URL); a field that
// would be a header (Range, conditions, ChecksumMode) is an error.
func (c *Client) PresignGetObject(ctx context.Context, in *GetObjectInput, expires time.Duration) (*PresignedRequest, error) {
	return c.presign(ctx, in.request("GetObject", http.MethodGet, in.ChecksumMode), expires)
}

// PresignPutObject returns a URL that uploads the object with a plain PUT
// of the body (no checksum or content-type is bound to the signature, so
// the uploader may send any Content-Type). Of in, only Bucket and Key can
// be presigned; Body must be nil (the uploader sends it), and a field that
// would be a header (ObjectHeaders, ContentMD5, conditions) is an error.
func (c *Client) PresignPutObject(ctx context.Context, in *PutObjectInput, expires time.Duration) (*PresignedRequest, error) {
	return c.presign(ctx, in.request(), expires)
}

// PresignUploadPart returns a URL that uploads one part of a multipart
// upload with a plain PUT; the ETag response header is what
// CompleteMultipartUpload needs. Of in, Bucket, Key, UploadID and
// PartNumber are presigned; Body must be nil and ContentMD5 empty.
func (c *Client) PresignUploadPart(ctx context.Context, in *UploadPartInput, expires time.Duration) (*PresignedRequest, error) {
	return c.presign(ctx, in.request(), expires)
}

// presign signs cl's URL (bucket, key, query) for expires. A body or a
// header cannot be carried by a URL, so either is an error.
func (c *Client) presign(ctx context.Context, cl *call, expires time.Duration) (*PresignedRequest, error) {
	fail := func(err error) (*PresignedRequest, error) {
		return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Key: cl.key, Err: err}
	}
	if expires < time.Second || expires > 7*24*time.Hour {
		return fail(fmt.Errorf("presign expiry %v out of range: 1s to 7 days", expires))
	}
	if cl.body != nil {
		return fail(errors.New("a presigned request carries no body: leave Body nil"))
	}
	if len(cl.header) > 0 {
		return fail(fmt.Errorf("%s cannot be presigned: the URL carries no headers", slices.Sorted(maps.Keys(cl.header))[0]))
	}
	if err := validateTarget(cl); err != nil {
		return fail(err)
	}
	creds, signed, err := c.creds(ctx)
	if err != nil {
		return fail(fmt.Errorf("credentials: %w", err))
	}
	u := c.objectURL(cl.bucket, cl.key, cl.query)
	if !signed {
		return &PresignedRequest{Method: cl.method, URL: u.String()}, nil
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), nil)
	if err != nil {
		return fail(err)
	}
	req.URL = u
	in := sigv4.SignInput{Credentials: creds, Service: "s3", Region: c.region, Time: c.now(), PayloadHash: sigv4.UnsignedPayload}
	pu, err := c.signer.Presign(req, in, expires)
	if err != nil {
		return fail(err)
	}
	return &PresignedRequest{Method: cl.method, URL: pu.String()}, nil
}
