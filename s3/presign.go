package s3

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/s3kit/s3kit/sigv4"
)

// PresignGetObject returns a URL anyone can GET the object with, until
// expires from now (1 s to 7 days, SigV4's limits). Fetch it with plain
// net/http; no headers are required.
func (c *Client) PresignGetObject(ctx context.Context, bucket, key string, expires time.Duration) (string, error) {
	return c.presign(ctx, "GetObject", http.MethodGet, bucket, key, nil, expires)
}

// PresignPutObject returns a URL that uploads the object with a plain PUT
// of the body (no checksum or content-type is bound to the signature, so
// the uploader may send any Content-Type).
func (c *Client) PresignPutObject(ctx context.Context, bucket, key string, expires time.Duration) (string, error) {
	return c.presign(ctx, "PutObject", http.MethodPut, bucket, key, nil, expires)
}

// PresignUploadPart returns a URL that uploads one part of a multipart
// upload with a plain PUT; the ETag response header is what
// CompleteMultipartUpload needs.
func (c *Client) PresignUploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, expires time.Duration) (string, error) {
	q := url.Values{"partNumber": {strconv.Itoa(partNumber)}, "uploadId": {uploadID}}
	return c.presign(ctx, "UploadPart", http.MethodPut, bucket, key, q, expires)
}

func (c *Client) presign(ctx context.Context, op, method, bucket, key string, q url.Values, expires time.Duration) (string, error) {
	if expires < time.Second || expires > 7*24*time.Hour {
		return "", &OpError{Op: op, Bucket: bucket, Key: key, Err: fmt.Errorf("presign expiry %v out of range: 1s to 7 days", expires)}
	}
	creds, signed, err := c.creds(ctx)
	if err != nil {
		return "", &OpError{Op: op, Bucket: bucket, Key: key, Err: fmt.Errorf("credentials: %w", err)}
	}
	u := c.objectURL(bucket, key, q)
	if !signed {
		return u.String(), nil
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return "", &OpError{Op: op, Bucket: bucket, Key: key, Err: err}
	}
	req.URL = u
	in := sigv4.SignInput{Credentials: creds, Service: "s3", Region: c.region, Time: c.now(), PayloadHash: sigv4.UnsignedPayload}
	pu, err := c.signer.Presign(req, in, expires)
	if err != nil {
		return "", &OpError{Op: op, Bucket: bucket, Key: key, Err: err}
	}
	return pu.String(), nil
}
