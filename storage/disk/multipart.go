package disk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/internal/listing"
	"github.com/s3kit/s3kit/storage/internal/upload"
	bolt "go.etcd.io/bbolt"
)

// CreateMultipartUpload implements storage.Multipart. Upload IDs start with
// a per-bucket sequence number, so ID order is initiation order.
func (s *Store) CreateMultipartUpload(ctx context.Context, bucket, key string, meta storage.ObjectMeta) (storage.UploadInfo, error) {
	if err := upload.CheckKey(key); err != nil {
		return storage.UploadInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return storage.UploadInfo{}, err
	}
	rnd, err := newID()
	if err != nil {
		return storage.UploadInfo{}, err
	}
	rec := uploadRecord{Key: key, Meta: upload.CloneMeta(meta)}
	var id string
	err = s.c.do(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		ups := b.Bucket(bktUploads)
		seq, err := ups.NextSequence()
		if err != nil {
			return err
		}
		id = fmt.Sprintf("%016x%s", seq, rnd[:16])
		rec.Initiated = s.now().UnixNano()
		val, err := encodeValue(&rec, nil)
		if err != nil {
			return err
		}
		return ups.Put([]byte(id), val)
	})
	if err != nil {
		return storage.UploadInfo{}, err
	}
	return rec.info(id), nil
}

// readUpload returns an upload's record or ErrNoSuchUpload.
func readUpload(tx *bolt.Tx, bucket, key, id string) (*bolt.Bucket, uploadRecord, error) {
	var rec uploadRecord
	b, err := bucketOf(tx, bucket)
	if err != nil {
		return nil, rec, err
	}
	v := b.Bucket(bktUploads).Get([]byte(id))
	if v == nil {
		return nil, rec, fmt.Errorf("upload %s of %s/%s: %w", id, bucket, key, storage.ErrNoSuchUpload)
	}
	if _, err := decodeValue(v, &rec); err != nil {
		return nil, rec, err
	}
	if rec.Key != key {
		return nil, rec, fmt.Errorf("upload %s is not for %s/%s: %w", id, bucket, key, storage.ErrNoSuchUpload)
	}
	return b, rec, nil
}

// UploadPart implements storage.Multipart. Every part is a content file,
// fsynced before its record commits; a re-uploaded part number replaces the
// old part, whose file is then unlinked.
func (s *Store) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, body io.Reader, opts storage.PartOptions) (storage.PartInfo, error) {
	if err := upload.CheckPartNumber(partNumber); err != nil {
		return storage.PartInfo{}, err
	}
	if err := s.db.View(func(tx *bolt.Tx) error {
		_, _, err := readUpload(tx, bucket, key, uploadID)
		return err
	}); err != nil {
		return storage.PartInfo{}, err
	}
	if err := s.space.admit(); err != nil {
		return storage.PartInfo{}, fmt.Errorf("upload part %d: %w", partNumber, err)
	}
	r := upload.NewReader(ctx, body, opts.Digest)
	sp, err := s.receive(r, false)
	if err != nil {
		return storage.PartInfo{}, fmt.Errorf("upload part %d: read body: %w", partNumber, err)
	}
	info, err := s.commitPart(ctx, bucket, key, uploadID, partNumber, r, sp, opts)
	if err != nil {
		sp.discard()
	}
	return info, err
}

