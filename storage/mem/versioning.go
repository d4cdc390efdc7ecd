package mem

import (
	"context"
	"fmt"
	"sort"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/internal/listing"
	"github.com/s3kit/s3kit/storage/internal/upload"
	"github.com/s3kit/s3kit/storage/internal/versionid"
)

// PutBucketVersioning implements storage.Versioner.
func (s *Store) PutBucketVersioning(ctx context.Context, bucketName string, state storage.VersioningState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if state != storage.Enabled && state != storage.Suspended {
		return fmt.Errorf("versioning %q: %w", state, storage.ErrInvalidArgument)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(bucketName)
	if err != nil {
		return err
	}
	if b.versions == nil {
		b.versions = map[string][]*object{}
	}
	b.versioning = state
	return nil
}

// GetBucketVersioning implements storage.Versioner.
func (s *Store) GetBucketVersioning(ctx context.Context, bucketName string) (storage.VersioningState, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, err := s.bucket(bucketName)
	if err != nil {
		return "", err
	}
	return b.versioning, nil
}

// GetObjectVersion implements storage.Versioner.
func (s *Store) GetObjectVersion(ctx context.Context, bucketName, key, versionID string) (*storage.Object, error) {
	o, info, err := s.lookupVersion(ctx, bucketName, key, versionID)
	if err != nil {
		return nil, err
	}
	return &storage.Object{Info: info, Content: &content{c: o.data}}, nil
}

// HeadObjectVersion implements storage.Versioner.
func (s *Store) HeadObjectVersion(ctx context.Context, bucketName, key, versionID string) (storage.ObjectInfo, error) {
	_, info, err := s.lookupVersion(ctx, bucketName, key, versionID)
	return info, err
}

// lookupVersion finds a readable version ("" for the latest) and its
// public info.
func (s *Store) lookupVersion(ctx context.Context, bucketName, key, versionID string) (*object, storage.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, storage.ObjectInfo{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, err := s.bucket(bucketName)
	if err != nil {
		return nil, storage.ObjectInfo{}, err
	}
	o, err := b.find(key, versionID)
	if err != nil {
		return nil, storage.ObjectInfo{}, fmt.Errorf("%s/%s: %w", bucketName, key, err)
	}
	return o, b.pub(cloneInfo(o.info)), nil
}

// find returns the version versionID of key ("" for the latest), or the
// error a read of it gets.
func (b *bucket) find(key, versionID string) (*object, error) {
	if versionID == "" {
		if o, ok := b.objects[key]; ok {
			return o, nil
		}
		if c := b.chain(key); len(c) > 0 && c[0].info.DeleteMarker {
			return nil, &storage.DeleteMarkerError{Key: key, VersionID: b.pubID(c[0].info.VersionID), Err: storage.ErrNoSuchKey}
		}
		return nil, storage.ErrNoSuchKey
	}
	if err := checkVersionID(versionID); err != nil {
		return nil, err
	}
	c := b.chain(key)
	i := b.index(c, versionID)
	if i < 0 {
		return nil, storage.ErrNoSuchVersion
	}
	if c[i].info.DeleteMarker {
		return nil, &storage.DeleteMarkerError{Key: key, VersionID: versionID, Err: storage.ErrMethodNotAllowed}
	}
	return c[i], nil
}

// index returns the position of the version with public ID id in c, or -1.
func (b *bucket) index(c []*object, id string) int {
	for i, o := range c {
		if b.pubID(o.info.VersionID) == id || (o.info.VersionID == "" && id == storage.NullVersionID) {
			return i
		}
	}
	return -1
}

// pubID is the version ID a client sees: "" in an unversioned bucket,
// "null" for a null version in a versioned one.
func (b *bucket) pubID(id string) string {
	if id == "" && b.versioning != storage.Unversioned {
		return storage.NullVersionID
	}
	return id
}

func (b *bucket) pub(i storage.ObjectInfo) storage.ObjectInfo {
	i.VersionID = b.pubID(i.VersionID)
	return i
}

// chain returns key's versions newest first; the caller holds s.mu.
func (b *bucket) chain(key string) []*object {
	if c, ok := b.versions[key]; ok {
		return c
	}
	if o, ok := b.objects[key]; ok {
		return []*object{o}
	}
	return nil
}

// setChain makes c key's versions and keeps objects and keys its index of
// current objects; the caller holds s.mu for writing.
func (b *bucket) setChain(key string, c []*object) {
	if len(c) == 0 {
		if _, ok := b.versions[key]; ok {
			delete(b.versions, key)
			b.vkeys = removeSorted(b.vkeys, key)
		}
	} else {
		if _, ok := b.versions[key]; !ok {
			b.vkeys = insertSorted(b.vkeys, key)
		}
		b.versions[key] = c
	}
	if len(c) > 0 && !c[0].info.DeleteMarker {
		if _, ok := b.objects[key]; !ok {
			b.keys = insertSorted(b.keys, key)
		}
		b.objects[key] = c[0]
	} else if _, ok := b.objects[key]; ok {
		delete(b.objects, key)
		b.keys = removeSorted(b.keys, key)
	}
}

// addVersion makes o the latest version of its key in a versioned bucket:
// a new version when versioning is enabled, the null version (replacing
// any other) when suspended.
func (s *Store) addVersion(b *bucket, o *object) storage.ObjectInfo {
	key := o.info.Key
	c := b.chain(key)
	if b.versioning == storage.Enabled {
		o.info.VersionID = s.ids.Next(o.info.LastModified)
	} else {
		o.info.VersionID = ""
		c = withoutNull(c)
	}
	b.setChain(key, append([]*object{o}, c...))
	return b.pub(cloneInfo(o.info))
}

// deleteLatest is a delete without a version ID in a versioned bucket: a
// new delete marker.
func (s *Store) deleteLatest(b *bucket, key string) storage.DeleteResult {
	m := &object{info: storage.ObjectInfo{Key: key, LastModified: s.now(), DeleteMarker: true}}
	return storage.DeleteResult{VersionID: s.addVersion(b, m).VersionID, DeleteMarker: true}
}

func withoutNull(c []*object) []*object {
	out := make([]*object, 0, len(c))
	for _, o := range c {
		if o.info.VersionID != "" {
			out = append(out, o)
		}
	}
	return out
}

// DeleteObjectVersion implements storage.Versioner.
func (s *Store) DeleteObjectVersion(ctx context.Context, bucketName, key, versionID string) (storage.DeleteResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.DeleteResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(bucketName)
	if err != nil {
		return storage.DeleteResult{}, err
	}
	if versionID == "" {
		if b.versioning == storage.Unversioned {
			if _, ok := b.objects[key]; ok {
				b.setChain(key, nil)
			}
			return storage.DeleteResult{}, nil
		}
		return s.deleteLatest(b, key), nil
	}
	if err := checkVersionID(versionID); err != nil {
		return storage.DeleteResult{}, fmt.Errorf("delete %s/%s: %w", bucketName, key, err)
	}
	c := b.chain(key)
	i := b.index(c, versionID)
	if i < 0 {
		return storage.DeleteResult{VersionID: versionID}, nil
	}
	marker := c[i].info.DeleteMarker
	nc := append(append([]*object(nil), c[:i]...), c[i+1:]...)
	if b.versioning == storage.Unversioned && len(nc) == 0 {
		// The bucket never had versioning: keep versions empty.
		if _, ok := b.objects[key]; ok {
			delete(b.objects, key)
			b.keys = removeSorted(b.keys, key)
		}
	} else {
		b.setChain(key, nc)
	}
	return storage.DeleteResult{VersionID: versionID, DeleteMarker: marker}, nil
}

// CopyObjectVersion implements storage.Versioner. The copy shares the
// source's immutable bytes.
func (s *Store) CopyObjectVersion(ctx context.Context, srcBucket, srcKey, srcVersionID, dstBucket, dstKey string, meta *storage.ObjectMeta) (storage.ObjectInfo, error) {
	if err := upload.CheckKey(dstKey); err != nil {
		return storage.ObjectInfo{}, err
	}
	src, _, err := s.lookupVersion(ctx, srcBucket, srcKey, srcVersionID)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("copy source: %w", err)
	}
	info := cloneInfo(src.info)
	info.Key, info.VersionID = dstKey, ""
	if meta != nil {
		info.Meta = upload.CloneMeta(*meta)
	}
	return s.commit(dstBucket, &object{info: info, data: src.data}, storage.PutOptions{})
}

// PutObjectTaggingVersion implements storage.Versioner: the version is
// replaced by one with the same bytes, ID and info but the new tags.
func (s *Store) PutObjectTaggingVersion(ctx context.Context, bucketName, key, versionID string, tags map[string]string) (storage.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(bucketName)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	o, err := b.find(key, versionID)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("%s/%s: %w", bucketName, key, err)
	}
	info := cloneInfo(o.info)
	info.Meta.Tags = upload.CloneTags(tags)
	no := &object{info: info, data: o.data}
	if c, ok := b.versions[key]; ok {
		nc := append([]*object(nil), c...)
		for i := range nc {
			if nc[i] == o {
				nc[i] = no
			}
		}
		b.setChain(key, nc)
	} else {
		b.objects[key] = no
	}
	return b.pub(cloneInfo(info)), nil
}

