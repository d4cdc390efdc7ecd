package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/s3kit/s3kit/s3"
)

// UploadResult describes a finished upload.
type UploadResult struct {
	Bucket, Key string
	Size        int64
	ETag        string
	// Parts is the number of parts (0 for a single PUT).
	Parts int
}

// UploadFile uploads the local file at path to bucket/key, in parallel parts
// when it is at least MultipartThreshold bytes.
func (m *Manager) UploadFile(ctx context.Context, path, bucket, key string) (UploadResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return UploadResult{}, &Error{Op: "upload", Bucket: bucket, Key: key, Path: path, Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return UploadResult{}, &Error{Op: "upload", Bucket: bucket, Key: key, Path: path, Err: err}
	}
	res, err := m.UploadReaderAt(ctx, f, fi.Size(), bucket, key)
	if err == nil {
		// A file that grew or shrank meanwhile was uploaded torn.
		if fi2, serr := f.Stat(); serr == nil && (fi2.Size() != fi.Size() || !fi2.ModTime().Equal(fi.ModTime())) {
			err = &Error{Op: "upload", Bucket: bucket, Key: key, Err: ErrSizeChanged}
		}
	}
	var te *Error
	if errors.As(err, &te) && te.Path == "" {
		te.Path = path
	}
	return res, err
}

// UploadReaderAt uploads size bytes of r to bucket/key. Parts are read in
// place with io.SectionReader, so no part buffers are held: a 10 GiB file
// costs no more memory than a small one.
func (m *Manager) UploadReaderAt(ctx context.Context, r io.ReaderAt, size int64, bucket, key string) (UploadResult, error) {
	ev := Event{Op: "upload", Bucket: bucket, Key: key}
	m.emitStart(ev, size)
	res, err := m.uploadReaderAt(ctx, r, size, bucket, key)
	m.emitEnd(ev, err)
	if err != nil {
		return res, wrapErr("upload", bucket, key, err)
	}
	return res, nil
}

func (m *Manager) uploadReaderAt(ctx context.Context, r io.ReaderAt, size int64, bucket, key string) (UploadResult, error) {
	pr := &progressReporter{m: m, ev: Event{Op: "upload", Bucket: bucket, Key: key}}
	if size < m.opts.MultipartThreshold {
		body := io.NewSectionReader(r, 0, size)
		var sum *[16]byte
		if !m.clientSums {
			s, err := md5Of(body)
			if err != nil {
				return UploadResult{}, err
			}
			sum = &s
		}
		res, err := m.putSingle(ctx, bucket, key, body, size, sum)
		if err == nil {
			pr.add(size)
		}
		return res, err
	}
	ps, err := m.filePartSize(size)
	if err != nil {
		return UploadResult{}, err
	}
	n := int((size + ps - 1) / ps)
	up, err := m.startMultipart(ctx, bucket, key)
	if err != nil {
		return UploadResult{}, err
	}
	g, gctx := errgroup.WithContext(ctx)
	for i := range n {
		off := int64(i) * ps
		body := io.NewSectionReader(r, off, min(ps, size-off))
		// Acquire before spawning so at most Concurrency goroutines exist.
		if err := m.slots.Acquire(gctx, 1); err != nil {
			break
		}
		g.Go(func() error {
			defer m.slots.Release(1)
			var sum *[16]byte
			if !m.clientSums {
				s, err := md5Of(body)
				if err != nil {
					return err
				}
				sum = &s
			}
			if err := up.upload(gctx, i+1, body, body.Size(), sum); err != nil {
				return err
			}
			pr.add(body.Size())
			return nil
		})
	}
	return up.finish(ctx, g.Wait(), size)
}

// Upload uploads a stream of unknown length to bucket/key. Parts are
// buffered (within the memory budget) and grow as the stream goes on so any
// object up to 5 TiB fits in 10,000 parts; a stream shorter than one part
// is sent with a single PUT.
func (m *Manager) Upload(ctx context.Context, r io.Reader, bucket, key string) (UploadResult, error) {
	ev := Event{Op: "upload", Bucket: bucket, Key: key}
	m.emitStart(ev, -1)
	res, err := m.upload(ctx, r, bucket, key)
	m.emitEnd(ev, err)
	if err != nil {
		return res, wrapErr("upload", bucket, key, err)
	}
	return res, nil
}

