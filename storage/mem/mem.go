package mem

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/internal/listing"
	"github.com/s3kit/s3kit/storage/internal/upload"
	"github.com/s3kit/s3kit/storage/internal/versionid"
)

var (
	_ storage.Backend            = (*Store)(nil)
	_ storage.Multipart          = (*Store)(nil)
	_ storage.Copier             = (*Store)(nil)
	_ storage.Tagger             = (*Store)(nil)
	_ storage.BucketTagger       = (*Store)(nil)
	_ storage.ConditionalDeleter = (*Store)(nil)
	_ storage.UsageReporter      = (*Store)(nil)
	_ storage.Versioner          = (*Store)(nil)
)

// Options configure a Store.
type Options struct {
	// Now is the clock for LastModified and Created (time.Now when nil).
	Now func() time.Time
}

// Store is an in-memory backend. The zero value is not usable; call New.
type Store struct {
	now func() time.Time

	mu      sync.RWMutex
	buckets map[string]*bucket
	seq     uint64 // upload ID counter
	ids     versionid.Generator
}

type bucket struct {
	info    storage.BucketInfo
	tags    map[string]string // bucket tagging; nil when none
	enc     *storage.BucketEncryption
	configs map[string][]byte // storage.BucketConfigStore documents
	objects map[string]*object
	keys    []string // sorted
	uploads map[string]*mpUpload
	// stored and bytes count every stored version (delete markers are
	// none) and sum their sizes, kept as they change (see tally).
	stored, bytes int64

	// versioning is the bucket's state; versions holds, for keys
	// written or deleted since versioning was first turned on, every
	// version newest first (delete markers included), and vkeys those
	// keys sorted. objects and keys stay the index of current objects,
	// so ListObjects never sees a noncurrent version or a marker. A key
	// absent from versions has at most its one object in objects.
	versioning storage.VersioningState
	versions   map[string][]*object
	vkeys      []string
}

type object struct {
	info storage.ObjectInfo
	data chunks // never modified once stored
}

// New returns an empty Store.
func New(opts Options) *Store {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Store{now: func() time.Time { return now().UTC() }, buckets: map[string]*bucket{}}
}

// ListBuckets implements storage.Backend.
func (s *Store) ListBuckets(ctx context.Context) ([]storage.BucketInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]storage.BucketInfo, 0, len(s.buckets))
	for _, b := range s.buckets {
		out = append(out, b.info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// CreateBucket implements storage.Backend.
func (s *Store) CreateBucket(ctx context.Context, name string, opts storage.CreateBucketOptions) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[name]; ok {
		return fmt.Errorf("create bucket %s: %w", name, storage.ErrBucketExists)
	}
	s.buckets[name] = &bucket{
		info:    storage.BucketInfo{Name: name, Created: s.now(), Region: opts.Region},
		objects: map[string]*object{},
		uploads: map[string]*mpUpload{},
	}
	return nil
}

// HeadBucket implements storage.Backend.
func (s *Store) HeadBucket(ctx context.Context, name string) (storage.BucketInfo, error) {
	if err := ctx.Err(); err != nil {
		return storage.BucketInfo{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, err := s.bucket(name)
	if err != nil {
		return storage.BucketInfo{}, err
	}
	return b.info, nil
}

// DeleteBucket implements storage.Backend.
func (s *Store) DeleteBucket(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(name)
	if err != nil {
		return err
	}
	// Unfinished uploads go with the bucket, as on S3.
	if len(b.objects) > 0 || len(b.versions) > 0 {
		return fmt.Errorf("delete bucket %s: %d objects: %w", name, len(b.objects), storage.ErrBucketNotEmpty)
	}
	delete(s.buckets, name)
	return nil
}

// PutBucketTagging implements storage.BucketTagger.
func (s *Store) PutBucketTagging(ctx context.Context, name string, tags map[string]string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(name)
	if err != nil {
		return err
	}
	b.tags = upload.CloneTags(tags)
	return nil
}

// GetBucketTagging implements storage.BucketTagger.
func (s *Store) GetBucketTagging(ctx context.Context, name string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, err := s.bucket(name)
	if err != nil {
		return nil, err
	}
	return upload.CloneTags(b.tags), nil
}

// bucket looks a bucket up; the caller holds s.mu.
func (s *Store) bucket(name string) (*bucket, error) {
	b, ok := s.buckets[name]
	if !ok {
		return nil, fmt.Errorf("bucket %s: %w", name, storage.ErrNoSuchBucket)
	}
	return b, nil
}

// PutObject implements storage.Backend. The body is read completely before
// the store is locked, so a failing or slow body never blocks other users.
func (s *Store) PutObject(ctx context.Context, bucketName, key string, body io.Reader, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := upload.CheckKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if _, err := s.HeadBucket(ctx, bucketName); err != nil {
		return storage.ObjectInfo{}, err
	}
	r := upload.NewReader(ctx, body, opts.Digest)
	data, err := readChunks(r)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %s/%s: read body: %w", bucketName, key, err)
	}
	etag, err := r.Finish(opts.ContentMD5)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %s/%s: %w", bucketName, key, err)
	}
	meta := upload.CloneMeta(opts.Meta)
	if opts.BeforeCommit != nil {
		if err := opts.BeforeCommit(&meta); err != nil {
			return storage.ObjectInfo{}, err
		}
	}
	o := &object{data: data, info: storage.ObjectInfo{
		Key: key, Size: data.size, ETag: etag, Meta: upload.CloneMeta(meta),
	}}
	return s.commit(bucketName, o, opts)
}

// commit makes o visible after checking the preconditions, atomically.
func (s *Store) commit(bucketName string, o *object, opts storage.PutOptions) (storage.ObjectInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(bucketName)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	return s.commitLocked(b, o, opts)
}

// commitLocked is commit with s.mu held.
func (s *Store) commitLocked(b *bucket, o *object, opts storage.PutOptions) (storage.ObjectInfo, error) {
	key := o.info.Key
	old, exists := b.objects[key]
	cur := ""
	if exists {
		cur = old.info.ETag
	}
	if err := upload.CheckPreconditions(opts, exists, cur); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %s/%s: %w", b.info.Name, key, err)
	}
	o.info.LastModified = s.now()
	if b.versioning != storage.Unversioned {
		return s.addVersion(b, o), nil
	}
	if !exists {
		i := sort.SearchStrings(b.keys, key)
		b.keys = append(b.keys, "")
		copy(b.keys[i+1:], b.keys[i:])
		b.keys[i] = key
	}
	if exists {
		b.tally(-1, old)
	}
	b.tally(1, o)
	b.objects[key] = o
	return cloneInfo(o.info), nil
}

