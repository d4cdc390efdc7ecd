package server

import (
	"context"
	"net/http"
	"net/url"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// bucketConfig is a bucket configuration subresource s3kit answers without
// storing: GET gives what S3 answers for a new bucket that never had the
// configuration (a fixed document, or a fixed error), and DELETE, where
// deleteOp is set, is the no-op S3 answers 204 to on such a bucket. PUT
// stays NotImplemented.
type bucketConfig struct {
	sub, getOp string
	doc        any    // the answer (200) when set
	code       string // otherwise the error
	deleteOp   string // "" when DELETE stays NotImplemented
}

// bucketConfigs is the table, in the order route tests the query.
// Sources: botocore's S3 model for the documents' shapes; the error codes
// and messages as S3 sends them (moto, LocalStack's recordings, NooBaa);
// AWS's defaults for new buckets: Block Public Access on and ACLs
// disabled (BucketOwnerEnforced) since April 2023. (Default encryption is
// stored and applied: server/bucketencryption.go.)
var bucketConfigs = []bucketConfig{
	{sub: "policy", getOp: "GetBucketPolicy", code: s3xml.CodeNoSuchBucketPolicy, deleteOp: "DeleteBucketPolicy"},
	{sub: "policyStatus", getOp: "GetBucketPolicyStatus", code: s3xml.CodeNoSuchBucketPolicy},
	{sub: "lifecycle", getOp: "GetBucketLifecycleConfiguration", code: s3xml.CodeNoSuchLifecycleConfiguration, deleteOp: "DeleteBucketLifecycle"},
	{sub: "website", getOp: "GetBucketWebsite", code: s3xml.CodeNoSuchWebsiteConfiguration, deleteOp: "DeleteBucketWebsite"},
	{sub: "replication", getOp: "GetBucketReplication", code: s3xml.CodeReplicationConfigurationNotFound, deleteOp: "DeleteBucketReplication"},
	{sub: "object-lock", getOp: "GetObjectLockConfiguration", code: s3xml.CodeObjectLockConfigurationNotFound},
	{sub: "accelerate", getOp: "GetBucketAccelerateConfiguration", doc: &s3xml.AccelerateConfiguration{}},
	{sub: "requestPayment", getOp: "GetBucketRequestPayment", doc: &s3xml.RequestPaymentConfiguration{Payer: "BucketOwner"}},
	{sub: "logging", getOp: "GetBucketLogging", doc: &s3xml.BucketLoggingStatus{}},
	// As server/acl.go: ACLs are disabled, as on every new S3 bucket.
	{sub: "ownershipControls", getOp: "GetBucketOwnershipControls",
		doc: &s3xml.OwnershipControls{Rules: []s3xml.OwnershipControlsRule{{ObjectOwnership: "BucketOwnerEnforced"}}}},
	{sub: "publicAccessBlock", getOp: "GetPublicAccessBlock",
		doc: &s3xml.PublicAccessBlockConfiguration{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}},
}

// routeBucketConfig picks the GET or DELETE of a configuration subresource
// named in q; ok is false when q names none or the method is another.
func (s *Server) routeBucketConfig(m string, q url.Values) (name string, h handler, ok bool) {
	for i := range bucketConfigs {
		c := &bucketConfigs[i]
		if !q.Has(c.sub) {
			continue
		}
		switch {
		case m == http.MethodGet:
			return c.getOp, func(ctx context.Context, rq *request) (*response, error) {
				return s.getBucketConfig(ctx, rq, c)
			}, true
		case m == http.MethodDelete && c.deleteOp != "":
			return c.deleteOp, s.deleteBucketConfig, true
		}
		return "", nil, false
	}
	return "", nil, false
}

// getBucketConfig answers c's new-bucket answer once the bucket exists.
func (s *Server) getBucketConfig(ctx context.Context, rq *request, c *bucketConfig) (*response, error) {
	if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	if c.doc != nil {
		return &response{doc: c.doc}, nil
	}
	return nil, errCode(c.code)
}

// deleteBucketConfig removes a configuration the bucket cannot have: 204,
// as S3 answers on a bucket without it.
func (s *Server) deleteBucketConfig(ctx context.Context, rq *request) (*response, error) {
	if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	return &response{status: http.StatusNoContent}, nil
}
