// Package storage defines what the s3kit server needs from a storage engine:
// the Backend contract, optional capabilities found by type assertion
// (Multipart, Copier, Tagger, BucketTagger, BucketConfigStore, Versioner,
// UsageReporter, and for server-side encryption Encrypter, KeyedReader,
// BucketEncryptionStore), and the sentinel errors the server maps onto S3
// error codes. Encryption itself is storage/sse, which wraps any backend.
// Implementations live in storage/disk
// (durable, on local disk) and storage/mem (in memory, for tests);
// storage/storagetest checks every MUST written in the doc comments below.
//
// The server never touches files: everything it stores or reads goes
// through these interfaces.
package storage

import (
	"context"
	"errors"
	"io"
	"time"
)

// MinPartSize is the smallest size a multipart part may have, except the last
// part of an upload (S3's EntityTooSmall rule).
const MinPartSize = 5 << 20

// MaxPartNumber is the highest part number S3 accepts.
const MaxPartNumber = 10000

// Sentinel errors. Implementations wrap them (fmt.Errorf("...: %w", ErrX)) and
// callers test with errors.Is. The server maps each onto one S3 error code.
var (
	ErrNoSuchBucket       = errors.New("no such bucket")        // NoSuchBucket
	ErrBucketExists       = errors.New("bucket already exists") // BucketAlreadyOwnedByYou
	ErrBucketNotEmpty     = errors.New("bucket not empty")      // BucketNotEmpty
	ErrNoSuchKey          = errors.New("no such key")           // NoSuchKey
	ErrNoSuchUpload       = errors.New("no such upload")        // NoSuchUpload
	ErrInvalidPart        = errors.New("invalid part")          // InvalidPart
	ErrInvalidPartOrder   = errors.New("invalid part order")    // InvalidPartOrder
	ErrEntityTooSmall     = errors.New("entity too small")      // EntityTooSmall
	ErrBadDigest          = errors.New("content-md5 mismatch")  // BadDigest
	ErrPreconditionFailed = errors.New("precondition failed")   // PreconditionFailed
	ErrInvalidArgument    = errors.New("invalid argument")      // InvalidArgument
	// ErrInsufficientStorage: the backend has no room for new data (its
	// disk is full). Deletes and other changes that add no data still
	// work, so a client can free space; retrying the write later may
	// succeed.
	ErrInsufficientStorage = errors.New("insufficient storage") // InsufficientStorage (507)
)

// BucketInfo describes a bucket.
type BucketInfo struct {
	Name    string
	Created time.Time
	// Region is the region recorded at creation (CreateBucketOptions);
	// "" for a bucket created before s3kit recorded every bucket's region,
	// which the server reads as its own region.
	Region string
}

// CreateBucketOptions are the settings a bucket is created with.
type CreateBucketOptions struct {
	// Region is the region to record: the LocationConstraint, or the
	// server's region when the request named none.
	Region string
}

// ObjectMeta is everything about an object that a client sets on upload and
// gets back on GET/HEAD, apart from the bytes.
type ObjectMeta struct {
	ContentType        string
	ContentEncoding    string
	ContentDisposition string
	ContentLanguage    string
	CacheControl       string
	Expires            string
	// UserMeta holds x-amz-meta-* headers: lower-case names without the
	// prefix, values verbatim.
	UserMeta map[string]string
	// Checksums maps an algorithm name as S3 spells it in headers, upper
	// case ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"), to its
	// base64 value.
	Checksums map[string]string
	// ChecksumType is "FULL_OBJECT" or "COMPOSITE" ("" when no checksum).
	ChecksumType string
	// Tags are the object's tags (S3 object tagging), key to value; nil
	// when it has none. Unlike the rest of the meta they can change after
	// the upload (Tagger).
	Tags map[string]string
	// Encryption, when set, says the object's bytes are stored encrypted
	// (server-side encryption). On a request it names the encryption
	// asked for (Algorithm only); on a stored object it is the record
	// storage/sse keeps to decrypt it. A backend stores it as given and
	// never shares it; only an encrypting backend (Encrypter) may be
	// handed one on a write.
	Encryption *Encryption
}

