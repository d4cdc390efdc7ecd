package server

import (
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// Buckets behave as S3 buckets do by default since April 2023: Object
// Ownership is "bucket owner enforced", so ACLs are disabled. ACLs can
// still be read (GetObjectAcl and GetBucketAcl show the owner's full
// control), but a request that sets one fails with
// AccessControlListNotSupported, except the canned ACLs that mean what a
// disabled ACL means anyway. A program that passes ACL='public-read' to
// this server therefore fails here exactly as it would on S3, rather than
// passing locally and failing in production.

// allowedCannedACL reports whether a canned x-amz-acl value is accepted
// with ACLs disabled: none, "private" (the default, which changes
// nothing), or the bucket owner's full control.
func allowedCannedACL(v string) bool {
	return v == "" || v == "private" || v == "bucket-owner-full-control"
}

// hasGrantHeaders reports whether h carries explicit x-amz-grant-* ACL
// grants.
func hasGrantHeaders(h http.Header) bool {
	for k := range h {
		if strings.HasPrefix(k, "X-Amz-Grant-") {
			return true
		}
	}
	return false
}

// checkACLHeaders refuses the ACL headers of a write (PutObject,
// CopyObject, CreateMultipartUpload, CreateBucket) that would set an ACL.
func checkACLHeaders(op string, h http.Header) error {
	if allowedCannedACL(h.Get("X-Amz-Acl")) && !hasGrantHeaders(h) {
		return nil
	}
	if op == "CreateBucket" {
		return errCode(s3xml.CodeInvalidBucketACLWithObjectOwnership)
	}
	return errCode(s3xml.CodeAccessControlListNotSupported)
}

// setsACL reports whether op is a write whose ACL headers
// checkACLHeaders must check.
func setsACL(op string) bool {
	switch op {
	case "PutObject", "CopyObject", "CreateMultipartUpload", "CreateBucket":
		return true
	}
	return false
}

// putACL is PutBucketAcl and PutObjectAcl: the target must exist, and only
// the canned ACLs that leave the owner's full control in place are
// accepted (as no-ops).
func (s *Server) putACL(ctx context.Context, rq *request) (*response, error) {
	if err := s.targetExists(ctx, rq); err != nil {
		return nil, err
	}
	// Read (and so verify) the body: an AccessControlPolicy document is
	// setting an ACL too.
	n, err := io.Copy(io.Discard, rq.bodyReader())
	if err != nil {
		return nil, err
	}
	h := rq.r.Header
	canned := h.Get("X-Amz-Acl")
	if n == 0 && canned != "" && allowedCannedACL(canned) && !hasGrantHeaders(h) {
		return &response{}, nil
	}
	return nil, errCode(s3xml.CodeAccessControlListNotSupported)
}