func (m *Manager) upload(ctx context.Context, r io.Reader, bucket, key string) (UploadResult, error) {
	pr := &progressReporter{m: m, ev: Event{Op: "upload", Bucket: bucket, Key: key}}
	buf, err := m.getBuf(ctx, m.streamPartSize(1))
	if err != nil {
		return UploadResult{}, err
	}
	nr, err := io.ReadFull(r, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		defer m.putBuf(buf)
		body := bytes.NewReader(buf[:nr])
		var sum *[16]byte
		if !m.clientSums {
			s := md5.Sum(buf[:nr])
			sum = &s
		}
		res, err := m.putSingle(ctx, bucket, key, body, int64(nr), sum)
		if err == nil {
			pr.add(int64(nr))
		}
		return res, err
	}
	if err != nil {
		m.putBuf(buf)
		return UploadResult{}, err
	}
	up, err := m.startMultipart(ctx, bucket, key)
	if err != nil {
		m.putBuf(buf)
		return UploadResult{}, err
	}
	g, gctx := errgroup.WithContext(ctx)
	var total int64
	for part := 1; ; part++ {
		if part > 1 {
			if part > MaxParts {
				m.putBuf(buf)
				g.Go(func() error { return fmt.Errorf("stream longer than %d parts: %w", MaxParts, ErrTooLarge) })
				break
			}
			if buf, err = m.getBuf(gctx, m.streamPartSize(part)); err != nil {
				break
			}
			nr, err = io.ReadFull(r, buf)
			if err == io.EOF {
				m.putBuf(buf)
				break
			}
			if err != nil && err != io.ErrUnexpectedEOF {
				m.putBuf(buf)
				g.Go(func() error { return fmt.Errorf("read: %w", err) })
				break
			}
		}
		total += int64(nr)
		data := buf[:nr]
		if err := m.slots.Acquire(gctx, 1); err != nil {
			m.putBuf(buf)
			break
		}
		g.Go(func() error {
			defer m.slots.Release(1)
			defer m.putBuf(data)
			var sum *[16]byte
			if !m.clientSums {
				s := md5.Sum(data)
				sum = &s
			}
			if err := up.upload(gctx, part, bytes.NewReader(data), int64(len(data)), sum); err != nil {
				return err
			}
			pr.add(int64(len(data)))
			return nil
		})
		if nr < len(buf) {
			break
		}
	}
	return up.finish(ctx, g.Wait(), total)
}

// putSingle sends body with one PutObject. sum is its MD5, sent as
// Content-MD5; it is nil when the client checksums bodies itself (a CRC32
// the server verifies), which spares reading the body twice.
func (m *Manager) putSingle(ctx context.Context, bucket, key string, body io.ReadSeeker, size int64, sum *[16]byte) (UploadResult, error) {
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return UploadResult{}, err
	}
	in := &s3.PutObjectInput{Bucket: bucket, Key: key, Body: body, ContentLength: size,
		ObjectHeaders: s3.ObjectHeaders{ContentType: contentType(key)}}
	if sum != nil {
		in.ContentMD5 = base64.StdEncoding.EncodeToString(sum[:])
	}
	var out *s3.PutObjectOutput
	err := m.slot(ctx, func() (err error) {
		out, err = m.c.PutObject(ctx, in)
		return err
	})
	if err != nil {
		return UploadResult{}, err
	}
	if err := checkETag("PutObject", bucket, key, 0, sum, out.ETag, !out.Encryption.ETagIsMD5()); err != nil {
		return UploadResult{}, err
	}
	return UploadResult{Bucket: bucket, Key: key, Size: size, ETag: trimETag(out.ETag)}, nil
}

// checkETag compares the ETag a server returned for a body with the MD5
// the Manager sent as Content-MD5 (sum nil: the client protects bodies
// itself). A server that does not verify Content-MD5 and stored other
// bytes is caught here; an ETag that is not an MD5 (notMD5, or another
// shape) proves nothing and is not compared.
func checkETag(op, bucket, key string, part int, sum *[16]byte, etag string, notMD5 bool) error {
	if sum == nil || notMD5 || !isMD5ETag(trimETag(etag)) {
		return nil
	}
	if want := hex.EncodeToString(sum[:]); !strings.EqualFold(trimETag(etag), want) {
		return &s3.IntegrityError{Op: op, Bucket: bucket, Key: key, PartNumber: part, Field: "ETag",
			Sent: `"` + want + `"`, Stored: etag}
	}
	return nil
}