// Encryption algorithms as S3 names them in x-amz-server-side-encryption
// (and, for SSE-C, x-amz-server-side-encryption-customer-algorithm).
const (
	SSEAlgorithmAES256 = "AES256"  // SSE-S3: keys the server manages
	SSEAlgorithmKMS    = "aws:kms" // SSE-KMS: a KMS key names the key
)

// Encryption describes how an object's bytes are encrypted at rest.
// Exactly one of Algorithm (SSE-S3, SSE-KMS) and CustomerAlgorithm (SSE-C)
// is set.
type Encryption struct {
	// Algorithm is SSEAlgorithmAES256 or SSEAlgorithmKMS.
	Algorithm string `json:",omitempty"`
	// CustomerAlgorithm is SSEAlgorithmAES256 for an object stored under
	// a customer-provided key (SSE-C).
	CustomerAlgorithm string `json:",omitempty"`
	// CustomerKey is the SSE-C key (32 bytes) on a request. It is never
	// stored: backends keep only WrappedKey, which opens with it.
	CustomerKey []byte `json:"-"`
	// KMSKeyID is the ARN of the KMS key of an SSE-KMS object (on a
	// request, any form of key ID the KMS accepts; "" for the default).
	KMSKeyID string `json:",omitempty"`
	// Context is the SSE-KMS encryption context, as the base64 JSON the
	// x-amz-server-side-encryption-context header carries ("" for none).
	Context string `json:",omitempty"`
	// BucketKey records that the request asked for an S3 Bucket Key
	// (SSE-KMS); it changes nothing in how the object is sealed.
	BucketKey bool `json:",omitempty"`
	// WrappedKey is the object's data key, sealed by the key that the
	// fields above name (the store's master key, the KMS key, or the
	// customer's key). Never the plain key.
	WrappedKey []byte `json:",omitempty"`
}

// BucketEncryption is a bucket's default encryption (S3's
// PutBucketEncryption): applied to every object written to the bucket
// without an encryption of its own.
type BucketEncryption struct {
	// Algorithm is SSEAlgorithmAES256 or SSEAlgorithmKMS.
	Algorithm string
	// KMSKeyID names the KMS key for SSEAlgorithmKMS ("" for the
	// default key).
	KMSKeyID string `json:",omitempty"`
	// BucketKey is S3's BucketKeyEnabled, kept and reported.
	BucketKey bool `json:",omitempty"`
}

// BucketEncryptionStore is implemented by backends that keep a bucket's
// default encryption.
//
// Implementations MUST keep it as durably as the bucket (a disk backend's
// survives a restart), drop it with the bucket (a re-created bucket has
// none), and return ErrNoSuchBucket when the bucket does not exist.
type BucketEncryptionStore interface {
	// PutBucketEncryption sets a bucket's default encryption; nil
	// removes it.
	PutBucketEncryption(ctx context.Context, bucket string, enc *BucketEncryption) error
	// GetBucketEncryption returns it, nil when the bucket has none.
	GetBucketEncryption(ctx context.Context, bucket string) (*BucketEncryption, error)
}

// ReadOptions carry what a read may need besides the object's name.
type ReadOptions struct {
	// CustomerKey is the SSE-C key the object was stored under; nil for
	// objects stored otherwise.
	CustomerKey []byte
	// VersionID names the version to read ("" is the latest) on a
	// backend that is also a Versioner.
	VersionID string
}

// KeyedReader is implemented by backends that store objects under
// customer-provided keys (SSE-C). Their GetObject of such an object fails
// with ErrEncryptionKeyRequired (HeadObject answers without checking, for
// callers that need only the metadata); these methods take the key.
// A wrong key is ErrEncryptionKeyMismatch; a key offered for an object
// not stored under one is ErrEncryptionNotApplicable.
type KeyedReader interface {
	GetObjectWith(ctx context.Context, bucket, key string, opts ReadOptions) (*Object, error)
	HeadObjectWith(ctx context.Context, bucket, key string, opts ReadOptions) (ObjectInfo, error)
}

