package s3xml

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os/exec"
	"testing"
	"time"
)

// TestBotocore checks the shapes against the real client: botocore's S3
// parser reads every response document as S3's, and s3xml reads the
// request documents botocore writes.
func TestBotocore(t *testing.T) {
	if err := exec.Command("python3", "-c", "import botocore").Run(); err != nil {
		t.Skip("python3 with botocore not installed")
	}
	ts := NewTime(fixed)
	owner := &Owner{ID: "o", DisplayName: "o"}
	docs := map[string]any{
		"ListBuckets":             ListAllMyBucketsResult{Owner: owner, Buckets: []Bucket{{Name: "b1", CreationDate: ts}}},
		"ListObjects":             ListBucketResult{Name: "b", MaxKeys: 1, IsTruncated: true, NextMarker: "n", Contents: []Object{{Key: "k", LastModified: ts, ETag: `"e"`, Size: 7, StorageClass: "STANDARD"}}},
		"ListObjectsV2":           ListBucketResultV2{Name: "b", KeyCount: 2, MaxKeys: 2, IsTruncated: true, NextContinuationToken: "tok", Contents: []Object{{Key: "k", LastModified: ts, ETag: `"e"`, Size: 7}}, CommonPrefixes: []CommonPrefix{{Prefix: "p/"}}},
		"ListObjectVersions":      ListVersionsResult{Name: "b", MaxKeys: 1000, Versions: []ObjectVersion{{Key: "k", VersionID: "null", IsLatest: true, LastModified: ts, ETag: `"e"`, Size: 1}}},
		"CopyObject":              CopyObjectResult{ETag: `"e"`, LastModified: ts},
		"UploadPartCopy":          CopyPartResult{ETag: `"p"`, LastModified: ts},
		"CreateMultipartUpload":   InitiateMultipartUploadResult{Bucket: "b", Key: "k", UploadID: "u1"},
		"CompleteMultipartUpload": CompleteMultipartUploadResult{Location: "http://h/b/k", Bucket: "b", Key: "k", ETag: `"e-2"`, Checksums: Checksums{ChecksumCRC32: "AAAAAA==-2", ChecksumType: "COMPOSITE"}},
		"ListParts":               ListPartsResult{Bucket: "b", Key: "k", UploadID: "u1", MaxParts: 1000, Parts: []Part{{PartNumber: 3, LastModified: ts, ETag: `"p"`, Size: 5}}},
		"ListMultipartUploads":    ListMultipartUploadsResult{Bucket: "b", MaxUploads: 1000, Uploads: []Upload{{Key: "k", UploadID: "u2", Initiated: ts}}},
		"DeleteObjects":           DeleteResult{Deleted: []DeletedObject{{Key: "a"}}, Errors: []DeleteError{{Key: "b", Code: CodeAccessDenied, Message: "Access Denied"}}},
		"GetBucketVersioning":     VersioningConfiguration{Status: "Enabled"},
		"GetObjectTagging":        Tagging{TagSet: []Tag{{Key: "t", Value: "v"}}},
		"GetObjectAcl":            AccessControlPolicy{Owner: owner, AccessControlList: []Grant{{Grantee: Grantee{Type: "CanonicalUser", ID: "o"}, Permission: "FULL_CONTROL"}}},
		"Error":                   Error{Code: CodeNoSuchKey, Message: "The specified key does not exist.", RequestID: "r1"},
		"GetBucketEncryption": ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &ServerSideEncryptionByDefault{SSEAlgorithm: "AES256"}, BucketKeyEnabled: new(bool)}}},
		"GetBucketAccelerateConfiguration":   AccelerateConfiguration{Status: "Suspended"},
		"GetBucketRequestPayment":            RequestPaymentConfiguration{Payer: "BucketOwner"},
		"GetBucketLogging":                   BucketLoggingStatus{LoggingEnabled: &LoggingEnabled{TargetBucket: "logs", TargetPrefix: "p/"}},
		"GetBucketOwnershipControls":         OwnershipControls{Rules: []OwnershipControlsRule{{ObjectOwnership: "BucketOwnerEnforced"}}},
		"GetPublicAccessBlock":               PublicAccessBlockConfiguration{BlockPublicAcls: true, RestrictPublicBuckets: true},
		"GetBucketNotificationConfiguration": NotificationConfiguration{},
	}
	in := map[string]map[string]string{"responses": {}}
	for op, v := range docs {
		b, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		in["responses"][op] = string(b)
	}
	stdin, _ := json.Marshal(in)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "python3", "testdata/botocore_check.py")
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore: %v\n%s", err, stderr.String())
	}
	var res struct {
		Parsed   map[string]map[string]any `json:"parsed"`
		Requests map[string]string         `json:"requests"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	checkParsed(t, res.Parsed)
	checkRequests(t, res.Requests)
}

// field walks a parsed botocore result: strings index maps, ints lists.
func field(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func checkParsed(t *testing.T, p map[string]map[string]any) {
	tests := []struct {
		op   string
		path []any
		want any
	}{
		{"ListBuckets", []any{"Buckets", 0, "Name"}, "b1"},
		{"ListBuckets", []any{"Buckets", 0, "CreationDate"}, "2026-11-27 01:02:03.456000+00:00"},
		{"ListObjects", []any{"NextMarker"}, "n"},
		{"ListObjects", []any{"Contents", 0, "Size"}, 7.0},
		{"ListObjectsV2", []any{"NextContinuationToken"}, "tok"},
		{"ListObjectsV2", []any{"KeyCount"}, 2.0},
		{"ListObjectsV2", []any{"CommonPrefixes", 0, "Prefix"}, "p/"},
		{"ListObjectsV2", []any{"Contents", 0, "ETag"}, `"e"`},
		{"ListObjectVersions", []any{"Versions", 0, "VersionId"}, "null"},
		{"ListObjectVersions", []any{"Versions", 0, "IsLatest"}, true},
		{"CopyObject", []any{"CopyObjectResult", "ETag"}, `"e"`},
		{"UploadPartCopy", []any{"CopyPartResult", "ETag"}, `"p"`},
		{"CreateMultipartUpload", []any{"UploadId"}, "u1"},
		{"CompleteMultipartUpload", []any{"ETag"}, `"e-2"`},
		{"CompleteMultipartUpload", []any{"ChecksumCRC32"}, "AAAAAA==-2"},
		{"ListParts", []any{"Parts", 0, "PartNumber"}, 3.0},
		{"ListMultipartUploads", []any{"Uploads", 0, "UploadId"}, "u2"},
		{"DeleteObjects", []any{"Deleted", 0, "Key"}, "a"},
		{"DeleteObjects", []any{"Errors", 0, "Code"}, "AccessDenied"},
		{"GetBucketVersioning", []any{"Status"}, "Enabled"},
		{"GetObjectTagging", []any{"TagSet", 0, "Value"}, "v"},
		{"GetObjectAcl", []any{"Grants", 0, "Grantee", "Type"}, "CanonicalUser"},
		{"GetObjectAcl", []any{"Grants", 0, "Permission"}, "FULL_CONTROL"},
		{"Error", []any{"Error", "Code"}, "NoSuchKey"},
		{"GetBucketEncryption", []any{"ServerSideEncryptionConfiguration", "Rules", 0, "ApplyServerSideEncryptionByDefault", "SSEAlgorithm"}, "AES256"},
		{"GetBucketEncryption", []any{"ServerSideEncryptionConfiguration", "Rules", 0, "BucketKeyEnabled"}, false},
		{"GetBucketAccelerateConfiguration", []any{"Status"}, "Suspended"},
		{"GetBucketRequestPayment", []any{"Payer"}, "BucketOwner"},
		{"GetBucketLogging", []any{"LoggingEnabled", "TargetBucket"}, "logs"},
		{"GetBucketOwnershipControls", []any{"OwnershipControls", "Rules", 0, "ObjectOwnership"}, "BucketOwnerEnforced"},
		{"GetPublicAccessBlock", []any{"PublicAccessBlockConfiguration", "BlockPublicAcls"}, true},
		{"GetPublicAccessBlock", []any{"PublicAccessBlockConfiguration", "IgnorePublicAcls"}, false},
		{"GetPublicAccessBlock", []any{"PublicAccessBlockConfiguration", "RestrictPublicBuckets"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			if got := field(p[tc.op], tc.path...); got != tc.want {
				t.Errorf("%v = %#v, want %#v (parsed %v)", tc.path, got, tc.want, p[tc.op])
			}
		})
	}
}

func checkRequests(t *testing.T, r map[string]string) {
	var c CompleteMultipartUpload
	if err := xml.Unmarshal([]byte(r["CompleteMultipartUpload"]), &c); err != nil || len(c.Parts) != 2 ||
		c.Parts[0].ETag != `"e1"` || c.Parts[0].ChecksumCRC32 != "AAAAAA==" || c.Parts[1].PartNumber != 2 {
		t.Errorf("CompleteMultipartUpload from botocore: %v %+v\n%s", err, c, r["CompleteMultipartUpload"])
	}
	var d Delete
	if err := xml.Unmarshal([]byte(r["DeleteObjects"]), &d); err != nil || !d.Quiet || len(d.Objects) != 2 ||
		d.Objects[0].Key != "a b" || d.Objects[1].VersionID != "null" {
		t.Errorf("Delete from botocore: %v %+v\n%s", err, d, r["DeleteObjects"])
	}
	var cb CreateBucketConfiguration
	if err := xml.Unmarshal([]byte(r["CreateBucket"]), &cb); err != nil || cb.LocationConstraint != "eu-west-1" {
		t.Errorf("CreateBucketConfiguration from botocore: %v %+v\n%s", err, cb, r["CreateBucket"])
	}
}
