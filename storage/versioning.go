package storage

import (
	"context"
	"errors"
	"fmt"
)

// NullVersionID is the version ID of an object written while its bucket
// was unversioned or versioning was suspended (S3's "null" version).
const NullVersionID = "null"

// VersioningState is a bucket's versioning status as S3 spells it.
type VersioningState string

// The three versioning states. A bucket starts Unversioned; once Enabled
// it can only be Suspended and Enabled again, never Unversioned.
const (
	Unversioned VersioningState = ""
	Enabled     VersioningState = "Enabled"
	Suspended   VersioningState = "Suspended"
)

// ErrMethodNotAllowed is returned for a GET or HEAD of a delete marker by
// its version ID (S3's 405 MethodNotAllowed). It comes wrapped in a
// *DeleteMarkerError.
var ErrMethodNotAllowed = errors.New("method not allowed on a delete marker") // MethodNotAllowed (405)

// ErrNoSuchVersion is returned for a version ID the key does not have
// (S3's NoSuchVersion).
var ErrNoSuchVersion = errors.New("no such version") // NoSuchVersion

// DeleteMarkerError reports that a read found a delete marker: a read
// without a version ID of a key whose latest version is a marker (it
// wraps ErrNoSuchKey) or a read of the marker's own version ID (it wraps
// ErrMethodNotAllowed). S3 answers both with x-amz-delete-marker: true
// and the marker's x-amz-version-id, which the server takes from here.
type DeleteMarkerError struct {
	Key       string
	VersionID string
	// Err is ErrNoSuchKey or ErrMethodNotAllowed.
	Err error
}

func (e *DeleteMarkerError) Error() string {
	return fmt.Sprintf("%s: delete marker %s: %v", e.Key, e.VersionID, e.Err)
}

// Unwrap returns Err, so errors.Is(err, ErrNoSuchKey) holds for a marker
// that is the latest version.
func (e *DeleteMarkerError) Unwrap() error { return e.Err }

// VersionInfo describes one version of a key in ListObjectVersions: an
// object version or a delete marker. A null version is listed with
// VersionID "null", in unversioned buckets too.
type VersionInfo struct {
	ObjectInfo
	// IsLatest is true for the key's current version.
	IsLatest bool
}

// ListVersionsOptions selects a page of ListObjectVersions. KeyMarker and
// VersionIDMarker are S3's: the page starts after the version
// VersionIDMarker of KeyMarker, or after every version of KeyMarker when
// VersionIDMarker is empty.
type ListVersionsOptions struct {
	Prefix          string
	Delimiter       string
	KeyMarker       string
	VersionIDMarker string
	// MaxKeys caps versions, delete markers and common prefixes (0 means 1000).
	MaxKeys int
}

// ListVersionsResult is one page of ListObjectVersions: versions ordered by
// key, then newest first.
type ListVersionsResult struct {
	Versions            []VersionInfo
	CommonPrefixes      []string
	IsTruncated         bool
	NextKeyMarker       string
	NextVersionIDMarker string
}

// DeleteResult says what a delete did in a versioned bucket: which version
// it created or removed and whether that is a delete marker.
type DeleteResult struct {
	VersionID    string
	DeleteMarker bool
}

// Versioner is implemented by backends that keep object versions (S3
// bucket versioning). With it, ObjectInfo.VersionID and DeleteMarker are
// filled in, and the Backend methods follow the bucket's state:
//
//   - Unversioned: as without versioning; objects have version ID "null".
//   - Enabled: PutObject, CopyObject and CompleteMultipartUpload add a new
//     version with a fresh ID and keep the previous ones; DeleteObject adds
//     a delete marker with a fresh ID.
//   - Suspended: writes replace the "null" version (wherever it is in the
//     key's history) and become the latest; DeleteObject replaces the null
//     version with a null delete marker. Other versions are kept.
//
// Implementations MUST: hand out version IDs that are opaque, URL-safe and
// never reused for a key, and refuse an ID of a form they never hand out
// with ErrInvalidArgument (an unknown well-formed one is ErrNoSuchVersion); keep a key's versions ordered newest first;
// answer GetObject and HeadObject of a key whose latest version is a delete
// marker with a *DeleteMarkerError wrapping ErrNoSuchKey; answer reads of a
// delete marker's version ID with a *DeleteMarkerError wrapping
// ErrMethodNotAllowed; leave delete markers out of ListObjects (at a cost
// that does not grow with the number of noncurrent versions); make the
// next-newest version current when the current one is removed by ID; count
// a bucket with any version or marker as not empty in DeleteBucket; and
// keep the state and every version as durably as the objects themselves.
type Versioner interface {
	// PutBucketVersioning sets a bucket's state: Enabled or Suspended
	// (anything else is ErrInvalidArgument).
	PutBucketVersioning(ctx context.Context, bucket string, state VersioningState) error
	// GetBucketVersioning returns a bucket's state.
	GetBucketVersioning(ctx context.Context, bucket string) (VersioningState, error)
	// GetObjectVersion opens one version ("" is the latest, as GetObject);
	// ErrNoSuchVersion when the key has no such version. The caller closes
	// Content.
	GetObjectVersion(ctx context.Context, bucket, key, versionID string) (*Object, error)
	// HeadObjectVersion is GetObjectVersion without the bytes.
	HeadObjectVersion(ctx context.Context, bucket, key, versionID string) (ObjectInfo, error)
	// DeleteObjectVersion deletes as S3's DeleteObject with versionId:
	// versionID "" deletes by the bucket's state (a delete marker when
	// versioning is on); otherwise it removes that version or marker for
	// good (a missing one succeeds, removing nothing).
	DeleteObjectVersion(ctx context.Context, bucket, key, versionID string) (DeleteResult, error)
	// ListObjectVersions returns one page of versions and delete markers.
	ListObjectVersions(ctx context.Context, bucket string, opts ListVersionsOptions) (ListVersionsResult, error)
	// CopyObjectVersion is Copier.CopyObject from one version of the source
	// ("" is the latest).
	CopyObjectVersion(ctx context.Context, srcBucket, srcKey, srcVersionID, dstBucket, dstKey string, meta *ObjectMeta) (ObjectInfo, error)
	// PutObjectTaggingVersion is Tagger.PutObjectTagging on one version
	// ("" is the latest).
	PutObjectTaggingVersion(ctx context.Context, bucket, key, versionID string, tags map[string]string) (ObjectInfo, error)
}