// Encrypter is implemented by backends that encrypt objects at rest when
// a write carries ObjectMeta.Encryption. A server must refuse a request
// for server-side encryption on a backend that does not implement it
// rather than store plaintext under an encryption claim.
type Encrypter interface {
	// Encrypts reports whether the backend encrypts with algorithm.
	Encrypts(algorithm string) bool
}

// Errors of encrypted objects.
var (
	// ErrCorrupt: stored bytes failed their integrity check (an
	// encrypted package whose authentication tag does not match). The
	// bytes are never returned.
	ErrCorrupt = errors.New("stored data is corrupt")
	// ErrEncryptionKeyRequired: the object (or upload) is stored under a
	// customer-provided key and the request gave none.
	ErrEncryptionKeyRequired = errors.New("object is encrypted with a customer-provided key; the key is required")
	// ErrEncryptionKeyMismatch: the customer-provided key is not the one
	// the object was stored under.
	ErrEncryptionKeyMismatch = errors.New("customer-provided key does not match the object's")
	// ErrEncryptionNotApplicable: a customer-provided key was given for
	// an object not stored under one.
	ErrEncryptionNotApplicable = errors.New("the encryption parameters are not applicable to this object")
	// ErrNoSuchKMSKey: an SSE-KMS request names a KMS key that does not
	// exist.
	ErrNoSuchKMSKey = errors.New("no such KMS key")
)

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key  string
	Size int64
	// ETag is the entity tag including its double quotes, as S3 sends it:
	// "\"<hex md5>\"" for single uploads, "\"<hex md5 of part md5s>-N\"" for
	// multipart ones.
	ETag         string
	LastModified time.Time
	Meta         ObjectMeta
	// PartSizes lists the sizes of the parts a multipart object was
	// assembled from, in order (nil for a single-part upload). GET with
	// partNumber uses it.
	PartSizes []int64
	// PartChecksums holds, for a multipart object whose Meta.Checksums
	// names one algorithm, each part's checksum in that algorithm (base64,
	// in PartSizes order), so GET with partNumber can return the part's
	// own checksum as S3 does. Nil when any part lacked one.
	PartChecksums []string
	// VersionID is the version's ID from a Versioner backend: "null" for
	// an object written while versioning was off or suspended (also ""
	// from backends without versioning).
	VersionID string
	// DeleteMarker is true for a delete marker (only in
	// ListObjectVersions and DeleteResult).
	DeleteMarker bool
}

// Content is an open, immutable view of one object's bytes. It stays valid
// (same bytes) even if the object is overwritten or deleted while open.
type Content interface {
	io.ReaderAt
	io.ReadSeeker
	io.Closer
}

// RangeWriterTo is implemented by Content that can send a byte range to w
// without copying it through user space (file-backed content on Linux
// hands *os.File sections to w, so an http.ResponseWriter uses
// sendfile(2)). Servers answering a Range GET should prefer it over
// io.CopyN on a SectionReader. Like Read and Seek, it must not run
// concurrently with other reads of the same Content except ReadAt.
type RangeWriterTo interface {
	WriteRangeTo(w io.Writer, off, n int64) (int64, error)
}

// Object is an open object: its description and its bytes.
type Object struct {
	Info    ObjectInfo
	Content Content
}

