package server

import (
	"context"
	"mime"
	"net/http"
	"net/url"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// opPostObject is the browser-form upload (a presigned POST), which
// authenticates with a signed policy inside the form rather than with a
// signature on the request, so its handler authenticates it.
const opPostObject = "PostObject"

// isPostObject reports whether r is a form upload to a bucket.
func isPostObject(rq *request) bool {
	if rq.r.Method != http.MethodPost || rq.bucket == "" || rq.key != "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(rq.r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// unsupportedEncryption reports whether a request asks for a server-side
// encryption s3kit does not implement (DSSE-KMS, aws:kms:dsse). Such a
// request must fail: storing the object without the encryption it asked
// for would silently break what it asked for. (Unknown algorithms are
// InvalidArgument, from the handlers.)
func unsupportedEncryption(h http.Header) bool {
	v, ok := h["X-Amz-Server-Side-Encryption"]
	return ok && len(v) == 1 && v[0] == "aws:kms:dsse"
}

// encryptionNotImplemented answers a request that asks for encryption
// s3kit does not implement; nothing is read or written.
func (s *Server) encryptionNotImplemented(ctx context.Context, rq *request) (*response, error) {
	return nil, errMsg(s3xml.CodeNotImplemented, "s3kit does not implement dual-layer server-side encryption (aws:kms:dsse); AES256, aws:kms and SSE-C are implemented")
}

// unsupported lists bucket and object subresources s3kit does not
// implement; requests naming them get NotImplemented rather than being
// mistaken for plain object or bucket operations. The GETs of a bucket's
// configuration subresources (bucketConfigs) are routed before this
// check; their PUTs land here.
func unsupported(q url.Values) bool {
	for _, sub := range []string{"acl", "policy", "tagging", "cors", "lifecycle", "website",
		"encryption", "replication", "logging", "notification", "requestPayment", "object-lock",
		"retention", "legal-hold", "restore", "select", "torrent", "accelerate", "analytics",
		"inventory", "metrics", "ownershipControls", "publicAccessBlock", "intelligent-tiering",
		"attributes", "policyStatus", "renameObject"} {
		if q.Has(sub) {
			return true
		}
	}
	return false
}

// route picks the operation. It returns a nil handler (MethodNotAllowed)
// for methods a resource does not support.
func (s *Server) route(rq *request) (string, handler) {
	name, h := s.routeOp(rq)
	if h != nil && unsupportedEncryption(rq.r.Header) {
		return name, s.encryptionNotImplemented
	}
	return name, h
}

// routeOp is route without the encryption check.
func (s *Server) routeOp(rq *request) (string, handler) {
	m, q := rq.r.Method, rq.q
	if isPostObject(rq) {
		return opPostObject, s.postObject
	}
	if m == http.MethodOptions && rq.bucket != "" {
		return opPreflight, s.preflight
	}
	if q.Has("cors") && rq.key == "" {
		if name, h := s.routeCORS(m); h != nil {
			return name, h
		}
	}
	if rq.bucket == "" {
		if m == http.MethodGet {
			return "ListBuckets", s.listBuckets
		}
		return "", nil
	}
	if q.Has("tagging") {
		if name, h := s.routeTagging(m, rq.key != ""); h != nil {
			return name, h
		}
	}
	if q.Has("acl") && m == http.MethodGet {
		return "GetACL", s.getACL
	}
	if q.Has("acl") && m == http.MethodPut {
		return "PutACL", s.putACL
	}
	if q.Has("attributes") && m == http.MethodGet && rq.key != "" {
		return "GetObjectAttributes", s.getObjectAttributes
	}
	if rq.key == "" && q.Has("encryption") {
		return s.routeBucketEncryption(m)
	}
	if rq.key == "" && q.Has("notification") {
		if name, h := s.routeNotification(m); h != nil {
			return name, h
		}
	}
	if rq.key == "" {
		if name, h, ok := s.routePolicy(m, q); ok {
			return name, h
		}
		if name, h, ok := s.routeBucketConfig(m, q); ok {
			return name, h
		}
	}
	if unsupported(q) {
		return "NotImplemented", s.notImplemented
	}
	if rq.key == "" {
		return s.routeBucket(m, q)
	}
	return s.routeObject(m, q, rq.r.Header)
}

// routeTagging picks the ?tagging operation: on an object or, without a
// key, on the bucket.
func (s *Server) routeTagging(m string, object bool) (string, handler) {
	if object {
		switch m {
		case http.MethodGet:
			return "GetObjectTagging", s.getObjectTagging
		case http.MethodPut:
			return "PutObjectTagging", s.putObjectTagging
		case http.MethodDelete:
			return "DeleteObjectTagging", s.deleteObjectTagging
		}
		return "", nil
	}
	switch m {
	case http.MethodGet:
		return "GetBucketTagging", s.getBucketTagging
	case http.MethodPut:
		return "PutBucketTagging", s.putBucketTagging
	case http.MethodDelete:
		return "DeleteBucketTagging", s.deleteBucketTagging
	}
	return "", nil
}

func (s *Server) routeBucket(m string, q url.Values) (string, handler) {
	switch m {
	case http.MethodPut:
		if q.Has("versioning") {
			return "PutBucketVersioning", s.putBucketVersioning
		}
		return "CreateBucket", s.createBucket
	case http.MethodDelete:
		return "DeleteBucket", s.deleteBucket
	case http.MethodHead:
		return "HeadBucket", s.headBucket
	case http.MethodPost:
		if q.Has("delete") {
			return "DeleteObjects", s.deleteObjects
		}
	case http.MethodGet:
		switch {
		case q.Has("location"):
			return "GetBucketLocation", s.getBucketLocation
		case q.Has("versioning"):
			return "GetBucketVersioning", s.getBucketVersioning
		case q.Has("versions"):
			return "ListObjectVersions", s.listObjectVersions
		case q.Has("uploads"):
			return "ListMultipartUploads", s.listMultipartUploads
		case q.Get("list-type") == "2":
			return "ListObjectsV2", s.listObjectsV2
		default:
			return "ListObjects", s.listObjects
		}
	}
	return "", nil
}

func (s *Server) routeObject(m string, q url.Values, h http.Header) (string, handler) {
	copySource := h.Get("X-Amz-Copy-Source") != ""
	switch m {
	case http.MethodPut:
		switch {
		case q.Has("uploadId") && copySource:
			return "UploadPartCopy", s.uploadPartCopy
		case q.Has("uploadId"):
			return "UploadPart", s.uploadPart
		case copySource:
			return "CopyObject", s.copyObject
		default:
			return "PutObject", s.putObject
		}
	case http.MethodGet:
		if q.Has("uploadId") {
			return "ListParts", s.listParts
		}
		return "GetObject", s.getObject
	case http.MethodHead:
		return "HeadObject", s.headObject
	case http.MethodDelete:
		if q.Has("uploadId") {
			return "AbortMultipartUpload", s.abortMultipartUpload
		}
		return "DeleteObject", s.deleteObject
	case http.MethodPost:
		switch {
		case q.Has("uploads"):
			return "CreateMultipartUpload", s.createMultipartUpload
		case q.Has("uploadId"):
			return "CompleteMultipartUpload", s.completeMultipartUpload
		}
	}
	return "", nil
}
