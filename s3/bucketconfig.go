package s3

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// Bucket versioning states, as PutBucketVersioning takes them and
// GetBucketVersioning answers them.
const (
	VersioningEnabled   = "Enabled"
	VersioningSuspended = "Suspended"
)

// Default encryption algorithms PutBucketEncryption takes.
const (
	SSEAlgorithmAES256 = "AES256"
	SSEAlgorithmKMS    = "aws:kms"
)

// maxBucketPolicyBytes bounds the GetBucketPolicy answer read into memory;
// S3 limits a bucket policy to 20 KB, so this leaves ample room.
const maxBucketPolicyBytes = 1 << 20

// PutBucketVersioningInput is the input of PutBucketVersioning.
type PutBucketVersioningInput struct {
	Bucket string
	// Status is VersioningEnabled or VersioningSuspended. A bucket cannot
	// return to never having had versioning.
	Status string
}

// PutBucketVersioningOutput is the result of PutBucketVersioning.
type PutBucketVersioningOutput struct{}

// PutBucketVersioning turns versioning on (Enabled) or pauses it
// (Suspended) for a bucket.
func (c *Client) PutBucketVersioning(ctx context.Context, in *PutBucketVersioningInput) (*PutBucketVersioningOutput, error) {
	cl := &call{op: "PutBucketVersioning", method: http.MethodPut, bucket: in.Bucket,
		query: url.Values{"versioning": {""}}, requireMD5: true, checksum: true}
	if err := c.doXML(ctx, cl, s3xml.VersioningConfiguration{Status: in.Status}, nil); err != nil {
		return nil, err
	}
	return &PutBucketVersioningOutput{}, nil
}

// GetBucketVersioningInput is the input of GetBucketVersioning.
type GetBucketVersioningInput struct {
	Bucket string
}

// GetBucketVersioningOutput is the result of GetBucketVersioning.
type GetBucketVersioningOutput struct {
	// Status is "" for a bucket that never had versioning, otherwise
	// VersioningEnabled or VersioningSuspended.
	Status string
	// MFADelete is "Enabled" or "Disabled" when the server reports it.
	MFADelete string
}

// GetBucketVersioning returns a bucket's versioning state.
func (c *Client) GetBucketVersioning(ctx context.Context, in *GetBucketVersioningInput) (*GetBucketVersioningOutput, error) {
	var res s3xml.VersioningConfiguration
	cl := &call{op: "GetBucketVersioning", method: http.MethodGet, bucket: in.Bucket, query: url.Values{"versioning": {""}}}
	if err := c.doXML(ctx, cl, nil, &res); err != nil {
		return nil, err
	}
	return &GetBucketVersioningOutput{Status: res.Status, MFADelete: res.MFADelete}, nil
}

// PutBucketPolicyInput is the input of PutBucketPolicy.
type PutBucketPolicyInput struct {
	Bucket string
	// Policy is the policy document (JSON), sent as it is.
	Policy string
}

// PutBucketPolicyOutput is the result of PutBucketPolicy.
type PutBucketPolicyOutput struct{}

// PutBucketPolicy replaces a bucket's policy. A document the server
// cannot accept is an *Error with code MalformedPolicy.
func (c *Client) PutBucketPolicy(ctx context.Context, in *PutBucketPolicyInput) (*PutBucketPolicyOutput, error) {
	cl := &call{op: "PutBucketPolicy", method: http.MethodPut, bucket: in.Bucket,
		query: url.Values{"policy": {""}}, requireMD5: true, checksum: true,
		body: bytes.NewReader([]byte(in.Policy)), size: int64(len(in.Policy)),
		header: http.Header{"Content-Type": {"application/json"}}}
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	drain(resp)
	return &PutBucketPolicyOutput{}, nil
}

// GetBucketPolicyInput is the input of GetBucketPolicy.
type GetBucketPolicyInput struct {
	Bucket string
}

// GetBucketPolicyOutput is the result of GetBucketPolicy.
type GetBucketPolicyOutput struct {
	// Policy is the policy document (JSON) as the server returns it.
	Policy string
}

// GetBucketPolicy returns a bucket's policy document. A bucket without one
// is an *Error with code NoSuchBucketPolicy.
func (c *Client) GetBucketPolicy(ctx context.Context, in *GetBucketPolicyInput) (*GetBucketPolicyOutput, error) {
	cl := &call{op: "GetBucketPolicy", method: http.MethodGet, bucket: in.Bucket, query: url.Values{"policy": {""}}}
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBucketPolicyBytes+1))
	if err != nil {
		return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Err: fmt.Errorf("read response: %w", err)}
	}
	if len(b) > maxBucketPolicyBytes {
		return nil, &OpError{Op: cl.op, Bucket: cl.bucket, Err: fmt.Errorf("policy document larger than %d bytes", maxBucketPolicyBytes)}
	}
	return &GetBucketPolicyOutput{Policy: string(b)}, nil
}

