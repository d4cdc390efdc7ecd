package disk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/internal/listing"
	"github.com/s3kit/s3kit/storage/internal/upload"
	bolt "go.etcd.io/bbolt"
)

// PutObject implements storage.Backend. The body is received (and, when
// large, written and fsynced to a new content file) before the index is
// touched; the record then replaces the old one in a group commit, and the
// old content files are unlinked after that commit is durable.
func (s *Store) PutObject(ctx context.Context, bucket, key string, body io.Reader, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := upload.CheckKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := s.bucketExists(ctx, bucket); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := s.space.admit(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	r := upload.NewReader(ctx, body, opts.Digest)
	sp, err := s.receive(r, true)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %s/%s: read body: %w", bucket, key, err)
	}
	info, err := s.putSpool(ctx, bucket, key, r, sp, opts)
	if err != nil {
		sp.discard()
	}
	sp.release()
	return info, err
}

func (s *Store) putSpool(ctx context.Context, bucket, key string, r *upload.Reader, sp *spool, opts storage.PutOptions) (storage.ObjectInfo, error) {
	etag, err := r.Finish(opts.ContentMD5)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	meta := upload.CloneMeta(opts.Meta)
	if opts.BeforeCommit != nil {
		if err := opts.BeforeCommit(&meta); err != nil {
			return storage.ObjectInfo{}, err
		}
	}
	if err := sp.persist(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %s/%s: %w", bucket, key, err)
	}
	rec := objRecord{Size: sp.size, ETag: etag, Meta: meta}
	if sp.id != "" {
		rec.Extents = []extent{{ID: sp.id, Size: sp.size}}
	}
	return s.commitObject(bucket, key, rec, sp.inline, opts)
}

// bucketExists returns ErrNoSuchBucket when bucket does not exist, without
// decoding its info as HeadBucket does (a PUT checks before receiving).
func (s *Store) bucketExists(ctx context.Context, bucket string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error {
		_, err := bucketOf(tx, bucket)
		return err
	})
}

// commitObject makes rec (with inline data, if any) the object at key,
// checking opts' preconditions in the same transaction. Extents in rec gain
// a reference; the replaced object's extents lose one. inline is not used
// after commitObject returns.
func (s *Store) commitObject(bucket, key string, rec objRecord, inline []byte, opts storage.PutOptions) (storage.ObjectInfo, error) {
	var freed []string
	// The record is encoded here, in the caller's goroutine: the
	// committer runs groups one at a time, so copying a body there would
	// serialise every writer behind it.
	rec.Mod = s.now().UnixNano()
	val := encodeObject(&rec, inline)
	// mk checks the preconditions against the current value.
	conditional := opts.IfMatch != "" || opts.IfNoneMatch != ""
	mk := func(cur []byte) ([]byte, error) {
		var old objRecord
		if cur != nil && conditional { // only preconditions look at the old record
			if _, err := decodeObject(cur, &old); err != nil {
				return nil, err
			}
		}
		if err := upload.CheckPreconditions(opts, cur != nil, old.ETag); err != nil {
			return nil, fmt.Errorf("put %s/%s: %w", bucket, key, err)
		}
		return val, nil
	}
	var fast *fastOp
	if len(rec.Extents) == 0 {
		fast = &fastOp{bucket: bucket, key: key, mk: mk}
	}
	err := s.c.doFast(fast, func(tx *bolt.Tx) error {
		freed = nil
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		objs := b.Bucket(bktObjects)
		var old objRecord
		cur := objs.Get([]byte(key))
		if cur != nil {
			if _, err := decodeObject(cur, &old); err != nil {
				return err
			}
		}
		val, err := mk(cur)
		if err != nil {
			return err
		}
		rf := newRefs(tx)
		for _, x := range rec.Extents {
			if err := rf.add(x.ID, 1); err != nil {
				return err
			}
		}
		if versioningOf(b) != storage.Unversioned {
			if err := s.install(b, rf, bucket, key, &rec, inline); err != nil {
				return err
			}
			freed = rf.freed
			return nil
		}
		for _, x := range old.Extents {
			if err := rf.add(x.ID, -1); err != nil {
				return err
			}
		}
		freed = rf.freed
		return s.c.putRecord(objs, bucket, key, val)
	})
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	s.unlink(freed)
	return rec.info(key), nil
}

// GetObject implements storage.Backend.
func (s *Store) GetObject(ctx context.Context, bucket, key string) (*storage.Object, error) {
	return s.getObject(ctx, bucket, key, func(tx *bolt.Tx, rec *objRecord) ([]byte, error) {
		return s.readRecord(tx, bucket, key, rec)
	}, func(v ovVal, rec *objRecord) ([]byte, error) {
		return s.readLogged(bucket, key, v, rec)
	})
}

