package s3

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// BucketInfo is one entry of ListBuckets.
type BucketInfo struct {
	Name         string
	CreationDate time.Time
	// Region is set by servers that report BucketRegion.
	Region string
}

// ListBuckets lists the caller's buckets.
func (c *Client) ListBuckets(ctx context.Context) ([]BucketInfo, error) {
	var res s3xml.ListAllMyBucketsResult
	if err := c.doXML(ctx, &call{op: "ListBuckets", method: http.MethodGet}, nil, &res); err != nil {
		return nil, err
	}
	out := make([]BucketInfo, 0, len(res.Buckets))
	for _, b := range res.Buckets {
		out = append(out, BucketInfo{Name: b.Name, CreationDate: b.CreationDate.Time, Region: b.BucketRegion})
	}
	return out, nil
}

// CreateBucketInput is the input of CreateBucket.
type CreateBucketInput struct {
	Bucket string
	// LocationConstraint is the region to create the bucket in. Empty
	// means the client's region, sent (as aws-cli's mb does) unless it is
	// us-east-1, which S3 rejects as an explicit constraint.
	LocationConstraint string
}

// CreateBucket creates a bucket. An existing bucket owned by the caller is
// BucketAlreadyOwnedByYou (except in us-east-1 on AWS, which succeeds).
func (c *Client) CreateBucket(ctx context.Context, in *CreateBucketInput) error {
	loc := in.LocationConstraint
	if loc == "" {
		loc = c.region
	}
	var doc any
	if loc != "" && loc != "us-east-1" {
		doc = s3xml.CreateBucketConfiguration{LocationConstraint: loc}
	}
	return c.doXML(ctx, &call{op: "CreateBucket", method: http.MethodPut, bucket: in.Bucket}, doc, nil)
}

// DeleteBucket deletes an empty bucket (BucketNotEmpty otherwise).
func (c *Client) DeleteBucket(ctx context.Context, bucket string) error {
	return c.doXML(ctx, &call{op: "DeleteBucket", method: http.MethodDelete, bucket: bucket}, nil, nil)
}

// HeadBucketOutput is the result of HeadBucket.
type HeadBucketOutput struct {
	// Region is x-amz-bucket-region when the server sends it.
	Region string
}

// HeadBucket checks that a bucket exists and is accessible. A missing
// bucket is a 404 *Error (code NotFound; errors.Is(err, s3.NotFound)).
func (c *Client) HeadBucket(ctx context.Context, bucket string) (*HeadBucketOutput, error) {
	resp, err := c.do(ctx, &call{op: "HeadBucket", method: http.MethodHead, bucket: bucket})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return &HeadBucketOutput{Region: resp.Header.Get(s3xml.HeaderBucketRegion)}, nil
}

// GetBucketLocation returns the bucket's region; S3's empty answer for
// us-east-1 is returned as "us-east-1".
func (c *Client) GetBucketLocation(ctx context.Context, bucket string) (string, error) {
	var res s3xml.LocationConstraint
	cl := &call{op: "GetBucketLocation", method: http.MethodGet, bucket: bucket, query: url.Values{"location": {""}}}
	if err := c.doXML(ctx, cl, nil, &res); err != nil {
		return "", err
	}
	switch res.Value {
	case "":
		return "us-east-1", nil
	case "EU":
		return "eu-west-1", nil
	}
	return res.Value, nil
}
