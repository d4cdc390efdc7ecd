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
// Every object (every multipart upload) has a random 256-bit data key,
// stored wrapped (AES-256-GCM) by a key that depends on the kind of
// encryption:
//   - SSE-S3 (AES256): a master key created on first use in the data
//     directory (MasterKeyFile, mode 0600) or, with no directory, kept in
//     memory for the life of the Store;
//   - SSE-C: a key derived from the customer's key, which is never
//     stored; a wrong key fails to unwrap (storage.ErrEncryptionKeyMismatch);
//   - SSE-KMS (aws:kms): a key of the local KMS (KMS, KMSKeysFile), named
//     by the request or the default aws/s3 key, bound to the request's
//     encryption context.
package sse

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"path/filepath"
	"sync"

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
	storage.BucketEncryptionStore
	storage.BucketConfigStore
	storage.Versioner
	storage.UsageReporter
}

// Options configures a Store.
type Options struct {
	// Dir is the data directory that holds the master key file and the
	// local KMS's keys; "" keeps them in memory (objects then cannot be
	// read by another Store).
	Dir string
	// Region goes into the ARNs of KMS keys the Store creates (the
	// default aws/s3 key); "" is us-east-1.
	Region string
}

// Store is a storage backend that encrypts at rest. It implements the
// same interfaces as the Backend it wraps, plus storage.Encrypter.
type Store struct {
	inner  Backend
	master *masterKeys
	opts   Options

	kmsOnce sync.Once
	kmsKeys *KMS
	kmsErr  error
}

// New wraps inner.
func New(inner Backend, opts Options) *Store {
	m := &masterKeys{}
	if opts.Dir != "" {
		m.path = filepath.Join(opts.Dir, MasterKeyFile)
	}
	return &Store{inner: inner, master: m, opts: opts}
}

// kms opens the local KMS on first use.
func (s *Store) kms() (*KMS, error) {
	s.kmsOnce.Do(func() { s.kmsKeys, s.kmsErr = OpenKMS(s.opts.Dir, s.opts.Region) })
	return s.kmsKeys, s.kmsErr
}

// Unwrap returns the backend the Store wraps, whose objects hold sealed
// bytes.
func (s *Store) Unwrap() Backend { return s.inner }

// Encrypts implements storage.Encrypter.
func (s *Store) Encrypts(algorithm string) bool {
	return algorithm == storage.SSEAlgorithmAES256 || algorithm == storage.SSEAlgorithmKMS
}

// newDataKey makes a random data key and the record that keeps it,
// wrapped by the key the request names.
func (s *Store) newDataKey(req *storage.Encryption) (key []byte, rec *storage.Encryption, err error) {
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, err
	}
	switch {
	case req.CustomerAlgorithm != "":
		if req.Algorithm != "" || req.CustomerAlgorithm != storage.SSEAlgorithmAES256 || len(req.CustomerKey) != 32 {
			return nil, nil, fmt.Errorf("%w: SSE-C takes AES256 and a 256-bit key, alone", storage.ErrInvalidArgument)
		}
		wrapped, err := wrapKey(customerKEK(req.CustomerKey), key, aadSSEC)
		if err != nil {
			return nil, nil, err
		}
		return key, &storage.Encryption{CustomerAlgorithm: storage.SSEAlgorithmAES256, WrappedKey: wrapped}, nil
	case req.Algorithm == storage.SSEAlgorithmAES256:
		master, err := s.master.get(true)
		if err != nil {
			return nil, nil, err
		}
		wrapped, err := wrapKey(master, key, aadSSES3)
		if err != nil {
			return nil, nil, err
		}
		return key, &storage.Encryption{Algorithm: req.Algorithm, WrappedKey: wrapped}, nil
	case req.Algorithm == storage.SSEAlgorithmKMS:
		kms, err := s.kms()
		if err != nil {
			return nil, nil, err
		}
		kk, err := kms.resolve(req.KMSKeyID, true)
		if err != nil {
			return nil, nil, err
		}
		wrapped, err := wrapKey(kk.Material, key, kmsAAD(req.Context))
		if err != nil {
			return nil, nil, err
		}
		return key, &storage.Encryption{Algorithm: req.Algorithm, KMSKeyID: kk.ARN, Context: req.Context,
			BucketKey: req.BucketKey, WrappedKey: wrapped}, nil
	}
	return nil, nil, fmt.Errorf("%w: server-side encryption %q", storage.ErrInvalidArgument, req.Algorithm)
}

