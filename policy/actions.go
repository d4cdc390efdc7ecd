package policy

import "strings"

// resourceKind is what an S3 action acts on.
type resourceKind uint8

const (
	onBucket  resourceKind = 1 << iota // arn:aws:s3:::bucket
	onObject                           // arn:aws:s3:::bucket/key
	onService                          // "*" only (ListAllMyBuckets, ...)
)

// s3Actions lists S3's actions and the resource each applies to ("Actions,
// resources, and condition keys for Amazon S3"). PutBucketPolicy uses it to
// refuse unknown actions ("Policy has invalid action") and actions none of
// a statement's resources can name ("Action does not apply to any
// resource(s) in statement").
var s3Actions = func() map[string]resourceKind {
	s3Actions := map[string]resourceKind{}
	for _, a := range strings.Fields(`
		AbortMultipartUpload BypassGovernanceRetention DeleteObject DeleteObjectTagging
		DeleteObjectVersion DeleteObjectVersionTagging GetObject GetObjectAcl
		GetObjectAttributes GetObjectLegalHold GetObjectRetention GetObjectTagging
		GetObjectTorrent GetObjectVersion GetObjectVersionAcl GetObjectVersionAttributes
		GetObjectVersionForReplication GetObjectVersionTagging GetObjectVersionTorrent
		InitiateReplication ListMultipartUploadParts ObjectOwnerOverrideToBucketOwner
		PutObject PutObjectAcl PutObjectLegalHold PutObjectRetention PutObjectTagging
		PutObjectVersionAcl PutObjectVersionTagging ReplicateDelete ReplicateObject
		ReplicateTags RestoreObject`) {
		s3Actions[strings.ToLower(a)] = onObject
	}
	for _, a := range strings.Fields(`
		CreateBucket DeleteBucket DeleteBucketOwnershipControls DeleteBucketPolicy
		DeleteBucketWebsite GetAccelerateConfiguration GetAnalyticsConfiguration
		GetBucketAcl GetBucketCORS GetBucketLocation GetBucketLogging GetBucketNotification
		GetBucketObjectLockConfiguration GetBucketOwnershipControls GetBucketPolicy
		GetBucketPolicyStatus GetBucketPublicAccessBlock GetBucketRequestPayment
		GetBucketTagging GetBucketVersioning GetBucketWebsite GetEncryptionConfiguration
		GetIntelligentTieringConfiguration GetInventoryConfiguration
		GetLifecycleConfiguration GetMetricsConfiguration GetReplicationConfiguration
		ListBucket ListBucketMultipartUploads ListBucketVersions PutAccelerateConfiguration
		PutAnalyticsConfiguration PutBucketAcl PutBucketCORS PutBucketLogging
		PutBucketNotification PutBucketObjectLockConfiguration PutBucketOwnershipControls
		PutBucketPolicy PutBucketPublicAccessBlock PutBucketRequestPayment PutBucketTagging
		PutBucketVersioning PutBucketWebsite PutEncryptionConfiguration
		PutIntelligentTieringConfiguration PutInventoryConfiguration
		PutLifecycleConfiguration PutMetricsConfiguration PutReplicationConfiguration`) {
		s3Actions[strings.ToLower(a)] = onBucket
	}
	for _, a := range strings.Fields(`
		ListAllMyBuckets GetAccountPublicAccessBlock PutAccountPublicAccessBlock
		ListAccessPoints CreateJob ListJobs`) {
		s3Actions[strings.ToLower(a)] = onService
	}
	return s3Actions
}()

// actionKinds returns the resource kinds of the S3 actions an action
// pattern ("s3:Get*", "*") covers; 0 means it names no S3 action.
func actionKinds(p *pattern) resourceKind {
	service, name, ok := strings.Cut(p.raw, ":")
	if p.raw == "*" {
		return onBucket | onObject | onService
	}
	if !ok || !strings.EqualFold(service, "s3") || name == "" {
		return 0
	}
	np, ok := compilePattern(name, compileOpts{wild: true, fold: true})
	if !ok {
		return 0
	}
	var kinds resourceKind
	for a, k := range s3Actions {
		if np.match(a, nil) {
			kinds |= k
		}
	}
	return kinds
}

// ACLPermission returns the ACL permission that grants an S3 action, and
// whether that permission is read from the bucket's ACL (true) or the
// object's (false), following "Mapping of ACL permissions and access
// policy permissions" in the S3 User Guide. ok is false for actions no
// ACL permission grants (only the owner, or a policy, can allow them).
//
// WRITE on a bucket allows creating, overwriting and deleting its objects:
// s3:PutObject and s3:DeleteObject (the server maps UploadPart,
// CompleteMultipartUpload and CopyObject's write to s3:PutObject, as AWS
// does).
func ACLPermission(action string) (perm Permission, bucketACL bool, ok bool) {
	service, name, found := strings.Cut(action, ":")
	if !found || !strings.EqualFold(service, "s3") {
		return 0, false, false
	}
	for i := range aclMap {
		if strings.EqualFold(aclMap[i].action, name) {
			return aclMap[i].perm, aclMap[i].bucket, true
		}
	}
	return 0, false, false
}

var aclMap = [...]struct {
	action string
	perm   Permission
	bucket bool
}{
	{"ListBucket", PermRead, true},
	{"ListBucketVersions", PermRead, true},
	{"ListBucketMultipartUploads", PermRead, true},
	{"PutObject", PermWrite, true},
	{"DeleteObject", PermWrite, true},
	{"GetBucketAcl", PermReadACP, true},
	{"PutBucketAcl", PermWriteACP, true},
	{"GetObject", PermRead, false},
	{"GetObjectVersion", PermRead, false},
	{"GetObjectTorrent", PermRead, false},
	{"GetObjectAcl", PermReadACP, false},
	{"GetObjectVersionAcl", PermReadACP, false},
	{"PutObjectAcl", PermWriteACP, false},
	{"PutObjectVersionAcl", PermWriteACP, false},
}
