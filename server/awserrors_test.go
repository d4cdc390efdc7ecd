package server_test

import (
	"encoding/xml"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// TestDocumentedErrorCodes pins the status and code S3 answers for
// requests clients get wrong, where the s3-tests suite expects otherwise
// (AWS is the reference): partNumber past the object's parts is 416
// InvalidPartNumber (S3's error table), a copy range past the source is
// 400 InvalidArgument naming x-amz-copy-source-range, an empty
// continuation token is 400 InvalidArgument, and an empty Content-MD5 is
// InvalidDigest.
func TestDocumentedErrorCodes(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "single", []byte("body"), nil)

		if r := e.must(206, "GET", "/bkt/single?partNumber=1", nil, nil); string(r.body) != "body" {
			t.Errorf("partNumber=1 of a single-part object: %q", r.body)
		}
		e.wantErr(416, "InvalidPartNumber", "GET", "/bkt/single?partNumber=2", nil, nil)
		e.wantErr(416, "InvalidPartNumber", "HEAD", "/bkt/single?partNumber=2", nil, nil)
		e.wantErr(400, "InvalidArgument", "GET", "/bkt/single?partNumber=abc", nil, nil)
		e.wantErr(400, "InvalidArgument", "GET", "/bkt/single?partNumber=10001", nil, nil)

		id := e.createUpload("bkt", "dest", nil)
		r := e.wantErr(400, "InvalidArgument", "PUT", "/bkt/dest?partNumber=1&uploadId="+id, nil,
			hdr{"x-amz-copy-source": "/bkt/single", "x-amz-copy-source-range": "bytes=0-21"})
		var doc s3xml.Error
		if err := xml.Unmarshal(r.body, &doc); err != nil || doc.ArgumentName != "x-amz-copy-source-range" {
			t.Errorf("copy range error names %q (%v)", doc.ArgumentName, err)
		}
		e.wantErr(400, "InvalidArgument", "PUT", "/bkt/dest?partNumber=1&uploadId="+id, nil,
			hdr{"x-amz-copy-source": "/bkt/single", "x-amz-copy-source-range": "bytes=0-2,3-5"})

		r = e.wantErr(400, "InvalidArgument", "GET", "/bkt?list-type=2&continuation-token=", nil, nil)
		doc = s3xml.Error{}
		if err := xml.Unmarshal(r.body, &doc); err != nil || doc.ArgumentName != "continuation-token" {
			t.Errorf("empty continuation token error names %q (%v)", doc.ArgumentName, err)
		}

		e.wantErr(400, "InvalidDigest", "PUT", "/bkt/md5", []byte("x"), hdr{"Content-MD5": ""})
		e.wantErr(400, "InvalidDigest", "PUT", "/bkt/md5?partNumber=1&uploadId="+id, []byte("x"), hdr{"Content-MD5": ""})
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/md5", nil, nil)
	})
}