// dataKey unwraps a stored object's data key; customerKey is the SSE-C
// key the request gave (nil for none).
func (s *Store) dataKey(enc *storage.Encryption, customerKey []byte) ([]byte, error) {
	if enc.CustomerAlgorithm != "" {
		if customerKey == nil {
			return nil, storage.ErrEncryptionKeyRequired
		}
		k, err := unwrapKey(customerKEK(customerKey), enc.WrappedKey, aadSSEC)
		if err != nil {
			return nil, storage.ErrEncryptionKeyMismatch
		}
		return k, nil
	}
	if customerKey != nil {
		return nil, storage.ErrEncryptionNotApplicable
	}
	if enc.Algorithm == storage.SSEAlgorithmKMS {
		kms, err := s.kms()
		if err != nil {
			return nil, err
		}
		kk, err := kms.resolve(enc.KMSKeyID, false)
		if err != nil {
			return nil, err
		}
		k, err := unwrapKey(kk.Material, enc.WrappedKey, kmsAAD(enc.Context))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", storage.ErrCorrupt, err)
		}
		return k, nil
	}
	if enc.Algorithm != storage.SSEAlgorithmAES256 {
		return nil, fmt.Errorf("%w: unknown encryption %q", storage.ErrCorrupt, enc.Algorithm)
	}
	master, err := s.master.get(false)
	if err != nil {
		return nil, err
	}
	k, err := unwrapKey(master, enc.WrappedKey, aadSSES3)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", storage.ErrCorrupt, err)
	}
	return k, nil
}

// digest is what the ETag of a sealed object or part is made of. SSE-S3
// objects have S3's ETag, the plaintext's MD5. For SSE-C and SSE-KMS S3's
// ETag is not the MD5 (an MD5 would tell anyone who can list the bucket
// whether an object holds a guessed plaintext), so it is a MAC of it
// under the data key: the same bytes uploaded again under the same key
// (a part sent twice) still get the same ETag.
func digest(rec *storage.Encryption, dataKey []byte, h hash.Hash) func() []byte {
	if rec.Algorithm == storage.SSEAlgorithmAES256 {
		return func() []byte { return h.Sum(nil) }
	}
	return func() []byte {
		mac := hmac.New(sha256.New, dataKey)
		mac.Write([]byte("etag"))
		mac.Write(h.Sum(nil))
		return mac.Sum(nil)[:md5.Size]
	}
}

