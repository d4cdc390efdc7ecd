package disk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/internal/listing"
	"github.com/s3kit/s3kit/storage/internal/upload"
	"github.com/s3kit/s3kit/storage/internal/versionid"
	bolt "go.etcd.io/bbolt"
)

// Versioning keeps the objects bucket (bktObjects) what it has always
// been, the index of current objects, so ListObjects never meets a
// noncurrent version or a delete marker and costs the same as in an
// unversioned bucket. Everything else of a key's history lives in the
// versions bucket, keyed by key, a zero byte and the record's sort ID
// (VID), so a key's versions are adjacent and newest first. A key's
// newest version is the record in bktObjects when there is one (a current
// object is always newer than its key's versions bucket entries);
// otherwise the first versions entry, which is then a delete marker.
//
// The log (wal.go) carries only unversioned writes: a group touching a
// bucket with versioning goes through a bbolt transaction, which reads
// the bucket's state in the same transaction as the change.
var (
	bktVersions   = []byte("v")          // in a bucket: key 0x00 VID -> object record
	keyVersioning = []byte("versioning") // in a bucket: "Enabled" or "Suspended"; absent when never set
)

// versioningOf returns a bucket's state.
func versioningOf(b *bolt.Bucket) storage.VersioningState {
	return storage.VersioningState(b.Get(keyVersioning))
}

// pubID is the version ID clients see for the record.
func (r *objRecord) pubID() string {
	switch {
	case r.VID != "" && !r.Null:
		return r.VID
	case r.versioned || r.Null:
		return storage.NullVersionID
	}
	return ""
}

// isNull reports whether the record is its key's null version.
func (r *objRecord) isNull() bool { return r.Null || r.VID == "" }

// sortID is the record's place in its key's history.
func (r *objRecord) sortID() string {
	if r.VID != "" {
		return r.VID
	}
	return versionid.ForTime(time.Unix(0, r.Mod))
}

// matches reports whether the record is version id.
func (r *objRecord) matches(id string) bool {
	if id == storage.NullVersionID {
		return r.isNull()
	}
	return !r.isNull() && r.VID == id
}

// vKey is a versions-bucket key.
func vKey(key, sortID string) []byte {
	k := make([]byte, 0, len(key)+1+len(sortID))
	k = append(k, key...)
	k = append(k, 0)
	return append(k, sortID...)
}

// vKeyOf returns the object key of a versions-bucket key.
func vKeyOf(k []byte) string {
	if len(k) < 1+versionid.Len {
		return string(k)
	}
	return string(k[:len(k)-1-versionid.Len])
}

// checkVersionID refuses an ID this store never hands out.
func checkVersionID(id string) error {
	if id != storage.NullVersionID && !versionid.Valid(id) {
		return fmt.Errorf("version ID %q: %w", id, storage.ErrInvalidArgument)
	}
	return nil
}

// keyVersions walks key's entries in vb (nil allowed), newest first, until
// fn returns false.
func keyVersions(vb *bolt.Bucket, key string, fn func(k, v []byte) bool) {
	if vb == nil {
		return
	}
	prefix := vKey(key, "")
	c := vb.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+versionid.Len; k, v = c.Next() {
		if !fn(k, v) {
			return
		}
	}
}

// newestVersion returns key's first versions-bucket entry (nil when none).
func newestVersion(vb *bolt.Bucket, key string) (k, v []byte) {
	keyVersions(vb, key, func(kk, vv []byte) bool { k, v = kk, vv; return false })
	return k, v
}

// PutBucketVersioning implements storage.Versioner.
func (s *Store) PutBucketVersioning(ctx context.Context, bucket string, state storage.VersioningState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if state != storage.Enabled && state != storage.Suspended {
		return fmt.Errorf("versioning %q: %w", state, storage.ErrInvalidArgument)
	}
	return s.c.do(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		if _, err := b.CreateBucketIfNotExists(bktVersions); err != nil {
			return err
		}
		return b.Put(keyVersioning, []byte(state))
	})
}

// GetBucketVersioning implements storage.Versioner.
func (s *Store) GetBucketVersioning(ctx context.Context, bucket string) (storage.VersioningState, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var st storage.VersioningState
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		st = versioningOf(b)
		return nil
	})
	return st, err
}