// PutOptions controls how an object is written.
type PutOptions struct {
	Meta ObjectMeta
	// ContentMD5, when set, is the expected raw MD5 of the body; on mismatch
	// PutObject returns ErrBadDigest and commits nothing.
	ContentMD5 []byte
	// IfNoneMatch "*" makes the put fail with ErrPreconditionFailed when the
	// key already exists, checked atomically with the commit.
	IfNoneMatch string
	// IfMatch, when set, is an ETag (with quotes) the current object must
	// have, checked atomically with the commit; otherwise
	// ErrPreconditionFailed (ErrNoSuchKey when there is no object).
	IfMatch string
	// Digest, when set, is called once the whole body has been read and
	// returns the raw MD5 to use in place of the MD5 of the bytes read:
	// ContentMD5 is checked against it and the ETag is made of it. A
	// layer that transforms the body before the backend stores it
	// (storage/sse seals it) passes the MD5 of what its caller sent.
	Digest func() []byte
	// BeforeCommit, when set, is called after the whole body has been read
	// and before the object becomes visible. It may fill in meta (for
	// example checksums known only from a trailer). An error aborts the
	// put: nothing is committed and the error is returned as is.
	BeforeCommit func(meta *ObjectMeta) error
}

// ListOptions selects a page of a bucket's keys.
type ListOptions struct {
	Prefix    string
	Delimiter string
	// After is exclusive: only keys (and common prefixes) sorting strictly
	// after it are returned. It carries marker, start-after and decoded
	// continuation tokens alike.
	After string
	// MaxKeys caps objects plus common prefixes (0 means 1000).
	MaxKeys int
}

// ListResult is one page of a listing.
type ListResult struct {
	Objects        []ObjectInfo
	CommonPrefixes []string
	IsTruncated    bool
	// NextAfter is the last key or common prefix in this page; pass it as
	// After to get the next page.
	NextAfter string
}

// Backend is the storage contract.
//
// Every implementation MUST:
//   - treat keys as opaque UTF-8 strings: "../x", "a//b", "" segments and
//     any byte sequence S3 allows never become paths outside its data (the
//     empty key itself is refused with ErrInvalidArgument);
//   - list keys in UTF-8 binary (byte) order, with cost proportional to the
//     page, not to the bucket;
//   - make a PutObject visible only once it has fully succeeded (readers
//     see the old object or the new one, never a mix), and durable before
//     it returns (disk implementations fsync data and metadata);
//   - leave the previous object intact when a put fails for any reason,
//     including a body Read error, ctx cancellation or a crash;
//   - return errors wrapping the sentinels above where they apply;
//   - be safe for concurrent use.
type Backend interface {
	// ListBuckets returns all buckets sorted by name.
	ListBuckets(ctx context.Context) ([]BucketInfo, error)
	// CreateBucket creates a bucket; ErrBucketExists if it exists.
	CreateBucket(ctx context.Context, name string, opts CreateBucketOptions) error
	// HeadBucket returns a bucket's info; ErrNoSuchBucket if absent.
	HeadBucket(ctx context.Context, name string) (BucketInfo, error)
	// DeleteBucket removes a bucket that holds no objects, discarding its
	// unfinished multipart uploads and their parts as S3 does;
	// ErrBucketNotEmpty if it holds objects, ErrNoSuchBucket if absent.
	DeleteBucket(ctx context.Context, name string) error

	// PutObject stores body under key, replacing any previous object, and
	// returns the new object's info (ETag is the quoted hex MD5).
	PutObject(ctx context.Context, bucket, key string, body io.Reader, opts PutOptions) (ObjectInfo, error)
	// GetObject opens an object; ErrNoSuchKey if absent. The caller closes
	// Content.
	GetObject(ctx context.Context, bucket, key string) (*Object, error)
	// HeadObject returns an object's info; ErrNoSuchKey if absent.
	HeadObject(ctx context.Context, bucket, key string) (ObjectInfo, error)
	// DeleteObject removes an object; deleting a missing key succeeds.
	DeleteObject(ctx context.Context, bucket, key string) error
	// ListObjects returns one page of keys (see ListOptions), rolling keys
	// that share a prefix up to the delimiter into CommonPrefixes.
	ListObjects(ctx context.Context, bucket string, opts ListOptions) (ListResult, error)
}

