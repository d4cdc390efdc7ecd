// Package upload holds the rules every backend applies while receiving an
// object: reading a body under a context while hashing it, checking
// Content-MD5, validating a CompleteMultipartUpload part list and computing
// the composite ETag. Keeping them in one place keeps mem and disk
// byte-for-byte identical in what they accept.
package upload

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/s3kit/s3kit/storage"
)

// Reader reads a body, stopping with the context's error once it is done,
// and hashes everything it returns with MD5 (unless the caller supplies
// the digest: storage.PutOptions.Digest).
type Reader struct {
	ctx    context.Context
	r      io.Reader
	h      hash.Hash
	digest func() []byte
	n      int64
}

// NewReader wraps r. A non-nil digest replaces the MD5 of the bytes read
// (see storage.PutOptions.Digest); they are then not hashed.
func NewReader(ctx context.Context, r io.Reader, digest func() []byte) *Reader {
	if digest != nil {
		return &Reader{ctx: ctx, r: r, digest: digest}
	}
	return &Reader{ctx: ctx, r: r, h: md5.New()}
}

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := r.r.Read(p)
	if n > 0 {
		if r.h != nil {
			r.h.Write(p[:n])
		}
		r.n += int64(n)
	}
	if err == io.ErrUnexpectedEOF {
		// Backends fill their buffers with io.ReadFull, which reports a
		// short final read as this same value. A body that itself ended
		// early (net/http's answer to a truncated Content-Length) must
		// stay a failure, so it is wrapped: errors.Is still finds it,
		// but it no longer compares equal to a short last chunk.
		err = fmt.Errorf("body ended early: %w", err)
	}
	return n, err
}

// Size is the number of bytes read so far.
func (r *Reader) Size() int64 { return r.n }

// Sum is the raw MD5 of the bytes read so far, or the caller's digest.
func (r *Reader) Sum() []byte {
	if r.digest != nil {
		return r.digest()
	}
	return r.h.Sum(nil)
}

// Finish checks the digest of a fully read body against want (when set)
// and returns the quoted hex ETag.
func (r *Reader) Finish(want []byte) (string, error) {
	if err := r.ctx.Err(); err != nil {
		return "", err
	}
	sum := r.Sum()
	if want != nil && !bytes.Equal(sum, want) {
		return "", fmt.Errorf("body md5 %x, content-md5 %x: %w", sum, want, storage.ErrBadDigest)
	}
	return `"` + hex.EncodeToString(sum) + `"`, nil
}

// Unquote strips the double quotes around an ETag, if any.
func Unquote(etag string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(etag), `"`), `"`)
}

// CheckKey rejects the empty key, which S3 cannot address (and bbolt
// cannot store).
func CheckKey(key string) error {
	if key == "" {
		return fmt.Errorf("empty object key: %w", storage.ErrInvalidArgument)
	}
	return nil
}

// CheckPartNumber rejects part numbers outside 1..MaxPartNumber.
func CheckPartNumber(n int) error {
	if n < 1 || n > storage.MaxPartNumber {
		return fmt.Errorf("part number %d outside 1..%d: %w", n, storage.MaxPartNumber, storage.ErrInvalidArgument)
	}
	return nil
}

// Stored describes an uploaded part as a backend keeps it.
type Stored struct {
	ETag string // quoted hex MD5
	Size int64
}

