package policy

// ActionFor returns the action a policy must allow for an S3 API
// operation (its name as in the S3 API reference, e.g. "ListObjectsV2"),
// following "Required permissions for Amazon S3 API operations". versioned
// says whether the request names a versionId, which switches the object
// operations that have one to their *Version action (GetObject with a
// versionId needs s3:GetObjectVersion). ok is false for an unknown
// operation.
//
// CopyObject and UploadPartCopy need this action on the destination and
// s3:GetObject (or s3:GetObjectVersion) on the source; DeleteObjects needs
// s3:DeleteObject for every key. The server checks those one by one.
func ActionFor(operation string, versioned bool) (action string, ok bool) {
	for i := range operationActions {
		o := &operationActions[i]
		if o.op != operation {
			continue
		}
		if versioned && o.versioned != "" {
			return o.versioned, true
		}
		return o.action, true
	}
	return "", false
}

var operationActions = [...]struct {
	op, action, versioned string
}{
	{"AbortMultipartUpload", "s3:AbortMultipartUpload", ""},
	{"CompleteMultipartUpload", "s3:PutObject", ""},
	{"CopyObject", "s3:PutObject", ""},
	{"CreateBucket", "s3:CreateBucket", ""},
	{"CreateMultipartUpload", "s3:PutObject", ""},
	{"DeleteBucket", "s3:DeleteBucket", ""},
	{"DeleteBucketCors", "s3:PutBucketCORS", ""},
	{"DeleteBucketEncryption", "s3:PutEncryptionConfiguration", ""},
	{"DeleteBucketLifecycle", "s3:PutLifecycleConfiguration", ""},
	{"DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls", ""},
	{"DeleteBucketPolicy", "s3:DeleteBucketPolicy", ""},
	{"DeleteBucketReplication", "s3:PutReplicationConfiguration", ""},
	{"DeleteBucketTagging", "s3:PutBucketTagging", ""},
	{"DeleteBucketWebsite", "s3:DeleteBucketWebsite", ""},
	{"DeleteObject", "s3:DeleteObject", "s3:DeleteObjectVersion"},
	{"DeleteObjects", "s3:DeleteObject", "s3:DeleteObjectVersion"},
	{"DeleteObjectTagging", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"},
	{"DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", ""},
	{"GetBucketAcl", "s3:GetBucketAcl", ""},
	{"GetBucketCors", "s3:GetBucketCORS", ""},
	{"GetBucketEncryption", "s3:GetEncryptionConfiguration", ""},
	{"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration", ""},
	{"GetBucketLocation", "s3:GetBucketLocation", ""},
	{"GetBucketLogging", "s3:GetBucketLogging", ""},
	{"GetBucketNotificationConfiguration", "s3:GetBucketNotification", ""},
	{"GetBucketOwnershipControls", "s3:GetBucketOwnershipControls", ""},
	{"GetBucketPolicy", "s3:GetBucketPolicy", ""},
	{"GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", ""},
	{"GetBucketReplication", "s3:GetReplicationConfiguration", ""},
	{"GetBucketRequestPayment", "s3:GetBucketRequestPayment", ""},
	{"GetBucketTagging", "s3:GetBucketTagging", ""},
	{"GetBucketVersioning", "s3:GetBucketVersioning", ""},
	{"GetBucketWebsite", "s3:GetBucketWebsite", ""},
	{"GetObject", "s3:GetObject", "s3:GetObjectVersion"},
	{"GetObjectAcl", "s3:GetObjectAcl", "s3:GetObjectVersionAcl"},
	{"GetObjectAttributes", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes"},
	{"GetObjectLegalHold", "s3:GetObjectLegalHold", ""},
	{"GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration", ""},
	{"GetObjectRetention", "s3:GetObjectRetention", ""},
	{"GetObjectTagging", "s3:GetObjectTagging", "s3:GetObjectVersionTagging"},
	{"GetObjectTorrent", "s3:GetObjectTorrent", "s3:GetObjectVersionTorrent"},
	{"GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", ""},
	{"HeadBucket", "s3:ListBucket", ""},
	{"HeadObject", "s3:GetObject", "s3:GetObjectVersion"},
	{"ListBuckets", "s3:ListAllMyBuckets", ""},
	{"ListMultipartUploads", "s3:ListBucketMultipartUploads", ""},
	{"ListObjects", "s3:ListBucket", ""},
	{"ListObjectsV2", "s3:ListBucket", ""},
	{"ListObjectVersions", "s3:ListBucketVersions", ""},
	{"ListParts", "s3:ListMultipartUploadParts", ""},
	{"PostObject", "s3:PutObject", ""},
	{"PutBucketAcl", "s3:PutBucketAcl", ""},
	{"PutBucketCors", "s3:PutBucketCORS", ""},
	{"PutBucketEncryption", "s3:PutEncryptionConfiguration", ""},
	{"PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration", ""},
	{"PutBucketLogging", "s3:PutBucketLogging", ""},
	{"PutBucketNotificationConfiguration", "s3:PutBucketNotification", ""},
	{"PutBucketOwnershipControls", "s3:PutBucketOwnershipControls", ""},
	{"PutBucketPolicy", "s3:PutBucketPolicy", ""},
	{"PutBucketReplication", "s3:PutReplicationConfiguration", ""},
	{"PutBucketRequestPayment", "s3:PutBucketRequestPayment", ""},
	{"PutBucketTagging", "s3:PutBucketTagging", ""},
	{"PutBucketVersioning", "s3:PutBucketVersioning", ""},
	{"PutBucketWebsite", "s3:PutBucketWebsite", ""},
	{"PutObject", "s3:PutObject", ""},
	{"PutObjectAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl"},
	{"PutObjectLegalHold", "s3:PutObjectLegalHold", ""},
	{"PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", ""},
	{"PutObjectRetention", "s3:PutObjectRetention", ""},
	{"PutObjectTagging", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"},
	{"PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", ""},
	{"RestoreObject", "s3:RestoreObject", ""},
	{"SelectObjectContent", "s3:GetObject", ""},
	{"UploadPart", "s3:PutObject", ""},
	{"UploadPartCopy", "s3:PutObject", ""},
}