// install makes rec (with its inline data) the newest version of key in
// b, as the bucket's state says: replacing the current object when
// unversioned, keeping it as a noncurrent version when enabled, replacing
// the null version wherever it is when suspended. Extents in rec must
// already hold their reference; the replaced records' lose theirs in rf.
func (s *Store) install(b *bolt.Bucket, rf *refs, key string, rec *objRecord, inline []byte) error {
	objs := b.Bucket(bktObjects)
	st := versioningOf(b)
	rec.VID, rec.Null, rec.Marker = "", false, false
	if st == storage.Unversioned {
		if err := unrefObject(objs, rf, key); err != nil {
			return err
		}
		return objs.Put([]byte(key), encodeObject(rec, inline))
	}
	if err := s.newVersion(b, rf, key, rec, st); err != nil {
		return err
	}
	rec.versioned = true
	return objs.Put([]byte(key), encodeObject(rec, inline))
}

// newVersion gives rec a fresh ID and copies key's current object into the
// versions bucket (the caller replaces or deletes it in bktObjects); in a
// suspended bucket the null version is dropped instead.
func (s *Store) newVersion(b *bolt.Bucket, rf *refs, key string, rec *objRecord, st storage.VersioningState) error {
	if strings.IndexByte(key, 0) >= 0 {
		return fmt.Errorf("key with a zero byte in a versioned bucket: %w", storage.ErrInvalidArgument)
	}
	objs := b.Bucket(bktObjects)
	vb, err := b.CreateBucketIfNotExists(bktVersions)
	if err != nil {
		return err
	}
	newest := ""
	if cur := objs.Get([]byte(key)); cur != nil {
		var old objRecord
		if _, err := decodeObject(cur, &old); err != nil {
			return err
		}
		newest = old.sortID()
		if st == storage.Suspended && old.isNull() {
			if err := unrefExtents(rf, old.Extents); err != nil {
				return err
			}
		} else if err := vb.Put(vKey(key, newest), bytes.Clone(cur)); err != nil {
			return err
		}
	} else if k, _ := newestVersion(vb, key); k != nil {
		newest = string(k[len(k)-versionid.Len:])
	}
	rec.VID = s.ids.NextBefore(s.now(), newest)
	rec.Null = st == storage.Suspended
	if st == storage.Suspended {
		return removeNullVersion(vb, rf, key)
	}
	return nil
}

// removeNullVersion drops key's null version from the versions bucket.
func removeNullVersion(vb *bolt.Bucket, rf *refs, key string) error {
	var found []byte
	var rec objRecord
	var err error
	keyVersions(vb, key, func(k, v []byte) bool {
		if _, err = decodeObject(v, &rec); err != nil {
			return false
		}
		if rec.isNull() {
			found = bytes.Clone(k)
			return false
		}
		return true
	})
	if err != nil || found == nil {
		return err
	}
	if err := unrefExtents(rf, rec.Extents); err != nil {
		return err
	}
	return vb.Delete(found)
}

func unrefExtents(rf *refs, xs []extent) error {
	for _, x := range xs {
		if err := rf.add(x.ID, -1); err != nil {
			return err
		}
	}
	return nil
}

// addMarker is a delete without a version ID in a versioned bucket.
func (s *Store) addMarker(b *bolt.Bucket, rf *refs, key string, st storage.VersioningState) (storage.DeleteResult, error) {
	m := objRecord{Mod: s.now().UnixNano()}
	if err := s.newVersion(b, rf, key, &m, st); err != nil {
		return storage.DeleteResult{}, err
	}
	m.Marker, m.versioned = true, true
	// The current object (if any) is in the versions bucket now.
	if err := b.Bucket(bktObjects).Delete([]byte(key)); err != nil {
		return storage.DeleteResult{}, err
	}
	if err := b.Bucket(bktVersions).Put(vKey(key, m.VID), encodeObject(&m, nil)); err != nil {
		return storage.DeleteResult{}, err
	}
	return storage.DeleteResult{VersionID: m.pubID(), DeleteMarker: true}, nil
}

