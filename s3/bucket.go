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

// ListBucketsInput is the input of ListBuckets.
type ListBucketsInput struct{}

// ListBucketsOutput is the result of ListBuckets.
type ListBucketsOutput struct {
	Buckets []BucketInfo
}

// ListBuckets lists the caller's buckets (all of them, in one response).
func (c *Client) ListBuckets(ctx context.Context, in *ListBucketsInput) (*ListBucketsOutput, error) {
	var res s3xml.ListAllMyBucketsResult
	if err := c.doXML(ctx, &call{op: "ListBuckets", method: http.MethodGet}, nil, &res); err != nil {
		return nil, err
	}
	out := &ListBucketsOutput{Buckets: make([]BucketInfo, 0, len(res.Buckets))}
	for _, b := range res.Buckets {
		out.Buckets = append(out.Buckets, BucketInfo{Name: b.Name, CreationDate: b.CreationDate.Time, Region: b.BucketRegion})
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

// CreateBucketOutput is the result of CreateBucket.
type CreateBucketOutput struct {
	// Location is the Location header S3 answers with ("/bucket").
	Location string
}

// CreateBucket creates a bucket. An existing bucket owned by the caller is
// BucketAlreadyOwnedByYou (except in us-east-1 on AWS, which succeeds).
func (c *Client) CreateBucket(ctx context.Context, in *CreateBucketInput) (*CreateBucketOutput, error) {
	loc := in.LocationConstraint
	if loc == "" {
		loc = c.region
	}
	var doc any
	if loc != "" && loc != "us-east-1" {
		doc = s3xml.CreateBucketConfiguration{LocationConstraint: loc}
	}
	resp, err := c.doXMLResp(ctx, &call{op: "CreateBucket", method: http.MethodPut, bucket: in.Bucket}, doc, nil)
	if err != nil {
		return nil, err
	}
	return &CreateBucketOutput{Location: resp.Header.Get("Location")}, nil
}

// DeleteBucketInput is the input of DeleteBucket.
type DeleteBucketInput struct {
	Bucket string
}

// DeleteBucketOutput is the result of DeleteBucket.
type DeleteBucketOutput struct{}

// DeleteBucket deletes an empty bucket (BucketNotEmpty otherwise).
func (c *Client) DeleteBucket(ctx context.Context, in *DeleteBucketInput) (*DeleteBucketOutput, error) {
	if err := c.doXML(ctx, &call{op: "DeleteBucket", method: http.MethodDelete, bucket: in.Bucket}, nil, nil); err != nil {
		return nil, err
	}
	return &DeleteBucketOutput{}, nil
}

// HeadBucketInput is the input of HeadBucket.
type HeadBucketInput struct {
	Bucket string
}

// HeadBucketOutput is the result of HeadBucket.
type HeadBucketOutput struct {
	// Region is x-amz-bucket-region when the server sends it.
	Region string
}

// HeadBucket checks that a bucket exists and is accessible. A missing
// bucket is a 404 *Error (code NotFound; errors.Is(err, s3.NotFound)).
func (c *Client) HeadBucket(ctx context.Context, in *HeadBucketInput) (*HeadBucketOutput, error) {
	resp, err := c.do(ctx, &call{op: "HeadBucket", method: http.MethodHead, bucket: in.Bucket})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return &HeadBucketOutput{Region: resp.Header.Get(s3xml.HeaderBucketRegion)}, nil
}

// GetBucketLocationInput is the input of GetBucketLocation.
type GetBucketLocationInput struct {
	Bucket string
}

// GetBucketLocationOutput is the result of GetBucketLocation.
type GetBucketLocationOutput struct {
	// Region is the bucket's region. S3's empty LocationConstraint (for
	// us-east-1) is "us-east-1" here, and its legacy "EU" is "eu-west-1".
	Region string
}

// GetBucketLocation returns the bucket's region.
func (c *Client) GetBucketLocation(ctx context.Context, in *GetBucketLocationInput) (*GetBucketLocationOutput, error) {
	var res s3xml.LocationConstraint
	cl := &call{op: "GetBucketLocation", method: http.MethodGet, bucket: in.Bucket, query: url.Values{"location": {""}}}
	if err := c.doXML(ctx, cl, nil, &res); err != nil {
		return nil, err
	}
	switch res.Value {
	case "":
		return &GetBucketLocationOutput{Region: "us-east-1"}, nil
	case "EU":
		return &GetBucketLocationOutput{Region: "eu-west-1"}, nil
	}
	return &GetBucketLocationOutput{Region: res.Value}, nil
}