func (s *Store) commitPart(ctx context.Context, bucket, key, uploadID string, n int, r *upload.Reader, sp *spool, opts storage.PartOptions) (storage.PartInfo, error) {
	etag, err := r.Finish(opts.ContentMD5)
	if err != nil {
		return storage.PartInfo{}, fmt.Errorf("upload part %d: %w", n, err)
	}
	sums := map[string]string{}
	if opts.BeforeCommit != nil {
		if err := opts.BeforeCommit(sums); err != nil {
			return storage.PartInfo{}, err
		}
	}
	if len(sums) == 0 {
		sums = nil
	}
	if err := sp.persist(); err != nil {
		return storage.PartInfo{}, fmt.Errorf("upload part %d: %w", n, err)
	}
	if err := ctx.Err(); err != nil {
		return storage.PartInfo{}, fmt.Errorf("upload part %d: %w", n, err)
	}
	rec := partRecord{ETag: etag, Size: sp.size, Checksums: sums, File: sp.id}
	var freed []string
	err = s.c.do(func(tx *bolt.Tx) error {
		freed = nil
		b, _, err := readUpload(tx, bucket, key, uploadID)
		if err != nil {
			return err
		}
		parts := b.Bucket(bktParts)
		pk := partKey(uploadID, n)
		rf := newRefs(tx)
		if err := rf.add(rec.File, 1); err != nil {
			return err
		}
		if cur := parts.Get(pk); cur != nil {
			var old partRecord
			if _, err := decodeValue(cur, &old); err != nil {
				return err
			}
			if err := rf.add(old.File, -1); err != nil {
				return err
			}
		}
		rec.Mod = s.now().UnixNano()
		val, err := encodeValue(&rec, nil)
		if err != nil {
			return err
		}
		freed = rf.freed
		return parts.Put(pk, val)
	})
	if err != nil {
		return storage.PartInfo{}, err
	}
	s.unlink(freed)
	return rec.info(n), nil
}

// ListParts implements storage.Multipart.
func (s *Store) ListParts(ctx context.Context, bucket, key, uploadID string, opts storage.ListPartsOptions) (storage.ListPartsResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.ListPartsResult{}, err
	}
	limit := opts.MaxParts
	if limit <= 0 {
		limit = listing.DefaultMax
	}
	var res storage.ListPartsResult
	err := s.db.View(func(tx *bolt.Tx) error {
		b, up, err := readUpload(tx, bucket, key, uploadID)
		if err != nil {
			return err
		}
		res.Upload = up.info(uploadID)
		c := b.Bucket(bktParts).Cursor()
		prefix := []byte(uploadID)
		for k, v := c.Seek(partKey(uploadID, opts.PartNumberMarker+1)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			n := partNumber(k, uploadID)
			if len(res.Parts) == limit {
				res.IsTruncated = true
				break
			}
			var p partRecord
			if _, err := decodeValue(v, &p); err != nil {
				return err
			}
			res.Parts = append(res.Parts, p.info(n))
			res.NextPartNumberMarker = n
		}
		return nil
	})
	return res, err
}

func partNumber(k []byte, uploadID string) int {
	b := k[len(uploadID):]
	return int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3])
}

// deleteUpload removes an upload and its parts, dropping the parts' file
// references, inside tx.
func deleteUpload(b *bolt.Bucket, rf *refs, uploadID string) error {
	parts := b.Bucket(bktParts)
	c := parts.Cursor()
	prefix := []byte(uploadID)
	var keys [][]byte
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var p partRecord
		if _, err := decodeValue(v, &p); err != nil {
			return err
		}
		if err := rf.add(p.File, -1); err != nil {
			return err
		}
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := parts.Delete(k); err != nil {
			return err
		}
	}
	return b.Bucket(bktUploads).Delete([]byte(uploadID))
}