// getObject opens the record that index (in the index) or logged (in
// the overlay) finds.
func (s *Store) getObject(ctx context.Context, bucket, key string, index func(*bolt.Tx, *objRecord) ([]byte, error), logged func(ovVal, *objRecord) ([]byte, error)) (*storage.Object, error) {
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		gen := s.pins.gen()
		var rec objRecord
		var data []byte
		err := s.view(bucket, key, func(tx *bolt.Tx) error {
			inline, err := index(tx, &rec)
			data = bytes.Clone(inline)
			return err
		}, func(v ovVal) error {
			inline, err := logged(v, &rec)
			data = inline // logged values are never modified
			return err
		})
		if err != nil {
			return nil, err
		}
		info := rec.info(key)
		if len(rec.Extents) == 0 {
			return &storage.Object{Info: info, Content: inlineContent{bytes.NewReader(data)}}, nil
		}
		c, err := s.openExtents(rec.Extents, gen)
		if errors.Is(err, errStale) && attempt < 10 {
			continue // replaced between the index read and the open: read again
		}
		if err != nil {
			return nil, fmt.Errorf("get %s/%s: %w", bucket, key, err)
		}
		return &storage.Object{Info: info, Content: c}, nil
	}
}

// readRecord decodes key's current record and returns its inline data
// (valid only during tx). Behind a delete marker it fails with a
// *storage.DeleteMarkerError.
func (s *Store) readRecord(tx *bolt.Tx, bucket, key string, rec *objRecord) ([]byte, error) {
	return readVersion(tx, bucket, key, "", rec)
}

type inlineContent struct{ *bytes.Reader }

func (inlineContent) Close() error { return nil }

// HeadObject implements storage.Backend.
func (s *Store) HeadObject(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, err
	}
	var rec objRecord
	err := s.view(bucket, key, func(tx *bolt.Tx) error {
		_, err := s.readRecord(tx, bucket, key, &rec)
		return err
	}, func(v ovVal) error {
		_, err := s.readLogged(bucket, key, v, &rec)
		return err
	})
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	return rec.info(key), nil
}

// view reads an object: from the overlay when it holds the object's latest
// change (logged), from the index otherwise. The committer moves entries
// from the overlay only after the index commit holding them is durable,
// so a reader that misses the overlay finds the change in the index.
func (s *Store) view(bucket, key string, index func(tx *bolt.Tx) error, logged func(ovVal) error) error {
	if v, ok := s.ov.get(bucket, key); ok {
		return logged(v)
	}
	return s.db.View(index)
}

// readLogged decodes a logged value like readRecord.
func (s *Store) readLogged(bucket, key string, v ovVal, rec *objRecord) ([]byte, error) {
	if v.del {
		return nil, fmt.Errorf("%s/%s: %w", bucket, key, storage.ErrNoSuchKey)
	}
	return decodeObject(v.val, rec)
}

// DeleteObject implements storage.Backend.
func (s *Store) DeleteObject(ctx context.Context, bucket, key string) error {
	_, err := s.deleteObject(ctx, bucket, key, "")
	return err
}

// DeleteObjectIfMatch implements storage.ConditionalDeleter: the ETag is
// checked against the current record in the same update that deletes it.
func (s *Store) DeleteObjectIfMatch(ctx context.Context, bucket, key, ifMatch string) error {
	if ifMatch == "" {
		return fmt.Errorf("delete %s/%s: empty if-match: %w", bucket, key, storage.ErrInvalidArgument)
	}
	_, err := s.deleteObject(ctx, bucket, key, ifMatch)
	return err
}

// deleteObject deletes key, if ifMatch is set only when the object
// exists with that ETag; in a versioned bucket it adds a delete marker.
func (s *Store) deleteObject(ctx context.Context, bucket, key, ifMatch string) (storage.DeleteResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.DeleteResult{}, err
	}
	check := func(cur []byte) error {
		if ifMatch == "" {
			return nil
		}
		var old objRecord
		if cur != nil {
			if _, err := decodeObject(cur, &old); err != nil {
				return err
			}
		}
		if err := upload.CheckPreconditions(storage.PutOptions{IfMatch: ifMatch}, cur != nil, old.ETag); err != nil {
			return fmt.Errorf("delete %s/%s: %w", bucket, key, err)
		}
		return nil
	}
	var freed []string
	var res storage.DeleteResult
	fast := &fastOp{bucket: bucket, key: key, mk: func(cur []byte) ([]byte, error) { return nil, check(cur) }}
	err := s.c.doFast(fast, func(tx *bolt.Tx) error {
		freed, res = nil, storage.DeleteResult{}
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		objs := b.Bucket(bktObjects)
		cur := objs.Get([]byte(key))
		if err := check(cur); err != nil {
			return err
		}
		if st := versioningOf(b); st != storage.Unversioned {
			rf := newRefs(tx)
			if res, err = s.addMarker(b, rf, bucket, key, st); err != nil {
				return err
			}
			freed = rf.freed
			return nil
		}
		if cur == nil {
			return nil
		}
		var old objRecord
		if _, err := decodeObject(cur, &old); err != nil {
			return err
		}
		rf := newRefs(tx)
		for _, x := range old.Extents {
			if err := rf.add(x.ID, -1); err != nil {
				return err
			}
		}
		freed = rf.freed
		return s.c.putRecord(objs, bucket, key, nil)
	})
	if err != nil {
		return storage.DeleteResult{}, err
	}
	s.unlink(freed)
	return res, nil
}