// locate finds version id of key ("" for the newest): the index bucket
// and key holding it, and its record and inline data (valid during tx).
// Reads of a delete marker fail with *storage.DeleteMarkerError.
func locate(b *bolt.Bucket, bucket, key, id string, rec *objRecord) (*bolt.Bucket, []byte, []byte, error) {
	objs, vb := b.Bucket(bktObjects), b.Bucket(bktVersions)
	versioned := versioningOf(b) != storage.Unversioned
	decode := func(v []byte) ([]byte, error) {
		inline, err := decodeObject(v, rec)
		rec.versioned = versioned
		return inline, err
	}
	if id != "" {
		if err := checkVersionID(id); err != nil {
			return nil, nil, nil, err
		}
	}
	if cur := objs.Get([]byte(key)); cur != nil {
		inline, err := decode(cur)
		if err != nil || id == "" || rec.matches(id) {
			return objs, []byte(key), inline, err
		}
	}
	var k, v []byte
	if id == "" {
		k, v = newestVersion(vb, key)
	} else if id != storage.NullVersionID {
		k = vKey(key, id)
		if vb != nil {
			v = vb.Get(k)
		}
	} else {
		keyVersions(vb, key, func(kk, vv []byte) bool {
			var r objRecord
			if _, err := decodeObject(vv, &r); err == nil && r.isNull() {
				k, v = kk, vv
				return false
			}
			return true
		})
	}
	if v == nil {
		if id == "" {
			return nil, nil, nil, fmt.Errorf("%s/%s: %w", bucket, key, storage.ErrNoSuchKey)
		}
		return nil, nil, nil, fmt.Errorf("%s/%s version %s: %w", bucket, key, id, storage.ErrNoSuchVersion)
	}
	inline, err := decode(v)
	if err != nil {
		return nil, nil, nil, err
	}
	if id != "" && !rec.matches(id) {
		return nil, nil, nil, fmt.Errorf("%s/%s version %s: %w", bucket, key, id, storage.ErrNoSuchVersion)
	}
	if rec.Marker {
		e := &storage.DeleteMarkerError{Key: key, VersionID: rec.pubID(), Err: storage.ErrMethodNotAllowed}
		if id == "" {
			e.Err = storage.ErrNoSuchKey
		}
		return nil, nil, nil, e
	}
	if id == "" {
		// The newest entry of the versions bucket is current only when
		// it is a marker, handled above.
		return nil, nil, nil, fmt.Errorf("%s/%s: %w", bucket, key, storage.ErrNoSuchKey)
	}
	return vb, k, inline, nil
}

// readVersion is locate for readers that want only the record.
func readVersion(tx *bolt.Tx, bucket, key, id string, rec *objRecord) ([]byte, error) {
	b, err := bucketOf(tx, bucket)
	if err != nil {
		return nil, err
	}
	_, _, inline, err := locate(b, bucket, key, id, rec)
	return inline, err
}

// loggedVersion answers a read of version id of a key whose latest change
// is still in the log. Only unversioned buckets log, so the key's one
// version is "null".
func loggedVersion(v ovVal, bucket, key, id string, rec *objRecord) ([]byte, error) {
	if err := checkVersionID(id); err != nil {
		return nil, err
	}
	if v.del || id != storage.NullVersionID {
		return nil, fmt.Errorf("%s/%s version %s: %w", bucket, key, id, storage.ErrNoSuchVersion)
	}
	return decodeObject(v.val, rec)
}

// GetObjectVersion implements storage.Versioner.
func (s *Store) GetObjectVersion(ctx context.Context, bucket, key, id string) (*storage.Object, error) {
	if id == "" {
		return s.GetObject(ctx, bucket, key)
	}
	return s.getObject(ctx, bucket, key, func(tx *bolt.Tx, rec *objRecord) ([]byte, error) {
		return readVersion(tx, bucket, key, id, rec)
	}, func(v ovVal, rec *objRecord) ([]byte, error) {
		return loggedVersion(v, bucket, key, id, rec)
	})
}

// HeadObjectVersion implements storage.Versioner.
func (s *Store) HeadObjectVersion(ctx context.Context, bucket, key, id string) (storage.ObjectInfo, error) {
	if id == "" {
		return s.HeadObject(ctx, bucket, key)
	}
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, err
	}
	var rec objRecord
	err := s.view(bucket, key, func(tx *bolt.Tx) error {
		_, err := readVersion(tx, bucket, key, id, &rec)
		return err
	}, func(v ovVal) error {
		_, err := loggedVersion(v, bucket, key, id, &rec)
		return err
	})
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	return rec.info(key), nil
}