// checkMD5 wraps a BeforeCommit so Content-MD5 is checked against the
// plaintext when the digest the backend checks is not its MD5.
func checkMD5(want []byte, h hash.Hash) error {
	if want != nil && !bytes.Equal(h.Sum(nil), want) {
		return fmt.Errorf("content-md5 of the plaintext: %w", storage.ErrBadDigest)
	}
	return nil
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

// PutBucketEncryption implements storage.BucketEncryptionStore: it
// refuses an algorithm the Store cannot apply.
func (s *Store) PutBucketEncryption(ctx context.Context, bucket string, enc *storage.BucketEncryption) error {
	if enc != nil && !s.Encrypts(enc.Algorithm) {
		return fmt.Errorf("%w: default encryption %q", storage.ErrInvalidArgument, enc.Algorithm)
	}
	return s.inner.PutBucketEncryption(ctx, bucket, enc)
}

// GetBucketEncryption implements storage.BucketEncryptionStore.
func (s *Store) GetBucketEncryption(ctx context.Context, bucket string) (*storage.BucketEncryption, error) {
	return s.inner.GetBucketEncryption(ctx, bucket)
}

// withDefault returns the encryption a write to bucket gets: its own,
// or else the bucket's default (nil for none).
func (s *Store) withDefault(ctx context.Context, bucket string, req *storage.Encryption) (*storage.Encryption, error) {
	if req != nil {
		return req, nil
	}
	def, err := s.inner.GetBucketEncryption(ctx, bucket)
	if err != nil || def == nil {
		return nil, err
	}
	return &storage.Encryption{Algorithm: def.Algorithm, KMSKeyID: def.KMSKeyID, BucketKey: def.BucketKey}, nil
}

// PutObject implements storage.Backend. With opts.Meta.Encryption set, or
// else a default encryption on the bucket, the body is sealed as it is
// read; Content-MD5 and the ETag are the plaintext's.
func (s *Store) PutObject(ctx context.Context, bucket, key string, body io.Reader, opts storage.PutOptions) (storage.ObjectInfo, error) {
	req, err := s.withDefault(ctx, bucket, opts.Meta.Encryption)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
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
	in.Digest = digest(rec, dataKey, h)
	if rec.Algorithm != storage.SSEAlgorithmAES256 {
		in.ContentMD5 = nil
		in.BeforeCommit = func(m *storage.ObjectMeta) error {
			if err := checkMD5(opts.ContentMD5, h); err != nil {
				return err
			}
			if opts.BeforeCommit != nil {
				return opts.BeforeCommit(m)
			}
			return nil
		}
	}
	info, err := s.inner.PutObject(ctx, bucket, key, sealed, in)
	return plainInfo(info), err
}

// GetObject implements storage.Backend: an encrypted object's Content is
// its plaintext, decrypted package by package as it is read. An object
// stored under a customer-provided key needs GetObjectWith.
func (s *Store) GetObject(ctx context.Context, bucket, key string) (*storage.Object, error) {
	return s.GetObjectWith(ctx, bucket, key, storage.ReadOptions{})
}

// GetObjectWith implements storage.KeyedReader; opts.VersionID reads one
// version, as GetObjectVersion.
func (s *Store) GetObjectWith(ctx context.Context, bucket, key string, opts storage.ReadOptions) (*storage.Object, error) {
	var obj *storage.Object
	var err error
	if opts.VersionID != "" {
		obj, err = s.inner.GetObjectVersion(ctx, bucket, key, opts.VersionID)
	} else {
		obj, err = s.inner.GetObject(ctx, bucket, key)
	}
	if err != nil {
		return nil, err
	}
	if obj.Info.Meta.Encryption == nil {
		if opts.CustomerKey != nil {
			obj.Content.Close()
			return nil, fmt.Errorf("get %s/%s: %w", bucket, key, storage.ErrEncryptionNotApplicable)
		}
		return obj, nil
	}
	c, err := s.open(obj, opts.CustomerKey)
	if err != nil {
		obj.Content.Close()
		return nil, fmt.Errorf("get %s/%s: %w", bucket, key, err)
	}
	return &storage.Object{Info: plainInfo(obj.Info), Content: c}, nil
}

// open builds the plaintext view of an encrypted object: one sealed
// stream for a single PUT, one per part for a multipart object.
func (s *Store) open(obj *storage.Object, customerKey []byte) (*content, error) {
	dataKey, err := s.dataKey(obj.Info.Meta.Encryption, customerKey)
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

// HeadObject implements storage.Backend. It answers for objects under a
// customer-provided key too, without checking a key: callers that need
// the metadata only (tagging, ACLs) do not need it.
func (s *Store) HeadObject(ctx context.Context, bucket, key string) (storage.ObjectInfo, error) {
	info, err := s.inner.HeadObject(ctx, bucket, key)
	return plainInfo(info), err
}

// HeadObjectWith implements storage.KeyedReader: it checks the key as
// GetObjectWith does.
func (s *Store) HeadObjectWith(ctx context.Context, bucket, key string, opts storage.ReadOptions) (storage.ObjectInfo, error) {
	info, err := s.headInner(ctx, bucket, key, opts.VersionID)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	enc := info.Meta.Encryption
	switch {
	case enc == nil && opts.CustomerKey != nil:
		return storage.ObjectInfo{}, fmt.Errorf("head %s/%s: %w", bucket, key, storage.ErrEncryptionNotApplicable)
	case enc != nil && (enc.CustomerAlgorithm != "" || opts.CustomerKey != nil):
		if _, err := s.dataKey(enc, opts.CustomerKey); err != nil {
			return storage.ObjectInfo{}, fmt.Errorf("head %s/%s: %w", bucket, key, err)
		}
	}
	return plainInfo(info), nil
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
	return s.copyObject(ctx, srcBucket, srcKey, "", dstBucket, dstKey, meta)
}

// CopyObjectVersion implements storage.Versioner: it encrypts the copy as
// CopyObject does.
func (s *Store) CopyObjectVersion(ctx context.Context, srcBucket, srcKey, srcVersionID, dstBucket, dstKey string, meta *storage.ObjectMeta) (storage.ObjectInfo, error) {
	return s.copyObject(ctx, srcBucket, srcKey, srcVersionID, dstBucket, dstKey, meta)
}

// headInner describes version id of key in the wrapped backend ("" for
// the latest), with the sizes it stores.
func (s *Store) headInner(ctx context.Context, bucket, key, id string) (storage.ObjectInfo, error) {
	if id != "" {
		return s.inner.HeadObjectVersion(ctx, bucket, key, id)
	}
	return s.inner.HeadObject(ctx, bucket, key)
}

// copyObject is CopyObject from version srcVersion of the source ("" for
// the latest).
func (s *Store) copyObject(ctx context.Context, srcBucket, srcKey, srcVersion, dstBucket, dstKey string, meta *storage.ObjectMeta) (storage.ObjectInfo, error) {
	// innerCopy copies the stored bytes as they are.
	innerCopy := func(meta *storage.ObjectMeta) (storage.ObjectInfo, error) {
		var info storage.ObjectInfo
		var err error
		if srcVersion != "" {
			info, err = s.inner.CopyObjectVersion(ctx, srcBucket, srcKey, srcVersion, dstBucket, dstKey, meta)
		} else {
			info, err = s.inner.CopyObject(ctx, srcBucket, srcKey, dstBucket, dstKey, meta)
		}
		return plainInfo(info), err
	}
	src, err := s.headInner(ctx, srcBucket, srcKey, srcVersion)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	srcEnc := src.Meta.Encryption
	if srcEnc != nil && srcEnc.CustomerAlgorithm != "" {
		// The copy must decrypt with the customer's key, which only
		// GetObjectWith takes.
		return storage.ObjectInfo{}, fmt.Errorf("copy %s/%s: %w", srcBucket, srcKey, storage.ErrEncryptionKeyRequired)
	}
	if meta == nil && srcEnc != nil {
		return innerCopy(nil)
	}
	dstEnc := (*storage.Encryption)(nil)
	if meta != nil {
		dstEnc = meta.Encryption
	}
	if dstEnc, err = s.withDefault(ctx, dstBucket, dstEnc); err != nil {
		return storage.ObjectInfo{}, err
	}
	if meta == nil && dstEnc == nil {
		return innerCopy(nil)
	}
	if meta == nil {
		m := src.Meta
		meta = &m
	}
	m := *meta
	m.Encryption = dstEnc
	meta = &m
	switch {
	case srcEnc == nil && dstEnc == nil:
		return innerCopy(meta)
	case srcEnc != nil && dstEnc != nil && srcEnc.Algorithm == storage.SSEAlgorithmAES256 && dstEnc.Algorithm == storage.SSEAlgorithmAES256:
		m := *meta
		m.Encryption = srcEnc
		return innerCopy(&m)
	}
	obj, err := s.GetObjectWith(ctx, srcBucket, srcKey, storage.ReadOptions{VersionID: srcVersion})
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
	var err error
	if meta.Encryption, err = s.withDefault(ctx, bucket, meta.Encryption); err != nil {
		return storage.UploadInfo{}, err
	}
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
	in := opts
	in.CustomerKey = nil
	if enc == nil {
		if opts.CustomerKey != nil {
			return storage.PartInfo{}, fmt.Errorf("upload part %d: %w", partNumber, storage.ErrEncryptionNotApplicable)
		}
		return s.inner.UploadPart(ctx, bucket, key, uploadID, partNumber, body, in)
	}
	dataKey, err := s.dataKey(enc, opts.CustomerKey)
	if err != nil {
		return storage.PartInfo{}, fmt.Errorf("upload part %d: %w", partNumber, err)
	}
	sealed, h, err := sealBody(body, dataKey)
	if err != nil {
		return storage.PartInfo{}, err
	}
	in.Digest = digest(enc, dataKey, h)
	if enc.Algorithm != storage.SSEAlgorithmAES256 {
		in.ContentMD5 = nil
		in.BeforeCommit = func(sums map[string]string) error {
			if err := checkMD5(opts.ContentMD5, h); err != nil {
				return err
			}
			if opts.BeforeCommit != nil {
				return opts.BeforeCommit(sums)
			}
			return nil
		}
	}
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
	in.CustomerKey = nil
	up, err := s.inner.ListParts(ctx, bucket, key, uploadID, storage.ListPartsOptions{MaxParts: 1})
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	enc := up.Upload.Meta.Encryption
	switch {
	case enc != nil && enc.CustomerAlgorithm != "" && (opts.CustomerKey != nil || len(up.Upload.Meta.Checksums) > 0):
		if _, err := s.dataKey(enc, opts.CustomerKey); err != nil {
			return storage.ObjectInfo{}, fmt.Errorf("complete %s/%s: %w", bucket, key, err)
		}
	case opts.CustomerKey != nil && (enc == nil || enc.CustomerAlgorithm == ""):
		return storage.ObjectInfo{}, fmt.Errorf("complete %s/%s: %w", bucket, key, storage.ErrEncryptionNotApplicable)
	}
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

// PutBucketConfig implements storage.BucketConfigStore.
func (s *Store) PutBucketConfig(ctx context.Context, bucket, name string, doc []byte) error {
	return s.inner.PutBucketConfig(ctx, bucket, name, doc)
}

// GetBucketConfig implements storage.BucketConfigStore.
func (s *Store) GetBucketConfig(ctx context.Context, bucket, name string) ([]byte, error) {
	return s.inner.GetBucketConfig(ctx, bucket, name)
}

// PutBucketVersioning implements storage.Versioner.
func (s *Store) PutBucketVersioning(ctx context.Context, bucket string, state storage.VersioningState) error {
	return s.inner.PutBucketVersioning(ctx, bucket, state)
}

// GetBucketVersioning implements storage.Versioner.
func (s *Store) GetBucketVersioning(ctx context.Context, bucket string) (storage.VersioningState, error) {
	return s.inner.GetBucketVersioning(ctx, bucket)
}

// GetObjectVersion implements storage.Versioner: a version's Content is
// its plaintext, as GetObject's. A version stored under a
// customer-provided key needs GetObjectWith with ReadOptions.VersionID.
func (s *Store) GetObjectVersion(ctx context.Context, bucket, key, versionID string) (*storage.Object, error) {
	return s.GetObjectWith(ctx, bucket, key, storage.ReadOptions{VersionID: versionID})
}

// HeadObjectVersion implements storage.Versioner. Like HeadObject it
// reports plaintext sizes and checks no customer key.
func (s *Store) HeadObjectVersion(ctx context.Context, bucket, key, versionID string) (storage.ObjectInfo, error) {
	info, err := s.inner.HeadObjectVersion(ctx, bucket, key, versionID)
	return plainInfo(info), err
}

// DeleteObjectVersion implements storage.Versioner.
func (s *Store) DeleteObjectVersion(ctx context.Context, bucket, key, versionID string) (storage.DeleteResult, error) {
	return s.inner.DeleteObjectVersion(ctx, bucket, key, versionID)
}

// ListObjectVersions implements storage.Versioner, with plaintext sizes.
func (s *Store) ListObjectVersions(ctx context.Context, bucket string, opts storage.ListVersionsOptions) (storage.ListVersionsResult, error) {
	res, err := s.inner.ListObjectVersions(ctx, bucket, opts)
	for i, v := range res.Versions {
		res.Versions[i].ObjectInfo = plainInfo(v.ObjectInfo)
	}
	return res, err
}

// PutObjectTaggingVersion implements storage.Versioner.
func (s *Store) PutObjectTaggingVersion(ctx context.Context, bucket, key, versionID string, tags map[string]string) (storage.ObjectInfo, error) {
	info, err := s.inner.PutObjectTaggingVersion(ctx, bucket, key, versionID, tags)
	return plainInfo(info), err
}

// Usage implements storage.UsageReporter: the wrapped backend's totals.
// An encrypted object counts with its sealed size, a little above its
// plaintext (the packages' tags), since that is what the backend holds.
func (s *Store) Usage(ctx context.Context) (storage.Usage, error) { return s.inner.Usage(ctx) }