// GetObject implements storage.Backend.
func (s *Store) GetObject(ctx context.Context, bucketName, key string) (*storage.Object, error) {
	return s.GetObjectVersion(ctx, bucketName, key, "")
}

// HeadObject implements storage.Backend.
func (s *Store) HeadObject(ctx context.Context, bucketName, key string) (storage.ObjectInfo, error) {
	return s.HeadObjectVersion(ctx, bucketName, key, "")
}

// DeleteObject implements storage.Backend.
func (s *Store) DeleteObject(ctx context.Context, bucketName, key string) error {
	return s.deleteObject(ctx, bucketName, key, "")
}

// DeleteObjectIfMatch implements storage.ConditionalDeleter.
func (s *Store) DeleteObjectIfMatch(ctx context.Context, bucketName, key, ifMatch string) error {
	if ifMatch == "" {
		return fmt.Errorf("delete %s/%s: empty if-match: %w", bucketName, key, storage.ErrInvalidArgument)
	}
	return s.deleteObject(ctx, bucketName, key, ifMatch)
}

func (s *Store) deleteObject(ctx context.Context, bucketName, key, ifMatch string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(bucketName)
	if err != nil {
		return err
	}
	o, ok := b.objects[key]
	if ifMatch != "" {
		etag := ""
		if ok {
			etag = o.info.ETag
		}
		if err := upload.CheckPreconditions(storage.PutOptions{IfMatch: ifMatch}, ok, etag); err != nil {
			return fmt.Errorf("delete %s/%s: %w", bucketName, key, err)
		}
	}
	if b.versioning != storage.Unversioned {
		s.deleteLatest(b, key)
		return nil
	}
	if !ok {
		return nil
	}
	b.tally(-1, o)
	delete(b.objects, key)
	i := sort.SearchStrings(b.keys, key)
	b.keys = append(b.keys[:i], b.keys[i+1:]...)
	return nil
}

// ListObjects implements storage.Backend.
func (s *Store) ListObjects(ctx context.Context, bucketName string, opts storage.ListOptions) (storage.ListResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.ListResult{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, err := s.bucket(bucketName)
	if err != nil {
		return storage.ListResult{}, err
	}
	c := &listing.SliceCursor{Keys: b.keys, Desc: func(i int) storage.ObjectInfo {
		return b.pub(cloneInfo(b.objects[b.keys[i]].info))
	}}
	return listing.Page(c, opts)
}

// CopyObject implements storage.Copier. The copy shares the source's
// immutable bytes, so it costs no memory.
func (s *Store) CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, meta *storage.ObjectMeta) (storage.ObjectInfo, error) {
	return s.CopyObjectVersion(ctx, srcBucket, srcKey, "", dstBucket, dstKey, meta)
}

// PutObjectTagging implements storage.Tagger. The object is replaced by one
// with the same bytes and info but the new tags.
func (s *Store) PutObjectTagging(ctx context.Context, bucketName, key string, tags map[string]string) (storage.ObjectInfo, error) {
	return s.PutObjectTaggingVersion(ctx, bucketName, key, "", tags)
}

func cloneInfo(i storage.ObjectInfo) storage.ObjectInfo {
	i.Meta = upload.CloneMeta(i.Meta)
	if i.PartSizes != nil {
		i.PartSizes = append([]int64(nil), i.PartSizes...)
	}
	if i.PartChecksums != nil {
		i.PartChecksums = append([]string(nil), i.PartChecksums...)
	}
	return i
}

// Usage implements storage.UsageReporter from totals kept as objects
// change; memory has no free-space figure.
func (s *Store) Usage(ctx context.Context) (storage.Usage, error) {
	if err := ctx.Err(); err != nil {
		return storage.Usage{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := storage.Usage{Buckets: make([]storage.BucketUsage, 0, len(s.buckets)), FreeBytes: -1}
	for name, b := range s.buckets {
		u.Buckets = append(u.Buckets, storage.BucketUsage{Name: name, Objects: b.stored, Bytes: b.bytes})
	}
	sort.Slice(u.Buckets, func(i, j int) bool { return u.Buckets[i].Name < u.Buckets[j].Name })
	return u, nil
}

// tally adds (sign 1) or removes (sign -1) versions from the bucket's
// totals; delete markers hold no bytes and are no object.
func (b *bucket) tally(sign int64, vs ...*object) {
	for _, o := range vs {
		if !o.info.DeleteMarker {
			b.stored += sign
			b.bytes += sign * o.info.Size
		}
	}
}