// DeleteObjectVersion implements storage.Versioner.
func (s *Store) DeleteObjectVersion(ctx context.Context, bucket, key, id string) (storage.DeleteResult, error) {
	if id == "" {
		return s.deleteObject(ctx, bucket, key, "")
	}
	if err := ctx.Err(); err != nil {
		return storage.DeleteResult{}, err
	}
	if err := checkVersionID(id); err != nil {
		return storage.DeleteResult{}, fmt.Errorf("delete %s/%s: %w", bucket, key, err)
	}
	var res storage.DeleteResult
	var freed []string
	err := s.c.do(func(tx *bolt.Tx) error {
		freed, res = nil, storage.DeleteResult{VersionID: id}
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		var rec objRecord
		where, k, _, err := locate(b, bucket, key, id, &rec)
		var dm *storage.DeleteMarkerError
		switch {
		case errors.As(err, &dm):
			// A marker named by its ID is deleted like any version.
			where, k = b.Bucket(bktVersions), nil
			keyVersions(where, key, func(kk, vv []byte) bool {
				var r objRecord
				if _, err := decodeObject(vv, &r); err == nil && r.matches(id) {
					k, rec = bytes.Clone(kk), r
					return false
				}
				return true
			})
			if k == nil {
				return nil
			}
		case errors.Is(err, storage.ErrNoSuchVersion):
			return nil // deleting a version that is not there succeeds
		case err != nil:
			return err
		default:
			k = bytes.Clone(k)
		}
		rf := newRefs(tx)
		if err := unrefExtents(rf, rec.Extents); err != nil {
			return err
		}
		if err := where.Delete(k); err != nil {
			return err
		}
		res.DeleteMarker = rec.Marker
		if err := promote(b, key); err != nil {
			return err
		}
		freed = rf.freed
		return nil
	})
	if err != nil {
		return storage.DeleteResult{}, err
	}
	s.unlink(freed)
	return res, nil
}

// promote restores the layout's rule after a version was removed: with no
// current object, a newest version that is not a marker becomes current.
func promote(b *bolt.Bucket, key string) error {
	objs := b.Bucket(bktObjects)
	if objs.Get([]byte(key)) != nil {
		return nil
	}
	vb := b.Bucket(bktVersions)
	k, v := newestVersion(vb, key)
	if k == nil {
		return nil
	}
	var rec objRecord
	if _, err := decodeObject(v, &rec); err != nil {
		return err
	}
	if rec.Marker {
		return nil
	}
	// The record moves as it is: a record from before versioning (no
	// VID) keeps its place in the history by its time (sortID).
	k, v = bytes.Clone(k), bytes.Clone(v)
	if err := objs.Put([]byte(key), v); err != nil {
		return err
	}
	return vb.Delete(k)
}

// CopyObjectVersion implements storage.Versioner.
func (s *Store) CopyObjectVersion(ctx context.Context, srcBucket, srcKey, srcVersionID, dstBucket, dstKey string, meta *storage.ObjectMeta) (storage.ObjectInfo, error) {
	return s.copyObject(ctx, srcBucket, srcKey, srcVersionID, dstBucket, dstKey, meta)
}

// PutObjectTaggingVersion implements storage.Versioner: the version's
// record is rewritten where it is, with the new tags.
func (s *Store) PutObjectTaggingVersion(ctx context.Context, bucket, key, id string, tags map[string]string) (storage.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, err
	}
	var rec objRecord
	err := s.c.do(func(tx *bolt.Tx) error {
		rec = objRecord{}
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		where, k, inline, err := locate(b, bucket, key, id, &rec)
		if err != nil {
			return err
		}
		rec.Meta.Tags = upload.CloneTags(tags)
		return where.Put(bytes.Clone(k), encodeObject(&rec, inline))
	})
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	return rec.info(key), nil
}

// ListObjectVersions implements storage.Versioner.
func (s *Store) ListObjectVersions(ctx context.Context, bucket string, opts storage.ListVersionsOptions) (storage.ListVersionsResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.ListVersionsResult{}, err
	}
	if s.ov.has(bucket) {
		// Fold logged changes into the index so the cursors see them.
		if err := s.c.do(func(*bolt.Tx) error { return nil }); err != nil {
			return storage.ListVersionsResult{}, err
		}
	}
	var res storage.ListVersionsResult
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		c := &versionCursor{o: b.Bucket(bktObjects).Cursor(), vb: b.Bucket(bktVersions)}
		if c.vb != nil {
			c.v = c.vb.Cursor()
		}
		res, err = listing.Versions(c, opts)
		return err
	})
	return res, err
}