// ListObjectVersions implements storage.Versioner.
func (s *Store) ListObjectVersions(ctx context.Context, bucketName string, opts storage.ListVersionsOptions) (storage.ListVersionsResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.ListVersionsResult{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, err := s.bucket(bucketName)
	if err != nil {
		return storage.ListVersionsResult{}, err
	}
	return listing.Versions(&versionCursor{b: b}, opts)
}

// versionCursor walks the union of keys (current objects) and vkeys
// (keys with a version history), both sorted.
type versionCursor struct {
	b    *bucket
	i, j int
	key  string
	ok   bool
}

func (c *versionCursor) Seek(from string) (string, bool) {
	c.i = sort.SearchStrings(c.b.keys, from)
	c.j = sort.SearchStrings(c.b.vkeys, from)
	return c.cur()
}

func (c *versionCursor) Next() (string, bool) {
	if c.i < len(c.b.keys) && c.b.keys[c.i] == c.key {
		c.i++
	}
	if c.j < len(c.b.vkeys) && c.b.vkeys[c.j] == c.key {
		c.j++
	}
	return c.cur()
}

func (c *versionCursor) cur() (string, bool) {
	ki, kj := c.i < len(c.b.keys), c.j < len(c.b.vkeys)
	switch {
	case ki && (!kj || c.b.keys[c.i] <= c.b.vkeys[c.j]):
		c.key, c.ok = c.b.keys[c.i], true
	case kj:
		c.key, c.ok = c.b.vkeys[c.j], true
	default:
		c.key, c.ok = "", false
	}
	return c.key, c.ok
}

func (c *versionCursor) Versions(after string, limit int) ([]storage.VersionInfo, error) {
	ch := c.b.chain(c.key)
	start := 0
	if after != "" {
		if i := c.b.index(ch, after); i >= 0 {
			start = i + 1
		}
	}
	var out []storage.VersionInfo
	for i := start; i < len(ch) && len(out) < limit; i++ {
		v := storage.VersionInfo{ObjectInfo: cloneInfo(ch[i].info), IsLatest: i == 0}
		if v.VersionID == "" {
			v.VersionID = storage.NullVersionID
		}
		out = append(out, v)
	}
	return out, nil
}

// checkVersionID refuses an ID this store could never have handed out.
func checkVersionID(id string) error {
	if id != storage.NullVersionID && !versionid.Valid(id) {
		return fmt.Errorf("version ID %q: %w", id, storage.ErrInvalidArgument)
	}
	return nil
}

func insertSorted(s []string, k string) []string {
	i := sort.SearchStrings(s, k)
	s = append(s, "")
	copy(s[i+1:], s[i:])
	s[i] = k
	return s
}

func removeSorted(s []string, k string) []string {
	i := sort.SearchStrings(s, k)
	if i < len(s) && s[i] == k {
		return append(s[:i], s[i+1:]...)
	}
	return s
}
