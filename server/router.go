package server

import (
	"net/http"
	"net/url"
)

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
	m, q := rq.r.Method, rq.q
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
	if rq.key == "" {
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
			return "PutBucketVersioning", s.notImplemented
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