// Complete validates a CompleteMultipartUpload part list against the
// stored parts (looked up by number) and returns the composite ETag. It
// applies S3's rules in S3's order: ascending part numbers
// (ErrInvalidPartOrder), every listed part uploaded with that ETag
// (ErrInvalidPart), every part but the last at least MinPartSize
// (ErrEntityTooSmall).
func Complete(parts []storage.CompletePart, lookup func(n int) (Stored, bool)) (string, error) {
	if len(parts) == 0 {
		return "", fmt.Errorf("no parts listed: %w", storage.ErrInvalidArgument)
	}
	for i := 1; i < len(parts); i++ {
		if parts[i].PartNumber <= parts[i-1].PartNumber {
			return "", fmt.Errorf("part %d listed after part %d: %w", parts[i].PartNumber, parts[i-1].PartNumber, storage.ErrInvalidPartOrder)
		}
	}
	h := md5.New()
	for i, p := range parts {
		s, ok := lookup(p.PartNumber)
		if !ok {
			return "", fmt.Errorf("part %d not uploaded: %w", p.PartNumber, storage.ErrInvalidPart)
		}
		if Unquote(p.ETag) != Unquote(s.ETag) {
			return "", fmt.Errorf("part %d etag %s, uploaded %s: %w", p.PartNumber, p.ETag, s.ETag, storage.ErrInvalidPart)
		}
		if i < len(parts)-1 && s.Size < storage.MinPartSize {
			return "", fmt.Errorf("part %d is %d bytes, minimum %d: %w", p.PartNumber, s.Size, storage.MinPartSize, storage.ErrEntityTooSmall)
		}
		raw, err := hex.DecodeString(Unquote(s.ETag))
		if err != nil {
			return "", fmt.Errorf("part %d stored etag %s: %w", p.PartNumber, s.ETag, storage.ErrInvalidPart)
		}
		h.Write(raw)
	}
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(h.Sum(nil)), len(parts)), nil
}

// CheckPreconditions applies PutOptions.IfNoneMatch and IfMatch to the
// current object (exists false when there is none). It must be called
// under the same lock or transaction as the commit.
func CheckPreconditions(opts storage.PutOptions, exists bool, currentETag string) error {
	if opts.IfNoneMatch != "" && exists {
		if opts.IfNoneMatch == "*" || Unquote(opts.IfNoneMatch) == Unquote(currentETag) {
			return fmt.Errorf("if-none-match %s: object exists: %w", opts.IfNoneMatch, storage.ErrPreconditionFailed)
		}
	}
	if opts.IfMatch != "" {
		if !exists {
			return fmt.Errorf("if-match %s: %w", opts.IfMatch, storage.ErrNoSuchKey)
		}
		if opts.IfMatch != "*" && Unquote(opts.IfMatch) != Unquote(currentETag) {
			return fmt.Errorf("if-match %s: current etag %s: %w", opts.IfMatch, currentETag, storage.ErrPreconditionFailed)
		}
	}
	return nil
}

// CloneMeta returns a deep copy of m, so callers' maps are never shared
// with stored objects.
func CloneMeta(m storage.ObjectMeta) storage.ObjectMeta {
	m.UserMeta = cloneMap(m.UserMeta)
	m.Checksums = cloneMap(m.Checksums)
	m.Tags = CloneTags(m.Tags)
	if m.Encryption != nil {
		e := *m.Encryption
		e.WrappedKey = append([]byte(nil), e.WrappedKey...)
		e.CustomerKey = nil // a request's key is never kept
		m.Encryption = &e
	}
	return m
}

// CloneTags copies a tag set; an empty one becomes nil, so "no tags" has
// one form.
func CloneTags(tags map[string]string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	return cloneMap(tags)
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// FinishMeta is the metadata and part checksums a completed multipart
// object is stored with: a copy of the upload's meta as opts.BeforeCommit
// leaves it and, when it names exactly one checksum algorithm with a
// value, every listed part's checksum in that algorithm (nil when a part
// has none). parts are the listed parts in list order.
func FinishMeta(up storage.ObjectMeta, parts []storage.PartInfo, opts storage.CompleteOptions) (storage.ObjectMeta, []string, error) {
	meta := CloneMeta(up)
	if opts.BeforeCommit != nil {
		ps := make([]storage.PartInfo, len(parts))
		for i, p := range parts {
			p.Checksums = cloneMap(p.Checksums)
			ps[i] = p
		}
		if err := opts.BeforeCommit(&meta, ps); err != nil {
			return meta, nil, err
		}
	}
	// An algorithm recorded at creation whose value never came (parts
	// without checksums) is no checksum.
	for alg, v := range meta.Checksums {
		if v == "" {
			delete(meta.Checksums, alg)
		}
	}
	if len(meta.Checksums) == 0 {
		meta.Checksums, meta.ChecksumType = nil, ""
	}
	if len(meta.Checksums) != 1 {
		return meta, nil, nil
	}
	var alg string
	for a := range meta.Checksums {
		alg = a
	}
	sums := make([]string, len(parts))
	for i, p := range parts {
		if sums[i] = p.Checksums[alg]; sums[i] == "" {
			return meta, nil, nil
		}
	}
	return meta, sums, nil
}