// multipart tracks one multipart upload's parts.
type multipart struct {
	m                *Manager
	bucket, key, uid string
	parts            []s3.CompletedPart // indexed by part number - 1, grown under mu
	mu               sync.Mutex
}

func (m *Manager) startMultipart(ctx context.Context, bucket, key string) (*multipart, error) {
	var out *s3.CreateMultipartUploadOutput
	err := m.slot(ctx, func() (err error) {
		out, err = m.c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key,
			ObjectHeaders: s3.ObjectHeaders{ContentType: contentType(key)}})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create multipart upload: %w", err)
	}
	return &multipart{m: m, bucket: bucket, key: key, uid: out.UploadID}, nil
}

// upload sends one part; the caller holds a request slot.
// sum is the part's MD5, nil when the client checksums parts itself.
func (u *multipart) upload(ctx context.Context, n int, body io.ReadSeeker, size int64, sum *[16]byte) error {
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return err
	}
	in := &s3.UploadPartInput{Bucket: u.bucket, Key: u.key, UploadID: u.uid, PartNumber: n, Body: body, ContentLength: size}
	if sum != nil {
		in.ContentMD5 = base64.StdEncoding.EncodeToString(sum[:])
	}
	out, err := u.m.c.UploadPart(ctx, in)
	if err != nil {
		return fmt.Errorf("upload part %d: %w", n, err)
	}
	if err := checkETag("UploadPart", u.bucket, u.key, n, sum, out.ETag, !out.Encryption.ETagIsMD5()); err != nil {
		return err
	}
	u.add(n, out.ETag)
	return nil
}

// add records part n's ETag.
func (u *multipart) add(n int, etag string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for len(u.parts) < n {
		u.parts = append(u.parts, s3.CompletedPart{})
	}
	u.parts[n-1] = s3.CompletedPart{PartNumber: n, ETag: `"` + trimETag(etag) + `"`}
}

// finish completes the upload, or aborts it when werr (the parts' error) is
// set or completion fails, so no orphaned parts keep costing storage.
func (u *multipart) finish(ctx context.Context, werr error, size int64) (UploadResult, error) {
	if werr == nil {
		werr = ctx.Err()
	}
	if werr == nil {
		var out *s3.CompleteMultipartUploadOutput
		werr = u.m.slot(ctx, func() (err error) {
			out, err = u.m.c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: u.bucket, Key: u.key,
				UploadID: u.uid, Parts: u.parts})
			return err
		})
		if werr == nil {
			return UploadResult{Bucket: u.bucket, Key: u.key, Size: size, ETag: trimETag(out.ETag), Parts: len(u.parts)}, nil
		}
		werr = fmt.Errorf("complete multipart upload: %w", werr)
	}
	// Abort even when ctx is cancelled, with a deadline of its own.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := u.m.c.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{Bucket: u.bucket, Key: u.key, UploadID: u.uid}); err != nil {
		u.m.opts.Logger.Warn("abort multipart upload failed", "bucket", u.bucket, "key", u.key, "upload_id", u.uid, "err", err)
	}
	return UploadResult{}, werr
}

func md5Of(r io.ReadSeeker) ([16]byte, error) {
	var sum [16]byte
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return sum, err
	}
	h := md5.New()
	if _, err := io.Copy(h, r); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

func trimETag(s string) string { return strings.Trim(s, `"`) }

// isMD5ETag reports whether etag looks like the hex MD5 of a single-part
// upload (S3 returns other shapes for multipart and encrypted objects).
func isMD5ETag(etag string) bool {
	if len(etag) != 32 {
		return false
	}
	_, err := hex.DecodeString(etag)
	return err == nil
}

func (m *Manager) emitStart(ev Event, total int64) {
	ev.Kind, ev.Total = EventStart, total
	m.emit(ev)
}

func (m *Manager) emitEnd(ev Event, err error) {
	ev.Kind = EventDone
	if err != nil {
		ev.Kind, ev.Err = EventFailed, err
	}
	m.emit(ev)
}

func wrapErr(op, bucket, key string, err error) error {
	var te *Error
	if errors.As(err, &te) {
		return err
	}
	return &Error{Op: op, Bucket: bucket, Key: key, Err: err}
}

// contentType guesses an object's Content-Type from its key's extension, as
// aws-cli's cp does from the file name ("" lets the server default).
func contentType(key string) string {
	return mime.TypeByExtension(path.Ext(key))
}