// CompleteMultipartUpload implements storage.Multipart. Up to
// Options.MaxExtents parts, the object's content is the listed part files
// in order (no bytes are copied); with more, the parts are first copied
// into one new file (in-kernel copy_file_range where available), so a GET
// never needs thousands of file descriptors. Either way the record swap,
// the part removal and the reference changes are one transaction.
func (s *Store) CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []storage.CompletePart, opts storage.CompleteOptions) (storage.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, err
	}
	var asm *spool
	var asmFrom []string
	if len(parts) > s.maxExtents {
		// Copying the parts into one file needs their size again.
		if err := s.space.admit(); err != nil {
			return storage.ObjectInfo{}, fmt.Errorf("complete %s/%s: %w", bucket, key, err)
		}
		var err error
		if asm, asmFrom, err = s.assemble(ctx, bucket, key, uploadID, parts); err != nil {
			return storage.ObjectInfo{}, noSpace(err)
		}
	}
	var rec objRecord
	var freed []string
	err := s.c.do(func(tx *bolt.Tx) error {
		freed, rec = nil, objRecord{}
		b, up, etag, listed, err := validateComplete(tx, bucket, key, uploadID, parts)
		if err != nil {
			return err
		}
		infos := make([]storage.PartInfo, len(listed))
		for i, p := range listed {
			infos[i] = p.info(parts[i].PartNumber)
		}
		meta, partSums, err := upload.FinishMeta(up.Meta, infos, opts)
		if err != nil {
			return err
		}
		if err := checkCompleteConditions(b.Bucket(bktObjects), key, opts); err != nil {
			return fmt.Errorf("complete %s/%s: %w", bucket, key, err)
		}
		rec = objRecord{ETag: etag, Meta: meta, Mod: s.now().UnixNano(), PartChecksums: partSums}
		rf := newRefs(tx)
		for i, p := range listed {
			rec.PartSizes = append(rec.PartSizes, p.Size)
			rec.Size += p.Size
			if asm == nil {
				rec.Extents = append(rec.Extents, extent{ID: p.File, Size: p.Size})
				if err := rf.add(p.File, 1); err != nil {
					return err
				}
			} else if p.File != asmFrom[i] {
				return fmt.Errorf("complete %s/%s: part %d re-uploaded during complete: %w", bucket, key, parts[i].PartNumber, storage.ErrInvalidPart)
			}
		}
		if asm != nil {
			rec.Extents = []extent{{ID: asm.id, Size: asm.size}}
			if err := rf.add(asm.id, 1); err != nil {
				return err
			}
		}
		if err := deleteUpload(b, rf, uploadID); err != nil {
			return err
		}
		if err := s.install(b, rf, bucket, key, &rec, nil); err != nil {
			return err
		}
		freed = rf.freed
		return nil
	})
	if err != nil {
		if asm != nil {
			asm.discard()
		}
		return storage.ObjectInfo{}, err
	}
	s.unlink(freed)
	return rec.info(key), nil
}

// checkCompleteConditions applies opts' If-None-Match and If-Match to
// the object at key in objs, inside the completing transaction.
func checkCompleteConditions(objs *bolt.Bucket, key string, opts storage.CompleteOptions) error {
	if opts.IfNoneMatch == "" && opts.IfMatch == "" {
		return nil
	}
	var old objRecord
	cur := objs.Get([]byte(key))
	if cur != nil {
		if _, err := decodeObject(cur, &old); err != nil {
			return err
		}
	}
	return upload.CheckPreconditions(storage.PutOptions{IfNoneMatch: opts.IfNoneMatch, IfMatch: opts.IfMatch}, cur != nil, old.ETag)
}

// validateComplete applies S3's Complete rules to the stored parts inside
// tx and returns the upload's bucket, its record, the composite ETag and
// the listed parts' records in list order.
func validateComplete(tx *bolt.Tx, bucket, key, uploadID string, parts []storage.CompletePart) (*bolt.Bucket, uploadRecord, string, []partRecord, error) {
	b, up, err := readUpload(tx, bucket, key, uploadID)
	if err != nil {
		return nil, up, "", nil, err
	}
	stored := map[int]partRecord{}
	etag, err := upload.Complete(parts, func(n int) (upload.Stored, bool) {
		v := b.Bucket(bktParts).Get(partKey(uploadID, n))
		var p partRecord
		if v == nil {
			return upload.Stored{}, false
		}
		if _, err := decodeValue(v, &p); err != nil {
			return upload.Stored{}, false
		}
		stored[n] = p
		return upload.Stored{ETag: p.ETag, Size: p.Size}, true
	})
	if err != nil {
		return nil, up, "", nil, fmt.Errorf("complete %s/%s: %w", bucket, key, err)
	}
	listed := make([]partRecord, len(parts))
	for i, cp := range parts {
		listed[i] = stored[cp.PartNumber]
	}
	return b, up, etag, listed, nil
}

