// Package sse encrypts objects at rest (S3 server-side encryption) for
// any storage backend: a Store wraps a backend, seals the bytes of every
// write that asks for encryption before the backend stores them, and
// opens them again on read. The backend keeps only sealed bytes and the
// encryption record (storage.Encryption) in the object's metadata, so its
// crash safety and layout are unchanged and every backend encrypts alike.
//
// Each object (each part of a multipart object) is sealed in packages of
// PackageSize bytes (format.go), so a ranged GET decrypts only the
// packages it touches, and a byte changed on disk fails authentication:
// the read returns an error wrapping storage.ErrCorrupt and never the
// altered bytes. Sizes, ETags and part sizes are reported for the
// plaintext, as S3 reports them.
//
// SSE-S3 (AES256): every object has a random 256-bit data key, stored
// wrapped (AES-256-GCM) by a master key that is created on first use in
// the data directory (MasterKeyFile, mode 0600) or, with no directory,
// kept in memory for the life of the Store.
package sse

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"fmt"
	"hash"
	"io"
	"path/filepath"

	"github.com/s3kit/s3kit/storage"
)

// Backend is what a Store needs from the storage it wraps: the contract
// and every optional capability, which the Store passes on.
type Backend interface {
	storage.Backend
	storage.Multipart
	storage.Copier
	storage.Tagger
	storage.BucketTagger
	storage.ConditionalDeleter
}

// Options configures a Store.
type Options struct {
	// Dir is the data directory that holds the master key file; "" keeps
	// the master key in memory (objects then cannot be read by another
	// Store).
	Dir string
}

// Store is a storage backend that encrypts at rest. It implements the
// same interfaces as the Backend it wraps, plus storage.Encrypter.
type Store struct {
	inner  Backend
	master *masterKeys
}

// New wraps inner.
func New(inner Backend, opts Options) *Store {
	m := &masterKeys{}
	if opts.Dir != "" {
		m.path = filepath.Join(opts.Dir, MasterKeyFile)
	}
	return &Store{inner: inner, master: m}
}

// Unwrap returns the backend the Store wraps, whose objects hold sealed
// bytes.
func (s *Store) Unwrap() Backend { return s.inner }

// Encrypts implements storage.Encrypter.
func (s *Store) Encrypts(algorithm string) bool {
	return algorithm == storage.SSEAlgorithmAES256
}

// newDataKey makes a random data key and its wrapped form.
func (s *Store) newDataKey(enc *storage.Encryption) (key []byte, rec *storage.Encryption, err error) {
	if !s.Encrypts(enc.Algorithm) {
		return nil, nil, fmt.Errorf("%w: server-side encryption %q", storage.ErrInvalidArgument, enc.Algorithm)
	}
	master, err := s.master.get(true)
	if err != nil {
		return nil, nil, err
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, err
	}
	wrapped, err := wrapKey(master, key)
	if err != nil {
		return nil, nil, err
	}
	return key, &storage.Encryption{Algorithm: enc.Algorithm, WrappedKey: wrapped}, nil
}

// dataKey unwraps a stored object's data key.
func (s *Store) dataKey(enc *storage.Encryption) ([]byte, error) {
	if enc.Algorithm != storage.SSEAlgorithmAES256 {
		return nil, fmt.Errorf("%w: unknown encryption %q", storage.ErrCorrupt, enc.Algorithm)
	}
	master, err := s.master.get(false)
	if err != nil {
		return nil, err
	}
	k, err := unwrapKey(master, enc.WrappedKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", storage.ErrCorrupt, err)
	}
	return k, nil
}

// plainInfo reports a stored object's sizes as S3 does: the plaintext's.
// (Its ETag already is the plaintext's: the Store passes the plaintext
// MD5 as the backend's Digest.)
func plainInfo(info storage.ObjectInfo) storage.ObjectInfo {
	if info.Meta.Encryption == nil {
		return info
	}
	if len(info.PartSizes) == 0 {
		info.Size, _ = PlainSize(info.Size)
		return info
	}
	sizes := make([]int64, len(info.PartSizes))
	info.Size = 0
	for i, n := range info.PartSizes {
		sizes[i], _ = PlainSize(n)
		info.Size += sizes[i]
	}
	info.PartSizes = sizes
	return info
}

// sealBody returns the sealed reader for body and the hash of its
// plaintext.
func sealBody(body io.Reader, dataKey []byte) (io.Reader, hash.Hash, error) {
	h := md5.New()
	sl, err := newSealer(io.TeeReader(body, h), dataKey)
	if err != nil {
		return nil, nil, err
	}
	return sl, h, nil
}

// ListBuckets implements storage.Backend.
func (s *Store) ListBuckets(ctx context.Context) ([]storage.BucketInfo, error) {
	return s.inner.ListBuckets(ctx)
}

// CreateBucket implements storage.Backend.
func (s *Store) CreateBucket(ctx context.Context, name string, opts storage.CreateBucketOptions) error {
	return s.inner.CreateBucket(ctx, name, opts)
}