// PartInfo describes an uploaded part.
type PartInfo struct {
	PartNumber   int
	ETag         string // quoted hex MD5 of the part
	Size         int64
	LastModified time.Time
	// Checksums as in ObjectMeta.Checksums, for this part.
	Checksums map[string]string
}

// UploadInfo describes an unfinished multipart upload.
type UploadInfo struct {
	Key       string
	UploadID  string
	Initiated time.Time
	Meta      ObjectMeta
}

// PartOptions controls how a part is written.
type PartOptions struct {
	// ContentMD5 and Digest as in PutOptions.
	ContentMD5 []byte
	Digest     func() []byte
	// CustomerKey is the SSE-C key of an upload created under one (a
	// backend that encrypts refuses the part without it).
	CustomerKey []byte
	// BeforeCommit as in PutOptions; it may set checksums for the part.
	BeforeCommit func(checksums map[string]string) error
}

// CompleteOptions controls how a multipart upload is completed.
type CompleteOptions struct {
	// BeforeCommit, when set, is called once the part list has been
	// validated and before the object becomes visible, with a copy of the
	// upload's metadata and the listed parts in list order (with their
	// stored checksums). It may fill in meta, for example the object's
	// checksum, which depends on the parts. It may be called more than
	// once for one completion (a retried transaction), so it must depend
	// only on its arguments. An error aborts the completion: nothing is
	// committed, the upload stays open and the error is returned as is.
	BeforeCommit func(meta *ObjectMeta, parts []PartInfo) error
	// IfNoneMatch and IfMatch are S3's conditional completion, with
	// PutOptions' meaning: checked against the object at key atomically
	// with the commit, failing with ErrPreconditionFailed (ErrNoSuchKey
	// for IfMatch when there is no object). A failed condition commits
	// nothing and leaves the upload open.
	IfNoneMatch string
	IfMatch     string
	// CustomerKey is the SSE-C key of an upload created under one. A
	// backend that encrypts checks it when given (a wrong key is
	// ErrEncryptionKeyMismatch) and, as S3 does, requires it when the
	// upload also declared a checksum algorithm.
	CustomerKey []byte
}

// CompletePart names one part in CompleteMultipartUpload.
type CompletePart struct {
	PartNumber int
	ETag       string // with or without quotes
}

// ListPartsOptions selects a page of parts.
type ListPartsOptions struct {
	PartNumberMarker int // exclusive
	MaxParts         int // 0 means 1000
}

// ListPartsResult is one page of parts.
type ListPartsResult struct {
	Upload               UploadInfo
	Parts                []PartInfo
	IsTruncated          bool
	NextPartNumberMarker int
}

// ListUploadsOptions selects a page of unfinished uploads.
type ListUploadsOptions struct {
	Prefix         string
	Delimiter      string
	KeyMarker      string
	UploadIDMarker string
	MaxUploads     int // 0 means 1000
}

// ListUploadsResult is one page of unfinished uploads, ordered by key then
// initiation time.
type ListUploadsResult struct {
	Uploads            []UploadInfo
	CommonPrefixes     []string
	IsTruncated        bool
	NextKeyMarker      string
	NextUploadIDMarker string
}

// Multipart is implemented by backends that support multipart uploads.
//
// Implementations MUST: accept parts in any order and re-uploads of a part
// number (last one wins); on Complete require the listed parts to exist with
// matching ETags (ErrInvalidPart), in ascending order (ErrInvalidPartOrder),
// each but the last at least MinPartSize (ErrEntityTooSmall); compute the
// composite ETag "\"hex(md5(concat(part md5s)))-N\""; store the metadata
// as CompleteOptions.BeforeCommit leaves it and, when it names exactly one
// checksum algorithm that every listed part has, the parts' checksums
// (ObjectInfo.PartChecksums); make the completed object visible
// atomically, replacing any previous one; and return ErrNoSuchUpload for
// unknown or finished upload IDs.
type Multipart interface {
	CreateMultipartUpload(ctx context.Context, bucket, key string, meta ObjectMeta) (UploadInfo, error)
	UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, body io.Reader, opts PartOptions) (PartInfo, error)
	ListParts(ctx context.Context, bucket, key, uploadID string, opts ListPartsOptions) (ListPartsResult, error)
	CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []CompletePart, opts CompleteOptions) (ObjectInfo, error)
	AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error
	ListMultipartUploads(ctx context.Context, bucket string, opts ListUploadsOptions) (ListUploadsResult, error)
}