// versionCursor walks the union of the current objects' keys and the
// versions bucket's keys.
type versionCursor struct {
	o    *bolt.Cursor
	vb   *bolt.Bucket
	v    *bolt.Cursor // nil without a versions bucket
	ok   []byte       // o's position
	oval []byte
	vk   string // the key of v's position; vhas false at its end
	vhas bool
	key  string
	inO  bool
	inV  bool
}

func (c *versionCursor) Seek(from string) (string, bool) {
	c.ok, c.oval = c.o.Seek([]byte(from))
	if c.v != nil {
		k, _ := c.v.Seek([]byte(from))
		c.setV(k)
	}
	return c.cur()
}

func (c *versionCursor) setV(k []byte) {
	c.vhas = k != nil
	if c.vhas {
		c.vk = vKeyOf(k)
	}
}

func (c *versionCursor) Next() (string, bool) {
	if c.inO {
		c.ok, c.oval = c.o.Next()
	}
	if c.inV {
		// Past every entry of this key: its zero byte, then one more.
		k, _ := c.v.Seek(append([]byte(c.key), 1))
		c.setV(k)
	}
	return c.cur()
}

func (c *versionCursor) cur() (string, bool) {
	switch {
	case c.ok != nil && (!c.vhas || string(c.ok) <= c.vk):
		c.key = string(c.ok)
	case c.vhas:
		c.key = c.vk
	default:
		c.inO, c.inV = false, false
		return "", false
	}
	c.inO = c.ok != nil && string(c.ok) == c.key
	c.inV = c.vhas && c.vk == c.key
	return c.key, true
}

func (c *versionCursor) Versions(after string, limit int) ([]storage.VersionInfo, error) {
	if after != "" && after != storage.NullVersionID && c.vb != nil {
		// A version ID is its own place in the versions bucket: seek
		// there, so paging through a key with many versions costs each
		// page only its own entries.
		if out, found, err := c.versionsAfter(after, limit); found || err != nil {
			return out, err
		}
	}
	var out []storage.VersionInfo
	var err error
	// walk lists the key's versions from the one after skipTo ("" from
	// the newest) and reports whether skipTo was found.
	walk := func(skipTo string) bool {
		out = out[:0]
		skipping := skipTo != ""
		n := 0
		visit := func(v []byte) bool {
			var rec objRecord
			if _, err = decodeObject(v, &rec); err != nil {
				return false
			}
			latest := n == 0
			n++
			if skipping {
				skipping = !rec.matches(skipTo)
				return true
			}
			rec.versioned = true
			out = append(out, storage.VersionInfo{ObjectInfo: rec.info(c.key), IsLatest: latest})
			return len(out) < limit
		}
		more := true
		if c.inO {
			more = visit(c.oval)
		}
		if more && err == nil {
			keyVersions(c.vb, c.key, func(_, v []byte) bool { return visit(v) })
		}
		return !skipping
	}
	if !walk(after) && err == nil {
		// An after ID the key does not have: from its newest version.
		walk("")
	}
	return out, err
}

// versionsAfter lists up to limit of the key's versions after version
// after, found by seeking; found is false when the key has no such version.
func (c *versionCursor) versionsAfter(after string, limit int) (out []storage.VersionInfo, found bool, err error) {
	prefix := vKey(c.key, "")
	from := prefix // after the current object: every versions entry
	isCurrent := false
	if c.inO {
		var rec objRecord
		if _, err := decodeObject(c.oval, &rec); err != nil {
			return nil, false, err
		}
		isCurrent = rec.matches(after)
	}
	if !isCurrent {
		k := vKey(c.key, after)
		v := c.vb.Get(k)
		if v == nil {
			return nil, false, nil
		}
		var rec objRecord
		if _, err := decodeObject(v, &rec); err != nil || !rec.matches(after) {
			return nil, false, err
		}
		from = append(k, 0) // the smallest key after k
	}
	cur := c.vb.Cursor()
	for k, v := cur.Seek(from); k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+versionid.Len && len(out) < limit; k, v = cur.Next() {
		var rec objRecord
		if _, err := decodeObject(v, &rec); err != nil {
			return nil, true, err
		}
		rec.versioned = true
		out = append(out, storage.VersionInfo{ObjectInfo: rec.info(c.key)})
	}
	return out, true, nil
}