// HeadBucket implements storage.Backend.
func (s *Store) HeadBucket(ctx context.Context, name string) (storage.BucketInfo, error) {
	return s.inner.HeadBucket(ctx, name)
}

// DeleteBucket implements storage.Backend.
func (s *Store) DeleteBucket(ctx context.Context, name string) error {
	return s.inner.DeleteBucket(ctx, name)
}

// PutBucketTagging implements storage.BucketTagger.
func (s *Store) PutBucketTagging(ctx context.Context, bucket string, tags map[string]string) error {
	return s.inner.PutBucketTagging(ctx, bucket, tags)
}

// GetBucketTagging implements storage.BucketTagger.
func (s *Store) GetBucketTagging(ctx context.Context, bucket string) (map[string]string, error) {
	return s.inner.GetBucketTagging(ctx, bucket)
}

// PutObject implements storage.Backend. With opts.Meta.Encryption set the
// body is sealed as it is read; Content-MD5 and the ETag are the
// plaintext's.
func (s *Store) PutObject(ctx context.Context, bucket, key string, body io.Reader, opts storage.PutOptions) (storage.ObjectInfo, error) {
	req := opts.Meta.Encryption
	if req == nil {
		return s.inner.PutObject(ctx, bucket, key, body, opts)
	}
	dataKey, rec, err := s.newDataKey(req)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	sealed, h, err := sealBody(body, dataKey)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	in := opts
	in.Meta.Encryption = rec
	in.Digest = func() []byte { return h.Sum(nil) }
	info, err := s.inner.PutObject(ctx, bucket, key, sealed, in)
	return plainInfo(info), err
}

// GetObject implements storage.Backend: an encrypted object's Content is
// its plaintext, decrypted package by package as it is read.
func (s *Store) GetObject(ctx context.Context, bucket, key string) (*storage.Object, error) {
	obj, err := s.inner.GetObject(ctx, bucket, key)
	if err != nil || obj.Info.Meta.Encryption == nil {
		return obj, err
	}
	c, err := s.open(obj)
	if err != nil {
		obj.Content.Close()
		return nil, fmt.Errorf("get %s/%s: %w", bucket, key, err)
	}
	return &storage.Object{Info: plainInfo(obj.Info), Content: c}, nil
}

// open builds the plaintext view of an encrypted object: one sealed
// stream for a single PUT, one per part for a multipart object.
func (s *Store) open(obj *storage.Object) (*content, error) {
	dataKey, err := s.dataKey(obj.Info.Meta.Encryption)
	if err != nil {
		return nil, err
	}
	sizes := obj.Info.PartSizes
	if len(sizes) == 0 {
		sizes = []int64{obj.Info.Size}
	}
	streams := make([]*stream, 0, len(sizes))
	var off, plainOff int64
	for _, n := range sizes {
		st, err := openStream(obj.Content, off, n, plainOff, dataKey)
		if err != nil {
			return nil, err
		}
		streams = append(streams, st)
		off += n
		plainOff += st.plain
	}
	return newContent(obj.Content, streams), nil
}

// HeadObject implements storage.Backend.
func (s *Store) HeadObject(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	info, err := s.inner.HeadObject(ctx, bucket, key)
	return plainInfo(info), err
}

// DeleteObject implements storage.Backend.
func (s *Store) DeleteObject(ctx context.Context, bucket, key string) error {
	return s.inner.DeleteObject(ctx, bucket, key)
}

// DeleteObjectIfMatch implements storage.ConditionalDeleter.
func (s *Store) DeleteObjectIfMatch(ctx context.Context, bucket, key, ifMatch string) error {
	return s.inner.DeleteObjectIfMatch(ctx, bucket, key, ifMatch)
}

// ListObjects implements storage.Backend.
func (s *Store) ListObjects(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListResult, error) {
	res, err := s.inner.ListObjects(ctx, bucket, opts)
	for i, o := range res.Objects {
		res.Objects[i] = plainInfo(o)
	}
	return res, err
}

// PutObjectTagging implements storage.Tagger.
func (s *Store) PutObjectTagging(ctx context.Context, bucket, key string, tags map[string]string) (storage.ObjectInfo, error) {
	info, err := s.inner.PutObjectTagging(ctx, bucket, key, tags)
	return plainInfo(info), err
}

