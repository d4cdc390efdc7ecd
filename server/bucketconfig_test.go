package server_test

import (
	"bytes"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// TestBucketConfigGet reads each configuration subresource of a new bucket
// and checks S3's new-bucket answer: the exact document, or the error with
// S3's status, code, message and BucketName.
func TestBucketConfigGet(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		const ns = ` xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`
		docs := []struct{ sub, body string }{
			{"accelerate", `<AccelerateConfiguration` + ns + `></AccelerateConfiguration>`},
			{"requestPayment", `<RequestPaymentConfiguration` + ns + `><Payer>BucketOwner</Payer></RequestPaymentConfiguration>`},
			{"logging", `<BucketLoggingStatus` + ns + `></BucketLoggingStatus>`},
			{"notification", `<NotificationConfiguration` + ns + `></NotificationConfiguration>`},
			{"ownershipControls", `<OwnershipControls` + ns + `><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`},
			{"publicAccessBlock", `<PublicAccessBlockConfiguration` + ns + `><BlockPublicAcls>true</BlockPublicAcls>` +
				`<IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy>` +
				`<RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`},
		}
		for _, tc := range docs {
			t.Run(tc.sub, func(t *testing.T) {
				e := e.sub(t)
				r := e.must(200, "GET", "/bkt?"+tc.sub, nil, nil)
				body, ok := bytes.CutPrefix(r.body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"))
				if !ok || string(body) != tc.body {
					t.Errorf("body\n%s\nwant\n%s", r.body, tc.body)
				}
				if ct := r.header.Get("Content-Type"); ct != "application/xml" {
					t.Errorf("Content-Type %q", ct)
				}
			})
		}
		errs := []struct{ sub, code, msg string }{
			{"policy", "NoSuchBucketPolicy", "The bucket policy does not exist"},
			{"policyStatus", "NoSuchBucketPolicy", "The bucket policy does not exist"},
			{"cors", "NoSuchCORSConfiguration", "The CORS configuration does not exist"},
			{"lifecycle", "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"},
			{"website", "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"},
			{"replication", "ReplicationConfigurationNotFoundError", "The replication configuration was not found"},
			{"object-lock", "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"},
			{"encryption", "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found"},
		}
		for _, tc := range errs {
			t.Run(tc.sub, func(t *testing.T) {
				e := e.sub(t)
				var doc s3xml.Error
				e.wantErr(404, tc.code, "GET", "/bkt?"+tc.sub, nil, nil).decode(t, &doc)
				if doc.Message != tc.msg || doc.BucketName != "bkt" {
					t.Errorf("message %q, bucket %q; want %q, bkt", doc.Message, doc.BucketName, tc.msg)
				}
			})
		}
		for _, sub := range []string{"encryption", "publicAccessBlock", "policy", "object-lock", "notification"} {
			t.Run("missing bucket "+sub, func(t *testing.T) {
				e.sub(t).wantErr(404, "NoSuchBucket", "GET", "/nobkt?"+sub, nil, nil)
			})
		}
	})
}

// TestBucketConfigWrites checks that the PUTs stay NotImplemented, that
// deleting a configuration a new bucket lacks is S3's 204, and that the
// deletes S3 answers otherwise stay NotImplemented too.
func TestBucketConfigWrites(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		for _, sub := range []string{"lifecycle", "website", "replication", "object-lock",
			"accelerate", "requestPayment", "logging", "ownershipControls", "publicAccessBlock"} {
			t.Run("PUT "+sub, func(t *testing.T) {
				e.sub(t).wantErr(501, "NotImplemented", "PUT", "/bkt?"+sub, []byte("<x/>"), nil)
			})
		}
		for _, sub := range []string{"policy", "cors", "lifecycle", "website", "replication", "encryption"} {
			t.Run("DELETE "+sub, func(t *testing.T) {
				e := e.sub(t)
				if r := e.must(204, "DELETE", "/bkt?"+sub, nil, nil); len(r.body) != 0 {
					t.Errorf("body %s", r.body)
				}
				e.wantErr(404, "NoSuchBucket", "DELETE", "/nobkt?"+sub, nil, nil)
			})
		}
		for _, sub := range []string{"ownershipControls", "publicAccessBlock"} {
			t.Run("DELETE "+sub, func(t *testing.T) {
				e.sub(t).wantErr(501, "NotImplemented", "DELETE", "/bkt?"+sub, nil, nil)
			})
		}
		// The bucket is still there, and an object's retention stays unsupported.
		e.must(200, "HEAD", "/bkt", nil, nil)
		e.put("bkt", "k", []byte("x"), nil)
		e.wantErr(501, "NotImplemented", "GET", "/bkt/k?retention", nil, nil)
		e.wantErr(501, "NotImplemented", "GET", "/bkt/k?policy", nil, nil)
	})
}