// Tagger is implemented by backends that change an object's tags in place.
type Tagger interface {
	// PutObjectTagging replaces the tags of the object at key (nil or empty
	// removes them) and returns its info. Its bytes, ETag and LastModified
	// stay as they are (S3 object tagging is not a new version). It
	// returns ErrNoSuchKey when there is no object.
	PutObjectTagging(ctx context.Context, bucket, key string, tags map[string]string) (ObjectInfo, error)
}

// BucketTagger is implemented by backends that keep a tag set per bucket
// (S3 bucket tagging).
//
// Implementations MUST keep a bucket's tags as durably as the bucket
// itself (a disk backend's survive a restart), drop them with the bucket
// (a re-created bucket has none), never share the caller's map, and
// return ErrNoSuchBucket when the bucket does not exist.
type BucketTagger interface {
	// PutBucketTagging replaces a bucket's tags; nil or empty removes them.
	PutBucketTagging(ctx context.Context, bucket string, tags map[string]string) error
	// GetBucketTagging returns a bucket's tags, nil when it has none.
	GetBucketTagging(ctx context.Context, bucket string) (map[string]string, error)
}

// ConditionalDeleter is implemented by backends that delete an object only
// while it still has the ETag a client names (S3's conditional delete,
// If-Match on DeleteObject and ETag in DeleteObjects).
//
// Implementations MUST check the ETag atomically with the delete: a
// concurrent overwrite either happens before the check (and fails it) or
// after the delete.
type ConditionalDeleter interface {
	// DeleteObjectIfMatch deletes the object at key if its ETag is
	// ifMatch (quoted or not) or ifMatch is "*". It returns ErrNoSuchKey
	// when there is no object and ErrPreconditionFailed, deleting
	// nothing, when the ETag differs; an empty ifMatch is
	// ErrInvalidArgument.
	DeleteObjectIfMatch(ctx context.Context, bucket, key, ifMatch string) error
}

// Copier is implemented by backends that copy objects without streaming
// the bytes through the caller. Without it the server copies with
// GetObject and PutObject.
type Copier interface {
	// CopyObject copies src to dst. meta nil keeps the source's metadata
	// (COPY directive); non-nil replaces it (REPLACE directive).
	CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, meta *ObjectMeta) (ObjectInfo, error)
}

// BucketUsage is what one bucket holds.
type BucketUsage struct {
	Name string
	// Objects counts every stored version, current or not, in a bucket
	// with versioning; delete markers are not objects.
	Objects int64
	// Bytes is the sum of those versions' sizes (their content, not the
	// space the backend uses to keep them).
	Bytes int64
}

// Usage is what a backend holds, as UsageReporter reports it.
type Usage struct {
	// Buckets has one entry per bucket, empty ones included, sorted by
	// name.
	Buckets []BucketUsage
	// FreeBytes is the space left for new data on the backend's file
	// system (what an unprivileged writer may still use); -1 when the
	// backend has no such limit it can tell (memory).
	FreeBytes int64
}

// UsageReporter is implemented by backends that keep running totals of
// what each bucket holds, for metrics that are scraped often.
//
// Implementations MUST keep the totals as objects are put, copied,
// completed from multipart uploads and deleted, and as versions are
// added, replaced (the null version) and deleted for good, so that Usage
// costs no scan of the objects (a backend may count them once when it
// opens); count completed objects only, never unfinished uploads' parts,
// and every stored version but no delete marker; and reflect every change
// that has returned to its caller.
type UsageReporter interface {
	// Usage returns the current totals.
	Usage(ctx context.Context) (Usage, error)
}