// ListObjects implements storage.Backend. It walks a bbolt cursor from the
// first candidate key and seeks past whole common prefixes, so a page costs
// about the same in a bucket of a thousand keys or a million.
func (s *Store) ListObjects(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.ListResult{}, err
	}
	if s.ov.has(bucket) {
		// Fold logged changes into the index so the cursor sees them.
		if err := s.c.do(func(*bolt.Tx) error { return nil }); err != nil {
			if !errors.Is(err, storage.ErrInsufficientStorage) {
				return storage.ListResult{}, err
			}
			// No room for the fold even with the reserve: list without
			// writing, the logged changes merged in (overlaylist.go).
			return s.listMerged(bucket, opts)
		}
	}
	var res storage.ListResult
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		res, err = listing.Page(&boltCursor{c: b.Bucket(bktObjects).Cursor()}, opts)
		return err
	})
	return res, err
}

// boltCursor adapts a bbolt cursor to listing.Cursor.
type boltCursor struct {
	c   *bolt.Cursor
	key []byte
	val []byte
}

func (b *boltCursor) Seek(from string) (string, bool) {
	b.key, b.val = b.c.Seek([]byte(from))
	return string(b.key), b.key != nil
}

func (b *boltCursor) Next() (string, bool) {
	b.key, b.val = b.c.Next()
	return string(b.key), b.key != nil
}

func (b *boltCursor) Info() (storage.ObjectInfo, error) {
	var rec objRecord
	if _, err := decodeObject(b.val, &rec); err != nil {
		return storage.ObjectInfo{}, err
	}
	return rec.info(string(b.key)), nil
}

// CopyObject implements storage.Copier. File-backed sources are copied by
// reference (their content files gain a reference), so copying a 1 GiB
// object costs one index commit.
func (s *Store) CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, meta *storage.ObjectMeta) (storage.ObjectInfo, error) {
	return s.copyObject(ctx, srcBucket, srcKey, "", dstBucket, dstKey, meta)
}

// copyObject copies version srcVersion of the source ("" for the latest).
func (s *Store) copyObject(ctx context.Context, srcBucket, srcKey, srcVersion, dstBucket, dstKey string, meta *storage.ObjectMeta) (storage.ObjectInfo, error) {
	if err := upload.CheckKey(dstKey); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := s.space.admit(); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("copy to %s/%s: %w", dstBucket, dstKey, err)
	}
	var rec objRecord
	var freed []string
	err := s.c.do(func(tx *bolt.Tx) error {
		freed, rec = nil, objRecord{}
		inline, err := readVersion(tx, srcBucket, srcKey, srcVersion, &rec)
		if err != nil {
			return fmt.Errorf("copy source: %w", err)
		}
		if meta != nil {
			rec.Meta = upload.CloneMeta(*meta)
		}
		rec.Mod = s.now().UnixNano()
		rec.versioned = false
		// The inline bytes alias the source's page, which the writes
		// below may move.
		inline = bytes.Clone(inline)
		b, err := bucketOf(tx, dstBucket)
		if err != nil {
			return err
		}
		rf := newRefs(tx)
		for _, x := range rec.Extents {
			if err := rf.add(x.ID, 1); err != nil {
				return err
			}
		}
		if err := s.install(b, rf, dstBucket, dstKey, &rec, inline); err != nil {
			return err
		}
		freed = rf.freed
		return nil
	})
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	s.unlink(freed)
	return rec.info(dstKey), nil
}

// PutObjectTagging implements storage.Tagger: the object's record is
// rewritten with the new tags, its content (files or inline bytes), ETag
// and modification time untouched.
func (s *Store) PutObjectTagging(ctx context.Context, bucket, key string, tags map[string]string) (storage.ObjectInfo, error) {
	return s.PutObjectTaggingVersion(ctx, bucket, key, "", tags)
}