// DeleteBucketPolicyInput is the input of DeleteBucketPolicy.
type DeleteBucketPolicyInput struct {
	Bucket string
}

// DeleteBucketPolicyOutput is the result of DeleteBucketPolicy.
type DeleteBucketPolicyOutput struct{}

// DeleteBucketPolicy removes a bucket's policy; S3 answers success also
// when the bucket had none.
func (c *Client) DeleteBucketPolicy(ctx context.Context, in *DeleteBucketPolicyInput) (*DeleteBucketPolicyOutput, error) {
	cl := &call{op: "DeleteBucketPolicy", method: http.MethodDelete, bucket: in.Bucket, query: url.Values{"policy": {""}}}
	if err := c.doXML(ctx, cl, nil, nil); err != nil {
		return nil, err
	}
	return &DeleteBucketPolicyOutput{}, nil
}

// PutBucketEncryptionInput is the input of PutBucketEncryption: the one
// default-encryption rule S3 takes.
type PutBucketEncryptionInput struct {
	Bucket string
	// SSEAlgorithm is SSEAlgorithmAES256 (SSE-S3) or SSEAlgorithmKMS.
	SSEAlgorithm string
	// KMSMasterKeyID names the KMS key for aws:kms; empty means the
	// server's default key. S3 refuses it with AES256.
	KMSMasterKeyID string
	// BucketKeyEnabled asks for an S3 Bucket Key under aws:kms.
	BucketKeyEnabled bool
}

// PutBucketEncryptionOutput is the result of PutBucketEncryption.
type PutBucketEncryptionOutput struct{}

// PutBucketEncryption sets the encryption applied to objects put into the
// bucket without one of their own.
func (c *Client) PutBucketEncryption(ctx context.Context, in *PutBucketEncryptionInput) (*PutBucketEncryptionOutput, error) {
	bk := in.BucketKeyEnabled
	doc := s3xml.ServerSideEncryptionConfiguration{Rules: []s3xml.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &s3xml.ServerSideEncryptionByDefault{SSEAlgorithm: in.SSEAlgorithm, KMSMasterKeyID: in.KMSMasterKeyID},
		BucketKeyEnabled:                   &bk,
	}}}
	cl := &call{op: "PutBucketEncryption", method: http.MethodPut, bucket: in.Bucket,
		query: url.Values{"encryption": {""}}, requireMD5: true, checksum: true}
	if err := c.doXML(ctx, cl, doc, nil); err != nil {
		return nil, err
	}
	return &PutBucketEncryptionOutput{}, nil
}

// GetBucketEncryptionInput is the input of GetBucketEncryption.
type GetBucketEncryptionInput struct {
	Bucket string
}

// GetBucketEncryptionOutput is the result of GetBucketEncryption: the
// bucket's (first) default-encryption rule.
type GetBucketEncryptionOutput struct {
	SSEAlgorithm     string
	KMSMasterKeyID   string
	BucketKeyEnabled bool
}

// GetBucketEncryption returns a bucket's default encryption. A bucket
// without one is an *Error with code
// ServerSideEncryptionConfigurationNotFoundError
// (NoSuchEncryptionConfiguration); AWS gives every bucket created since
// 2023 AES256.
func (c *Client) GetBucketEncryption(ctx context.Context, in *GetBucketEncryptionInput) (*GetBucketEncryptionOutput, error) {
	var res s3xml.ServerSideEncryptionConfiguration
	cl := &call{op: "GetBucketEncryption", method: http.MethodGet, bucket: in.Bucket, query: url.Values{"encryption": {""}}}
	if err := c.doXML(ctx, cl, nil, &res); err != nil {
		return nil, err
	}
	out := &GetBucketEncryptionOutput{}
	for _, r := range res.Rules {
		if r.ApplyServerSideEncryptionByDefault == nil {
			continue
		}
		out.SSEAlgorithm = r.ApplyServerSideEncryptionByDefault.SSEAlgorithm
		out.KMSMasterKeyID = r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID
		out.BucketKeyEnabled = r.BucketKeyEnabled != nil && *r.BucketKeyEnabled
		break
	}
	return out, nil
}

// DeleteBucketEncryptionInput is the input of DeleteBucketEncryption.
type DeleteBucketEncryptionInput struct {
	Bucket string
}

// DeleteBucketEncryptionOutput is the result of DeleteBucketEncryption.
type DeleteBucketEncryptionOutput struct{}

// DeleteBucketEncryption removes a bucket's default encryption (on AWS the
// bucket falls back to AES256).
func (c *Client) DeleteBucketEncryption(ctx context.Context, in *DeleteBucketEncryptionInput) (*DeleteBucketEncryptionOutput, error) {
	cl := &call{op: "DeleteBucketEncryption", method: http.MethodDelete, bucket: in.Bucket, query: url.Values{"encryption": {""}}}
	if err := c.doXML(ctx, cl, nil, nil); err != nil {
		return nil, err
	}
	return &DeleteBucketEncryptionOutput{}, nil
}
