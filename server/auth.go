package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/sigv4"
)

// authenticate verifies the request's signature and loads its key. It runs
// before any handler and before a byte of the body is read: a request that
// fails here changes nothing. Anonymous requests are refused.
func (s *Server) authenticate(ctx context.Context, rq *request) error {
	if rq.r.Header.Get("Authorization") == "" && isV2Presigned(rq.q) {
		v, key, err := s.verifyV2Presigned(ctx, rq)
		if err != nil {
			return err
		}
		rq.v, rq.k, rq.body = v, key, v.Body
		return nil
	}
	var key Key
	found := false
	ver := sigv4.Verifier{
		Now: s.now,
		// CompleteMultipartUpload's x-amz-checksum-* headers carry the
		// object's checksum, which the handler checks.
		ChecksumHeadersNotPayload: rq.r.Method == http.MethodPost && rq.q.Has("uploadId"),
		Lookup: func(ctx context.Context, id string) (string, error) {
			k, err := s.keys.Lookup(ctx, id)
			if errors.Is(err, ErrUnknownKey) {
				return "", fmt.Errorf("%w: %w", sigv4.ErrUnknownAccessKey, err)
			}
			if err != nil {
				return "", err
			}
			key, found = k, true
			return k.Secret, nil
		},
	}
	v, err := ver.Verify(ctx, rq.r)
	if err != nil {
		var se *sigv4.Error
		if !errors.As(err, &se) && errors.Is(err, sigv4.ErrUnknownAccessKey) {
			return &Error{Code: s3xml.CodeInvalidAccessKeyID, Status: http.StatusForbidden,
				Message: "The AWS Access Key Id you provided does not exist in our records.", Err: err}
		}
		return err
	}
	if v.Anonymous {
		return errCode(s3xml.CodeAccessDenied)
	}
	if !found {
		if key, err = s.keys.Lookup(ctx, v.AccessKeyID); err != nil {
			return err
		}
	}
	if v.Region != "" && v.Region != s.region {
		return s.wrongRegion(v)
	}
	rq.v, rq.k, rq.body = v, key, v.Body
	return nil
}

// wrongRegion is AWS's answer to a request signed for another region; it
// names the expected region so clients such as botocore can retry there.
func (s *Server) wrongRegion(v *sigv4.Verified) error {
	code, prefix := s3xml.CodeAuthorizationHeaderMalformed, "The authorization header is malformed; "
	if v.Presigned {
		code, prefix = s3xml.CodeAuthorizationQueryParametersError, "Error parsing the X-Amz-Credential parameter; "
	}
	e := errMsg(code, "%sthe region '%s' is wrong; expecting '%s'", prefix, v.Region, s.region)
	e.Detail.Region = s.region
	return e
}

// authorize applies the key's limits: read-only keys may only GET and
// HEAD, bucket-restricted keys only their buckets.
func (s *Server) authorize(rq *request) error {
	m := rq.r.Method
	if rq.k.ReadOnly && m != http.MethodGet && m != http.MethodHead {
		return errCode(s3xml.CodeAccessDenied)
	}
	if rq.bucket != "" && !rq.k.CanUseBucket(rq.bucket) {
		return errCode(s3xml.CodeAccessDenied)
	}
	return nil
}