// CopyObject implements storage.Copier. meta nil keeps the source's
// metadata and encryption; otherwise meta.Encryption is the encryption
// the copy asks for (nil: none). The backend copies the stored bytes when
// they can stay as they are (no encryption, or SSE-S3 on both sides,
// whose data key the copy keeps); otherwise the object is decrypted and
// sealed again under a new key.
func (s *Store) CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string, meta *storage.ObjectMeta) (storage.ObjectInfo, error) {
	if meta == nil {
		info, err := s.inner.CopyObject(ctx, srcBucket, srcKey, dstBucket, dstKey, nil)
		return plainInfo(info), err
	}
	src, err := s.inner.HeadObject(ctx, srcBucket, srcKey)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	srcEnc, dstEnc := src.Meta.Encryption, meta.Encryption
	switch {
	case srcEnc == nil && dstEnc == nil:
		info, err := s.inner.CopyObject(ctx, srcBucket, srcKey, dstBucket, dstKey, meta)
		return plainInfo(info), err
	case srcEnc != nil && dstEnc != nil && srcEnc.Algorithm == storage.SSEAlgorithmAES256 && dstEnc.Algorithm == storage.SSEAlgorithmAES256:
		m := *meta
		m.Encryption = srcEnc
		info, err := s.inner.CopyObject(ctx, srcBucket, srcKey, dstBucket, dstKey, &m)
		return plainInfo(info), err
	}
	obj, err := s.GetObject(ctx, srcBucket, srcKey)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	defer obj.Content.Close()
	return s.PutObject(ctx, dstBucket, dstKey, obj.Content, storage.PutOptions{Meta: *meta})
}

// CreateMultipartUpload implements storage.Multipart. With
// meta.Encryption set, the upload gets its data key now; every part is
// sealed under it (each with its own salt).
func (s *Store) CreateMultipartUpload(ctx context.Context, bucket, key string, meta storage.ObjectMeta) (storage.UploadInfo, error) {
	if meta.Encryption != nil {
		_, rec, err := s.newDataKey(meta.Encryption)
		if err != nil {
			return storage.UploadInfo{}, err
		}
		meta.Encryption = rec
	}
	return s.inner.CreateMultipartUpload(ctx, bucket, key, meta)
}

// uploadEncryption returns the encryption record of an unfinished upload.
func (s *Store) uploadEncryption(ctx context.Context, bucket, key, uploadID string) (*storage.Encryption, error) {
	res, err := s.inner.ListParts(ctx, bucket, key, uploadID, storage.ListPartsOptions{MaxParts: 1})
	if err != nil {
		return nil, err
	}
	return res.Upload.Meta.Encryption, nil
}

// UploadPart implements storage.Multipart.
func (s *Store) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, body io.Reader, opts storage.PartOptions) (storage.PartInfo, error) {
	enc, err := s.uploadEncryption(ctx, bucket, key, uploadID)
	if err != nil {
		return storage.PartInfo{}, err
	}
	if enc == nil {
		return s.inner.UploadPart(ctx, bucket, key, uploadID, partNumber, body, opts)
	}
	dataKey, err := s.dataKey(enc)
	if err != nil {
		return storage.PartInfo{}, err
	}
	sealed, h, err := sealBody(body, dataKey)
	if err != nil {
		return storage.PartInfo{}, err
	}
	in := opts
	in.Digest = func() []byte { return h.Sum(nil) }
	p, err := s.inner.UploadPart(ctx, bucket, key, uploadID, partNumber, sealed, in)
	p.Size, _ = PlainSize(p.Size)
	return p, err
}

// ListParts implements storage.Multipart.
func (s *Store) ListParts(ctx context.Context, bucket, key, uploadID string, opts storage.ListPartsOptions) (storage.ListPartsResult, error) {
	res, err := s.inner.ListParts(ctx, bucket, key, uploadID, opts)
	if err == nil && res.Upload.Meta.Encryption != nil {
		for i := range res.Parts {
			res.Parts[i].Size, _ = PlainSize(res.Parts[i].Size)
		}
	}
	return res, err
}

// CompleteMultipartUpload implements storage.Multipart. The size rule
// (every part but the last at least storage.MinPartSize) is checked on
// the plaintext sizes.
func (s *Store) CompleteMultipartUpload(ctx context.Context, bucket, key, uploadID string, parts []storage.CompletePart, opts storage.CompleteOptions) (storage.ObjectInfo, error) {
	in := opts
	in.BeforeCommit = func(meta *storage.ObjectMeta, ps []storage.PartInfo) error {
		if meta.Encryption != nil {
			for i := range ps {
				ps[i].Size, _ = PlainSize(ps[i].Size)
				if i < len(ps)-1 && ps[i].Size < storage.MinPartSize {
					return fmt.Errorf("part %d: %w", ps[i].PartNumber, storage.ErrEntityTooSmall)
				}
			}
		}
		if opts.BeforeCommit != nil {
			return opts.BeforeCommit(meta, ps)
		}
		return nil
	}
	info, err := s.inner.CompleteMultipartUpload(ctx, bucket, key, uploadID, parts, in)
	return plainInfo(info), err
}

// AbortMultipartUpload implements storage.Multipart.
func (s *Store) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	return s.inner.AbortMultipartUpload(ctx, bucket, key, uploadID)
}

// ListMultipartUploads implements storage.Multipart.
func (s *Store) ListMultipartUploads(ctx context.Context, bucket string, opts storage.ListUploadsOptions) (storage.ListUploadsResult, error) {
	return s.inner.ListMultipartUploads(ctx, bucket, opts)
}