// unrefObject drops the references of the object currently at key, if any.
func unrefObject(objs *bolt.Bucket, rf *refs, key string) error {
	cur := objs.Get([]byte(key))
	if cur == nil {
		return nil
	}
	var old objRecord
	if _, err := decodeObject(cur, &old); err != nil {
		return err
	}
	for _, x := range old.Extents {
		if err := rf.add(x.ID, -1); err != nil {
			return err
		}
	}
	return nil
}

// assemble copies the listed parts, validated first, into one new durable
// content file and returns it with the part files it was copied from.
func (s *Store) assemble(ctx context.Context, bucket, key, uploadID string, parts []storage.CompletePart) (*spool, []string, error) {
	var listed []partRecord
	if err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		_, _, _, listed, err = validateComplete(tx, bucket, key, uploadID, parts)
		return err
	}); err != nil {
		return nil, nil, err
	}
	id, err := newID()
	if err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(s.path(id), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, err
	}
	sp := &spool{s: s, id: id, f: f}
	from := make([]string, len(listed))
	for i, p := range listed {
		from[i] = p.File
		if err := ctx.Err(); err != nil {
			sp.discard()
			return nil, nil, err
		}
		n, err := copyFile(f, s.path(p.File))
		if err == nil && n != p.Size {
			err = fmt.Errorf("part file holds %d bytes, record says %d", n, p.Size)
		}
		if err != nil {
			sp.discard()
			return nil, nil, fmt.Errorf("complete %s/%s: assemble part %d: %w", bucket, key, parts[i].PartNumber, err)
		}
		sp.size += n
	}
	if err := sp.persist(); err != nil {
		sp.discard()
		return nil, nil, err
	}
	return sp, from, nil
}

// copyFile appends the file at path to dst (os.File.ReadFrom uses
// copy_file_range on Linux, so the bytes stay in the kernel).
func copyFile(dst *os.File, path string) (int64, error) {
	src, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return 0, fmt.Errorf("part replaced or aborted during complete: %w", storage.ErrInvalidPart)
		}
		return 0, err
	}
	defer src.Close()
	return io.Copy(dst, src)
}

// AbortMultipartUpload implements storage.Multipart.
func (s *Store) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var freed []string
	err := s.c.do(func(tx *bolt.Tx) error {
		freed = nil
		b, _, err := readUpload(tx, bucket, key, uploadID)
		if err != nil {
			return err
		}
		rf := newRefs(tx)
		if err := deleteUpload(b, rf, uploadID); err != nil {
			return err
		}
		freed = rf.freed
		return nil
	})
	if err != nil {
		return err
	}
	s.unlink(freed)
	return nil
}

// ListMultipartUploads implements storage.Multipart. It reads every
// unfinished upload of the bucket; there are few of them in practice.
func (s *Store) ListMultipartUploads(ctx context.Context, bucket string, opts storage.ListUploadsOptions) (storage.ListUploadsResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.ListUploadsResult{}, err
	}
	var all []storage.UploadInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		return b.Bucket(bktUploads).ForEach(func(k, v []byte) error {
			var u uploadRecord
			if _, err := decodeValue(v, &u); err != nil {
				return err
			}
			if len(opts.Prefix) == 0 || bytes.HasPrefix([]byte(u.Key), []byte(opts.Prefix)) {
				all = append(all, u.info(string(k)))
			}
			return nil
		})
	})
	if err != nil {
		return storage.ListUploadsResult{}, err
	}
	listing.SortUploads(all)
	return listing.Uploads(all, opts), nil
}
