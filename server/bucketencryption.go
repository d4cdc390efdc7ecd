package server

import (
	"context"
	"net/http"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// routeBucketEncryption picks the ?encryption operation on a bucket.
func (s *Server) routeBucketEncryption(m string) (string, handler) {
	switch m {
	case http.MethodGet:
		return "GetBucketEncryption", s.getBucketEncryption
	case http.MethodPut:
		return "PutBucketEncryption", s.putBucketEncryption
	case http.MethodDelete:
		return "DeleteBucketEncryption", s.deleteBucketEncryption
	}
	return "", nil
}

// bucketEncryptionStore is the backend's store of default encryption, or
// NotImplemented.
func (s *Server) bucketEncryptionStore() (storage.BucketEncryptionStore, error) {
	bs, ok := s.backend.(storage.BucketEncryptionStore)
	if !ok {
		return nil, errMsg(s3xml.CodeNotImplemented, "this storage backend does not keep default encryption")
	}
	return bs, nil
}

// getBucketEncryption answers the bucket's default encryption. A bucket
// without one answers ServerSideEncryptionConfigurationNotFoundError.
// (AWS has, since January 2023, answered every bucket with SSE-S3, because
// it encrypts every object; s3kit stores objects in the clear unless a
// request or this configuration asks, so claiming SSE-S3 would be false.)
func (s *Server) getBucketEncryption(ctx context.Context, rq *request) (*response, error) {
	if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	notFound := errCode(s3xml.CodeSSEConfigurationNotFound)
	notFound.Detail.BucketName = rq.bucket
	bs, ok := s.backend.(storage.BucketEncryptionStore)
	if !ok {
		return nil, notFound
	}
	enc, err := bs.GetBucketEncryption(ctx, rq.bucket)
	if err != nil {
		return nil, err
	}
	if enc == nil {
		return nil, notFound
	}
	bk := enc.BucketKey
	return &response{doc: &s3xml.ServerSideEncryptionConfiguration{Rules: []s3xml.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &s3xml.ServerSideEncryptionByDefault{SSEAlgorithm: enc.Algorithm, KMSMasterKeyID: enc.KMSKeyID},
		BucketKeyEnabled:                   &bk,
	}}}}, nil
}

// putBucketEncryption stores a bucket's default encryption: one rule
// naming AES256 (SSE-S3) or aws:kms, as S3 takes it.
func (s *Server) putBucketEncryption(ctx context.Context, rq *request) (*response, error) {
	bs, err := s.bucketEncryptionStore()
	if err != nil {
		return nil, err
	}
	if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	var doc s3xml.ServerSideEncryptionConfiguration
	ok, err := decodeXML(rq, &doc, true)
	if err != nil {
		return nil, err
	}
	if !ok || len(doc.Rules) != 1 || doc.Rules[0].ApplyServerSideEncryptionByDefault == nil {
		return nil, errMsg(s3xml.CodeMalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	rule := doc.Rules[0]
	def := rule.ApplyServerSideEncryptionByDefault
	enc := &storage.BucketEncryption{Algorithm: def.SSEAlgorithm, KMSKeyID: def.KMSMasterKeyID}
	if rule.BucketKeyEnabled != nil {
		enc.BucketKey = *rule.BucketKeyEnabled
	}
	switch def.SSEAlgorithm {
	case storage.SSEAlgorithmAES256:
		if def.KMSMasterKeyID != "" {
			return nil, errArg("ApplyServerSideEncryptionByDefault", "", "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
		}
	case storage.SSEAlgorithmKMS, "aws:kms:dsse":
	default:
		return nil, errMsg(s3xml.CodeMalformedXML, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	if e, ok := s.backend.(storage.Encrypter); !ok || !e.Encrypts(def.SSEAlgorithm) {
		return nil, errMsg(s3xml.CodeNotImplemented, "s3kit does not implement default encryption with %s", def.SSEAlgorithm)
	}
	if err := bs.PutBucketEncryption(ctx, rq.bucket, enc); err != nil {
		return nil, err
	}
	return &response{}, nil
}

// deleteBucketEncryption removes a bucket's default encryption: 204,
// whether or not it had one.
func (s *Server) deleteBucketEncryption(ctx context.Context, rq *request) (*response, error) {
	if _, err := s.backend.HeadBucket(ctx, rq.bucket); err != nil {
		return nil, err
	}
	if bs, ok := s.backend.(storage.BucketEncryptionStore); ok {
		if err := bs.PutBucketEncryption(ctx, rq.bucket, nil); err != nil {
			return nil, err
		}
	}
	return &response{status: http.StatusNoContent}, nil
}
