package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/s3kit/s3kit/storage/mem"
)

// TestRouteAWSRequestLines pins the operation the router picks for the
// request lines of the Amazon S3 API Reference's examples (its "Request
// Syntax" and "Examples" sections), one or more per operation s3kit
// routes, bucket in the path. The name is the one the request log shows
// as op=. A row with no handler is answered 405 MethodNotAllowed.
func TestRouteAWSRequestLines(t *testing.T) {
	t.Parallel()
	s := New(Config{Backend: mem.New(mem.Options{}), Keys: NewStaticKeys()})
	const copySource = "X-Amz-Copy-Source"
	tests := []struct {
		method, target string
		header         http.Header
		op             string
		noHandler      bool
	}{
		// Service.
		{method: "GET", target: "/", op: "ListBuckets"},
		{method: "GET", target: "/?max-buckets=10&continuation-token=t&prefix=p&bucket-region=us-east-1", op: "ListBuckets"},
		{method: "POST", target: "/", noHandler: true},

		// Buckets.
		{method: "PUT", target: "/bucket", op: "CreateBucket"},
		{method: "HEAD", target: "/bucket", op: "HeadBucket"},
		{method: "DELETE", target: "/bucket", op: "DeleteBucket"},
		{method: "GET", target: "/bucket", op: "ListObjects"},
		{method: "GET", target: "/bucket?prefix=N&marker=Ned&max-keys=40", op: "ListObjects"},
		{method: "GET", target: "/bucket?delimiter=/&encoding-type=url", op: "ListObjects"},
		{method: "GET", target: "/bucket?list-type=2", op: "ListObjectsV2"},
		{method: "GET", target: "/bucket?list-type=2&max-keys=3&prefix=E&start-after=ExampleGuide.pdf", op: "ListObjectsV2"},
		{method: "GET", target: "/bucket?list-type=2&continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D&fetch-owner=true", op: "ListObjectsV2"},
		{method: "GET", target: "/bucket?versions", op: "ListObjectVersions"},
		{method: "GET", target: "/bucket?versions&key-marker=key3&version-id-marker=t46ZenlYTZBnj&max-keys=3", op: "ListObjectVersions"},
		{method: "GET", target: "/bucket?uploads", op: "ListMultipartUploads"},
		{method: "GET", target: "/bucket?uploads&delimiter=/&prefix=photos/2006/&max-uploads=3", op: "ListMultipartUploads"},
		{method: "GET", target: "/bucket?location", op: "GetBucketLocation"},
		{method: "GET", target: "/bucket?versioning", op: "GetBucketVersioning"},
		{method: "PUT", target: "/bucket?versioning", op: "PutBucketVersioning"},
		{method: "POST", target: "/bucket?delete", op: "DeleteObjects"},
		{method: "POST", target: "/bucket", header: http.Header{"Content-Type": {"multipart/form-data; boundary=9431149156168"}}, op: "PostObject"},
		{method: "GET", target: "/bucket?tagging", op: "GetBucketTagging"},
		{method: "PUT", target: "/bucket?tagging", op: "PutBucketTagging"},
		{method: "DELETE", target: "/bucket?tagging", op: "DeleteBucketTagging"},
		{method: "GET", target: "/bucket?acl", op: "GetACL"},
		{method: "PUT", target: "/bucket?acl", op: "PutACL"},
		{method: "GET", target: "/bucket?policy", op: "GetBucketPolicy"},
		{method: "DELETE", target: "/bucket?policy", op: "DeleteBucketPolicy"},
		{method: "GET", target: "/bucket?policyStatus", op: "GetBucketPolicyStatus"},
		{method: "GET", target: "/bucket?cors", op: "GetBucketCors"},
		{method: "DELETE", target: "/bucket?cors", op: "DeleteBucketCors"},
		{method: "PUT", target: "/bucket?cors", op: "PutBucketCors"},
		{method: "OPTIONS", target: "/bucket/key", op: "PreflightCORS"},
		{method: "OPTIONS", target: "/bucket", op: "PreflightCORS"},
		{method: "GET", target: "/bucket?lifecycle", op: "GetBucketLifecycleConfiguration"},
		{method: "DELETE", target: "/bucket?lifecycle", op: "DeleteBucketLifecycle"},
		{method: "GET", target: "/bucket?website", op: "GetBucketWebsite"},
		{method: "DELETE", target: "/bucket?website", op: "DeleteBucketWebsite"},
		{method: "GET", target: "/bucket?replication", op: "GetBucketReplication"},
		{method: "DELETE", target: "/bucket?replication", op: "DeleteBucketReplication"},
		{method: "GET", target: "/bucket?object-lock", op: "GetObjectLockConfiguration"},
		{method: "GET", target: "/bucket?encryption", op: "GetBucketEncryption"},
		{method: "DELETE", target: "/bucket?encryption", op: "DeleteBucketEncryption"},
		{method: "GET", target: "/bucket?accelerate", op: "GetBucketAccelerateConfiguration"},
		{method: "GET", target: "/bucket?requestPayment", op: "GetBucketRequestPayment"},
		{method: "GET", target: "/bucket?logging", op: "GetBucketLogging"},
		{method: "GET", target: "/bucket?notification", op: "GetBucketNotificationConfiguration"},
		{method: "GET", target: "/bucket?ownershipControls", op: "GetBucketOwnershipControls"},
		{method: "GET", target: "/bucket?publicAccessBlock", op: "GetPublicAccessBlock"},
		// Configuration writes s3kit does not implement.
		{method: "PUT", target: "/bucket?policy", op: "PutBucketPolicy"},
		{method: "PUT", target: "/bucket?lifecycle", op: "NotImplemented"},
		{method: "PUT", target: "/bucket?encryption", op: "PutBucketEncryption"},
		{method: "PUT", target: "/bucket?object-lock", op: "NotImplemented"},
		{method: "GET", target: "/bucket?analytics&id=list1", op: "NotImplemented"},
		{method: "GET", target: "/bucket?inventory&id=list1", op: "NotImplemented"},
		{method: "GET", target: "/bucket?metrics&id=Documents", op: "NotImplemented"},
		{method: "GET", target: "/bucket?intelligent-tiering&id=Id", op: "NotImplemented"},

		// Objects.
		{method: "PUT", target: "/bucket/my-image.jpg", op: "PutObject"},
		{method: "PUT", target: "/bucket/my-image.jpg", header: http.Header{copySource: {"/source-bucket/source-key"}}, op: "CopyObject"},
		{method: "PUT", target: "/bucket/my-image.jpg", header: http.Header{copySource: {"/source-bucket/source-key?versionId=null"}}, op: "CopyObject"},
		{method: "GET", target: "/bucket/my-image.jpg", op: "GetObject"},
		{method: "GET", target: "/bucket/myObject?versionId=null", op: "GetObject"},
		{method: "GET", target: "/bucket/Junk3.txt?response-cache-control=No-cache&response-content-disposition=attachment%3B%20filename%3Dtesting.txt&response-content-encoding=x-gzip&response-content-language=mi%2C%20en&response-expires=Thu%2C%2001%20Dec%201994%2016:00:00%20GMT", op: "GetObject"},
		{method: "GET", target: "/bucket/Key?partNumber=1", op: "GetObject"},
		{method: "HEAD", target: "/bucket/my-image.jpg", op: "HeadObject"},
		{method: "HEAD", target: "/bucket/Key?partNumber=3&versionId=null", op: "HeadObject"},
		{method: "DELETE", target: "/bucket/my-second-image.jpg", op: "DeleteObject"},
		{method: "DELETE", target: "/bucket/my-third-image.jpg?versionId=null", op: "DeleteObject"},
		{method: "GET", target: "/bucket/example-object?attributes", op: "GetObjectAttributes"},
		{method: "GET", target: "/bucket/example-object?tagging", op: "GetObjectTagging"},
		{method: "GET", target: "/bucket/example-object?tagging&versionId=null", op: "GetObjectTagging"},
		{method: "PUT", target: "/bucket/object-key?tagging", op: "PutObjectTagging"},
		{method: "DELETE", target: "/bucket/exampleobject?tagging", op: "DeleteObjectTagging"},
		{method: "GET", target: "/bucket/my-image.jpg?acl", op: "GetACL"},
		{method: "PUT", target: "/bucket/my-image.jpg?acl", op: "PutACL"},
		{method: "PATCH", target: "/bucket/my-image.jpg", noHandler: true},
		{method: "POST", target: "/bucket/my-image.jpg", noHandler: true},
		// Object subresources s3kit does not implement.
		{method: "POST", target: "/bucket/object-one.csv?restore", op: "NotImplemented"},
		{method: "POST", target: "/bucket/Key?select&select-type=2", op: "NotImplemented"},
		{method: "GET", target: "/bucket/Key?retention", op: "NotImplemented"},
		{method: "GET", target: "/bucket/Key?legal-hold", op: "NotImplemented"},
		{method: "GET", target: "/bucket/quotes/Nelson?torrent", op: "NotImplemented"},

		// Multipart uploads.
		{method: "POST", target: "/bucket/example-object?uploads", op: "CreateMultipartUpload"},
		{method: "PUT", target: "/bucket/my-movie.m2ts?partNumber=1&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR", op: "UploadPart"},
		{method: "PUT", target: "/bucket/newobject?partNumber=2&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR", header: http.Header{copySource: {"/source-bucket/sourceobject"}}, op: "UploadPartCopy"},
		{method: "GET", target: "/bucket/example-object?uploadId=XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA&max-parts=2&part-number-marker=1", op: "ListParts"},
		{method: "POST", target: "/bucket/example-object?uploadId=AAAsb2FkIElEIGZvciBlbHZpbmcncyWeeS1tb3ZpZS5tMnRzIRRwbG9hZA", op: "CompleteMultipartUpload"},
		{method: "DELETE", target: "/bucket/example-object?uploadId=VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZ", op: "AbortMultipartUpload"},
	}
	for _, tc := range tests {
		r := httptest.NewRequest(tc.method, tc.target, nil)
		for k, v := range tc.header {
			r.Header[k] = v
		}
		rq := &request{r: r}
		if err := s.parsePath(rq); err != nil {
			t.Errorf("%s %s: %v", tc.method, tc.target, err)
			continue
		}
		op, h := s.route(rq)
		if op != tc.op {
			t.Errorf("%s %s %v: operation %q, want %q", tc.method, tc.target, tc.header, op, tc.op)
		}
		if got := h == nil; got != tc.noHandler && op != opPostObject {
			t.Errorf("%s %s: no handler = %v, want %v", tc.method, tc.target, got, tc.noHandler)
		}
	}
}
