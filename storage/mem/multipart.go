package mem

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sort"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/internal/listing"
	"github.com/s3kit/s3kit/storage/internal/upload"
)

type mpUpload struct {
	info  storage.UploadInfo
	parts map[int]*mpPart
}

type mpPart struct {
	info storage.PartInfo
	data chunks
}

// CreateMultipartUpload implements storage.Multipart. Upload IDs increase
// with initiation, so sorting by ID is sorting by initiation time.
func (s *Store) CreateMultipartUpload(ctx context.Context, bucketName, key string, meta storage.ObjectMeta) (storage.UploadInfo, error) {
	if err := upload.CheckKey(key); err != nil {
		return storage.UploadInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return storage.UploadInfo{}, err
	}
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return storage.UploadInfo{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(bucketName)
	if err != nil {
		return storage.UploadInfo{}, err
	}
	s.seq++
	u := &mpUpload{
		info: storage.UploadInfo{
			Key:       key,
			UploadID:  fmt.Sprintf("%016x%s", s.seq, hex.EncodeToString(rnd[:])),
			Initiated: s.now(),
			Meta:      upload.CloneMeta(meta),
		},
		parts: map[int]*mpPart{},
	}
	b.uploads[u.info.UploadID] = u
	return cloneUpload(u.info), nil
}

// upload looks an upload up; the caller holds s.mu.
func (s *Store) upload(bucketName, key, id string) (*bucket, *mpUpload, error) {
	b, err := s.bucket(bucketName)
	if err != nil {
		return nil, nil, err
	}
	u, ok := b.uploads[id]
	if !ok || u.info.Key != key {
		return nil, nil, fmt.Errorf("upload %s of %s/%s: %w", id, bucketName, key, storage.ErrNoSuchUpload)
	}
	return b, u, nil
}

// UploadPart implements storage.Multipart.
func (s *Store) UploadPart(ctx context.Context, bucketName, key, uploadID string, partNumber int, body io.Reader, opts storage.PartOptions) (storage.PartInfo, error) {
	if err := upload.CheckPartNumber(partNumber); err != nil {
		return storage.PartInfo{}, err
	}
	s.mu.RLock()
	_, _, err := s.upload(bucketName, key, uploadID)
	s.mu.RUnlock()
	if err != nil {
		return storage.PartInfo{}, err
	}
	r := upload.NewReader(ctx, body, opts.Digest)
	data, err := readChunks(r)
	if err != nil {
		return storage.PartInfo{}, fmt.Errorf("upload part %d: read body: %w", partNumber, err)
	}
	etag, err := r.Finish(opts.ContentMD5)
	if err != nil {
		return storage.PartInfo{}, fmt.Errorf("upload part %d: %w", partNumber, err)
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
	s.mu.Lock()
	defer s.mu.Unlock()
	_, u, err := s.upload(bucketName, key, uploadID)
	if err != nil {
		return storage.PartInfo{}, err
	}
	p := &mpPart{data: data, info: storage.PartInfo{
		PartNumber: partNumber, ETag: etag, Size: data.size, LastModified: s.now(), Checksums: sums,
	}}
	u.parts[partNumber] = p
	return clonePart(p.info), nil
}

// ListParts implements storage.Multipart.
func (s *Store) ListParts(ctx context.Context, bucketName, key, uploadID string, opts storage.ListPartsOptions) (storage.ListPartsResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.ListPartsResult{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, u, err := s.upload(bucketName, key, uploadID)
	if err != nil {
		return storage.ListPartsResult{}, err
	}
	limit := opts.MaxParts
	if limit <= 0 {
		limit = listing.DefaultMax
	}
	nums := make([]int, 0, len(u.parts))
	for n := range u.parts {
		if n > opts.PartNumberMarker {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	res := storage.ListPartsResult{Upload: cloneUpload(u.info)}
	for _, n := range nums {
		if len(res.Parts) == limit {
			res.IsTruncated = true
			break
		}
		res.Parts = append(res.Parts, clonePart(u.parts[n].info))
		res.NextPartNumberMarker = n
	}
	return res, nil
}

// CompleteMultipartUpload implements storage.Multipart. The object shares
// the parts' chunks; no bytes are copied.
func (s *Store) CompleteMultipartUpload(ctx context.Context, bucketName, key, uploadID string, parts []storage.CompletePart, opts storage.CompleteOptions) (storage.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, u, err := s.upload(bucketName, key, uploadID)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	etag, err := upload.Complete(parts, func(n int) (upload.Stored, bool) {
		p, ok := u.parts[n]
		if !ok {
			return upload.Stored{}, false
		}
		return upload.Stored{ETag: p.info.ETag, Size: p.info.Size}, true
	})
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("complete %s/%s: %w", bucketName, key, err)
	}
	var size int64
	sizes := make([]int64, len(parts))
	listed := make([]storage.PartInfo, len(parts))
	pieces := make([]chunks, len(parts))
	for i, p := range parts {
		mp := u.parts[p.PartNumber]
		sizes[i], listed[i], pieces[i] = mp.info.Size, mp.info, mp.data
		size += sizes[i]
	}
	meta, partSums, err := upload.FinishMeta(u.info.Meta, listed, opts)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	// The condition is checked before the upload is consumed, so a
	// failed one leaves it open (the lock makes it atomic with the commit).
	if old, ok := b.objects[key]; opts.IfNoneMatch != "" || opts.IfMatch != "" {
		cur := ""
		if ok {
			cur = old.info.ETag
		}
		if err := upload.CheckPreconditions(storage.PutOptions{IfNoneMatch: opts.IfNoneMatch, IfMatch: opts.IfMatch}, ok, cur); err != nil {
			return storage.ObjectInfo{}, fmt.Errorf("complete %s/%s: %w", bucketName, key, err)
		}
	}
	data := concat(pieces...)
	delete(b.uploads, uploadID)
	o := &object{data: data, info: storage.ObjectInfo{
		Key: key, Size: size, ETag: etag, Meta: meta, PartSizes: sizes, PartChecksums: partSums,
	}}
	return s.commitLocked(b, o, storage.PutOptions{})
}

// AbortMultipartUpload implements storage.Multipart.
func (s *Store) AbortMultipartUpload(ctx context.Context, bucketName, key, uploadID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, _, err := s.upload(bucketName, key, uploadID)
	if err != nil {
		return err
	}
	delete(b.uploads, uploadID)
	return nil
}

// ListMultipartUploads implements storage.Multipart.
func (s *Store) ListMultipartUploads(ctx context.Context, bucketName string, opts storage.ListUploadsOptions) (storage.ListUploadsResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.ListUploadsResult{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, err := s.bucket(bucketName)
	if err != nil {
		return storage.ListUploadsResult{}, err
	}
	all := make([]storage.UploadInfo, 0, len(b.uploads))
	for _, u := range b.uploads {
		all = append(all, cloneUpload(u.info))
	}
	listing.SortUploads(all)
	return listing.Uploads(all, opts), nil
}

func cloneUpload(u storage.UploadInfo) storage.UploadInfo {
	u.Meta = upload.CloneMeta(u.Meta)
	return u
}

func clonePart(p storage.PartInfo) storage.PartInfo {
	if p.Checksums != nil {
		m := make(map[string]string, len(p.Checksums))
		for k, v := range p.Checksums {
			m[k] = v
		}
		p.Checksums = m
	}
	return p
}
