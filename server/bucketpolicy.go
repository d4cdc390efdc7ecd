package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/policy"
)

// maxPolicyBytes is S3's limit on a bucket policy's size (20 KB).
const maxPolicyBytes = 20 << 10

// routePolicy picks the bucket policy operations; ok is false when q
// names neither ?policy nor ?policyStatus or the method has none.
func (s *Server) routePolicy(m string, q url.Values) (name string, h handler, ok bool) {
	switch {
	case q.Has("policyStatus") && m == http.MethodGet:
		return "GetBucketPolicyStatus", s.getBucketPolicyStatus, true
	case !q.Has("policy"):
		return "", nil, false
	case m == http.MethodPut:
		return "PutBucketPolicy", s.putBucketPolicy, true
	case m == http.MethodGet:
		return "GetBucketPolicy", s.getBucketPolicy, true
	case m == http.MethodDelete:
		return "DeleteBucketPolicy", s.deleteBucketPolicy, true
	}
	return "", nil, false
}

// policyBucket returns the bucket's authorization facts for a bucket
// policy operation. AWS lets only identities of the bucket owner's account
// manage or read the policy, whatever the policy itself says.
func (s *Server) policyBucket(ctx context.Context, rq *request) (*bucketAuth, error) {
	ba, err := s.bucketAuthOf(ctx, rq.bucket)
	if err != nil {
		return nil, err
	}
	if ba == nil {
		return nil, errCode(s3xml.CodeNoSuchBucket)
	}
	if rq.anonymous || ba.owner != s.accountOf(&rq.k) {
		rq.refused, rq.refusedWhy = true, "only the bucket owner's account may manage its policy"
		return nil, errCode(s3xml.CodeAccessDenied)
	}
	return ba, nil
}

// putBucketPolicy validates and stores a bucket policy (204, as S3).
func (s *Server) putBucketPolicy(ctx context.Context, rq *request) (*response, error) {
	if s.cfgs == nil {
		return nil, errMsg(s3xml.CodeNotImplemented, "this storage backend keeps no bucket configuration")
	}
	if _, err := s.policyBucket(ctx, rq); err != nil {
		return nil, err
	}
	doc, err := io.ReadAll(io.LimitReader(rq.body, maxPolicyBytes+1))
	if err != nil {
		return nil, err
	}
	if len(doc) > maxPolicyBytes {
		return nil, errMsg(s3xml.CodeMalformedPolicy, "Policy exceeds the maximum allowed document size.")
	}
	if err := checkDigests(rq.r.Header, doc, true); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil, errCode(s3xml.CodeMissingRequestBodyError)
	}
	if _, err := policy.ParseBucketPolicy(doc, rq.bucket); err != nil {
		var mp *policy.MalformedPolicyError
		if errors.As(err, &mp) {
			return nil, errMsg(s3xml.CodeMalformedPolicy, "%s", mp.Message)
		}
		return nil, err
	}
	s.bauth.drop(rq.bucket)
	if err := s.cfgs.PutBucketConfig(ctx, rq.bucket, cfgPolicy, doc); err != nil {
		return nil, err
	}
	s.bauth.drop(rq.bucket)
	return &response{status: http.StatusNoContent}, nil
}

// getBucketPolicy answers the policy document as it was put.
func (s *Server) getBucketPolicy(ctx context.Context, rq *request) (*response, error) {
	ba, err := s.policyBucket(ctx, rq)
	if err != nil {
		return nil, err
	}
	if ba.policy == nil {
		return nil, errCode(s3xml.CodeNoSuchBucketPolicy)
	}
	r := &response{body: bytes.NewReader(ba.doc), size: int64(len(ba.doc))}
	r.setHeader("Content-Type", "application/json")
	return r, nil
}

// deleteBucketPolicy removes the policy (204, also when there was none).
func (s *Server) deleteBucketPolicy(ctx context.Context, rq *request) (*response, error) {
	if _, err := s.policyBucket(ctx, rq); err != nil {
		return nil, err
	}
	if s.cfgs != nil {
		s.bauth.drop(rq.bucket)
		if err := s.cfgs.PutBucketConfig(ctx, rq.bucket, cfgPolicy, nil); err != nil {
			return nil, err
		}
		s.bauth.drop(rq.bucket)
	}
	return &response{status: http.StatusNoContent}, nil
}

// getBucketPolicyStatus says whether the bucket policy makes the bucket
// public (AWS's definition, policy.Policy.IsPublic).
func (s *Server) getBucketPolicyStatus(ctx context.Context, rq *request) (*response, error) {
	ba, err := s.policyBucket(ctx, rq)
	if err != nil {
		return nil, err
	}
	if ba.policy == nil {
		return nil, errCode(s3xml.CodeNoSuchBucketPolicy)
	}
	return &response{doc: &s3xml.PolicyStatus{Xmlns: s3xml.Namespace, IsPublic: ba.policy.IsPublic()}}, nil
}
