package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// DownloadResult describes a finished download.
type DownloadResult struct {
	Bucket, Key  string
	Size         int64
	ETag         string
	LastModified time.Time
	// Verified is true when the bytes were checked against the ETag: the
	// MD5 of a single-part object, or the MD5 of part MD5s of a multipart
	// object whose part size matches the Manager's PartSize, unless
	// Options.SkipVerify; objects larger than PartSize only with
	// Options.VerifyLarge. Other objects (other part sizes, SSE-C or
	// SSE-KMS) cannot be checked from the ETag alone.
	Verified bool
}

// errObjectChanged means the object was replaced while it was downloaded.
var errObjectChanged = errors.New("object changed during download")

// DownloadFile downloads bucket/key to path. Bytes go to a temporary file in
// the same directory (unnamed where the system allows, see partFile) that
// takes path's name only when complete and verified, so an interrupted
// download never leaves a partial file under the target name.
// The file's mtime is set to the object's LastModified, as aws-cli does, so
// a later sync compares equal.
func (m *Manager) DownloadFile(ctx context.Context, bucket, key, path string) (DownloadResult, error) {
	fail := func(err error) (DownloadResult, error) {
		return DownloadResult{}, &Error{Op: "download", Bucket: bucket, Key: key, Path: path, Err: err}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(err)
	}
	tmp, err := createPartFile(dir, base)
	if err != nil {
		return fail(err)
	}
	res, err := m.Download(ctx, tmp, bucket, key)
	if err == nil && !res.LastModified.IsZero() {
		err = tmp.setMtime(res.LastModified)
	}
	if err != nil {
		tmp.discard()
	} else {
		err = tmp.publish(path)
	}
	if err != nil {
		var te *Error
		if errors.As(err, &te) {
			te.Path = path
			return DownloadResult{}, te
		}
		return fail(err)
	}
	return res, nil
}

// Download writes bucket/key into w. The first request fetches the object
// whole; when it is larger than PartSize, only the first PartSize bytes are
// read from it and the rest is fetched in parallel ranged GETs written at
// their offsets. A small object therefore costs one request, with no HEAD.
func (m *Manager) Download(ctx context.Context, w io.WriterAt, bucket, key string) (DownloadResult, error) {
	ev := Event{Op: "download", Bucket: bucket, Key: key}
	res, err := m.download(ctx, w, bucket, key, ev)
	m.emitEnd(ev, err)
	if err != nil {
		return res, wrapErr("download", bucket, key, err)
	}
	return res, nil
}

func (m *Manager) download(ctx context.Context, w io.WriterAt, bucket, key string, ev Event) (DownloadResult, error) {
	pr := &progressReporter{m: m, ev: ev}
	ps := m.opts.PartSize
	var obj object
	var got bool     // the response arrived; a later error is a torn body
	var checked bool // the body verified a full-object checksum at EOF
	first := md5.New()
	// The chunks are fetched in parallel but written one at a time: a
	// buffered write holds the file's inode lock anyway, and writers queued
	// on it in the kernel spin (in a guest whose page-cache pages are slow
	// to touch, 16 spinning writers turned a 1 GiB download from 0.8 s into
	// 2-4 s of mostly system time). Waiting on a mutex parks instead.
	cw := &serialWriterAt{w: w}
	err := m.slot(ctx, func() error {
		rc, o, err := getObject(ctx, m.c, bucket, key, 0, -1)
		if err != nil {
			return err
		}
		defer rc.Close()
		obj, got = o, true
		m.emitStart(ev, o.Size)
		n := min(o.Size, ps)
		// A whole object whose body checks a full-object checksum (CRC32
		// and the like, cheap) needs no MD5 pass: read it to EOF instead.
		// Nor does a first chunk whose MD5 nothing will compare.
		var h hash.Hash = first
		switch {
		case o.Checksummed && o.Size <= ps && !m.opts.SkipVerify:
			h, checked = nopHash{}, true
		case o.Size > ps && !m.hashChunks(o, ps):
			h = nopHash{}
		}
		read, err := m.copyAt(cw, 0, h, rc, n)
		if err == nil && read != n {
			err = fmt.Errorf("read %d of %d bytes: %w", read, n, io.ErrUnexpectedEOF)
		}
		if err == nil && checked {
			var one [1]byte
			if _, err = io.ReadAtLeast(rc, one[:], 1); err == io.EOF {
				err = nil
			} else if err == nil {
				err = fmt.Errorf("object longer than its %d bytes", n)
			}
		}
		return err
	})
	if err != nil && got && ctx.Err() == nil {
		// The first body broke off: fetch that range again, as for any chunk.
		var sum []byte
		err = m.slot(ctx, func() (err error) {
			sum, err = m.fetchChunk(ctx, cw, bucket, key, 0, min(obj.Size, ps), obj.ETag, obj.Size <= ps || m.hashChunks(obj, ps))
			return err
		})
		if err == nil {
			first, checked = fixedHash(sum), false
		}
	}
	if err != nil {
		return DownloadResult{}, err
	}
	pr.add(min(obj.Size, ps))
	res := DownloadResult{Bucket: bucket, Key: key, Size: obj.Size, ETag: trimETag(obj.ETag), LastModified: obj.LastModified}
	nchunks := int((obj.Size + ps - 1) / ps)
	sums := make([][]byte, max(nchunks, 1))
	sums[0] = first.Sum(nil)
	hashChunks := m.hashChunks(obj, ps)
	g, gctx := errgroup.WithContext(ctx)
	for i := 1; i < nchunks; i++ {
		off := int64(i) * ps
		n := min(ps, obj.Size-off)
		if err := m.slots.Acquire(gctx, 1); err != nil {
			break
		}
		g.Go(func() error {
			defer m.slots.Release(1)
			sum, err := m.fetchChunk(gctx, cw, bucket, key, off, n, obj.ETag, hashChunks)
			if err != nil {
				return fmt.Errorf("range %d-%d: %w", off, off+n-1, err)
			}
			sums[i] = sum
			pr.add(n)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return DownloadResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return DownloadResult{}, err
	}
	if m.opts.SkipVerify || (nchunks > 1 && !m.opts.VerifyLarge) {
		return res, nil
	}
	if checked {
		res.Verified = true
		return res, nil
	}
	verified, err := verifyETag(obj, sums, w)
	res.Verified = verified
	return res, err
}

// hashChunks tells whether a download of obj in chunks of ps bytes hashes
// each chunk: only when their MD5s can be checked, against a multipart
// ETag with as many parts as there are chunks, and the caller asked for
// large objects to be verified.
func (m *Manager) hashChunks(obj object, ps int64) bool {
	nchunks := int((obj.Size + ps - 1) / ps)
	return m.opts.VerifyLarge && !m.opts.SkipVerify && !obj.Encrypted && nchunks > 1 && etagParts(obj.ETag) == nchunks
}

// fetchChunk downloads n bytes at off into w, retrying a body that breaks
// off mid-stream (the client retries failed requests, not torn bodies). The
// caller holds a request slot.
func (m *Manager) fetchChunk(ctx context.Context, w io.WriterAt, bucket, key string, off, n int64, etag string, hashIt bool) ([]byte, error) {
	var h hash.Hash = nopHash{}
	if hashIt {
		h = md5.New()
	}
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		var retry bool
		retry, err = m.fetchOnce(ctx, w, h, bucket, key, off, n, etag)
		if err == nil || !retry || ctx.Err() != nil {
			break
		}
		m.opts.Logger.Debug("retrying torn range", "bucket", bucket, "key", key, "offset", off, "attempt", attempt, "err", err)
	}
	if err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

func (m *Manager) fetchOnce(ctx context.Context, w io.WriterAt, h hash.Hash, bucket, key string, off, n int64, etag string) (retry bool, err error) {
	rc, o, err := getObject(ctx, m.c, bucket, key, off, n)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	if etag != "" && o.ETag != "" && trimETag(o.ETag) != trimETag(etag) {
		return false, errObjectChanged
	}
	h.Reset()
	got, err := m.copyAt(w, off, h, rc, n)
	if err == nil && got != n {
		err = fmt.Errorf("read %d of %d bytes: %w", got, n, io.ErrUnexpectedEOF)
	}
	return err != nil, err
}

// serialWriterAt passes WriteAt calls to w one at a time, and adapts the
// size of the writes it makes to how fast the page cache takes them.
//
// A buffered write of n bytes makes the kernel allocate page-cache folios
// of about n bytes. Large folios come from the free lists' large blocks,
// and in a virtual machine whose host reclaims free guest memory (virtio
// balloon free page reporting, as in Firecracker) those blocks are exactly
// the reclaimed ones: touching them the first time costs the host a fault
// per page. There, a 1 GiB download written in 512 KiB writes took 2-3.5 s
// instead of 0.9 s, while 64 KiB writes draw on the small, still-resident
// blocks and took about 1 s. Elsewhere 512 KiB writes are the faster (by
// ~10 %), so serialWriterAt writes whole buffers until one of them is
// slow, then splits writes into slowWriteUnit pieces for the next
// slowWrites buffers before it tries a whole buffer again.
type serialWriterAt struct {
	mu sync.Mutex
	w  io.WriterAt
	// split counts the writes still to be split into slowWriteUnit pieces.
	split int
}

const (
	// slowWriteUnit is the write size used while whole buffers are slow.
	slowWriteUnit = 64 << 10
	// slowWriteRate is the rate, in bytes per second, below which a
	// whole-buffer write counts as slow: a resident page cache takes a
	// 512 KiB write in 0.1-0.2 ms (2.5-5 GB/s), a reclaimed one in 1-3 ms.
	slowWriteRate = 1 << 30
	// slowWrites is how many writes are split after a slow one.
	slowWrites = 64
)

func (s *serialWriterAt) WriteAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(p) <= slowWriteUnit {
		return s.w.WriteAt(p, off)
	}
	if s.split > 0 {
		s.split--
		var n int
		for n < len(p) {
			k, err := s.w.WriteAt(p[n:min(len(p), n+slowWriteUnit)], off+int64(n))
			n += k
			if err != nil {
				return n, err
			}
		}
		return n, nil
	}
	t0 := time.Now()
	n, err := s.w.WriteAt(p, off)
	if time.Since(t0) > time.Duration(int64(n)*int64(time.Second)/slowWriteRate) {
		s.split = slowWrites
	}
	return n, err
}

// copyBufSize is the unit in which downloads are read and written: large
// enough that a 1 GiB file takes a few thousand system calls, not the
// 65,536 of io.Copy's 32 KiB buffer.
const copyBufSize = 512 << 10

// copyAt copies up to n bytes of r to w at off, hashing them with h. Each
// buffer is filled before it is written, so writes are copyBufSize long.
func (m *Manager) copyAt(w io.WriterAt, off int64, h hash.Hash, r io.Reader, n int64) (int64, error) {
	bp, _ := m.copyBufs.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, copyBufSize)
		bp = &b
	}
	defer m.copyBufs.Put(bp)
	buf := *bp
	var done int64
	for done < n {
		k, rerr := io.ReadFull(r, buf[:min(int64(len(buf)), n-done)])
		if k > 0 {
			h.Write(buf[:k])
			if _, err := w.WriteAt(buf[:k], off+done); err != nil {
				return done, err
			}
			done += int64(k)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			return done, nil
		}
		if rerr != nil {
			return done, rerr
		}
	}
	return done, nil
}

// verifyETag checks the downloaded bytes against obj's ETag where that is
// possible: sums holds the MD5 of each PartSize chunk.
func verifyETag(obj object, sums [][]byte, w io.WriterAt) (bool, error) {
	etag := trimETag(obj.ETag)
	if obj.Encrypted || etag == "" {
		return false, nil
	}
	if isMD5ETag(etag) {
		var got string
		if len(sums) == 1 {
			got = hex.EncodeToString(sums[0])
		} else {
			// A single-part object larger than one chunk: hash the file
			// again in order, when it can be read back.
			ra, ok := w.(io.ReaderAt)
			if !ok {
				return false, nil
			}
			h := md5.New()
			if _, err := io.Copy(h, io.NewSectionReader(ra, 0, obj.Size)); err != nil {
				return false, err
			}
			got = hex.EncodeToString(h.Sum(nil))
		}
		if got != etag {
			return false, &IntegrityError{What: "object md5", Expected: etag, Got: got}
		}
		return true, nil
	}
	hexPart, count, ok := strings.Cut(etag, "-")
	if !ok || len(hexPart) != 32 {
		return false, nil
	}
	if n, err := strconv.Atoi(count); err != nil || n != len(sums) {
		// Uploaded with another part size: cannot tell from here.
		return false, nil
	}
	if got := compositeMD5(sums); got != etag {
		// Same part count but maybe another part size: not proof of
		// corruption, so report unverified rather than fail.
		return false, nil
	}
	return true, nil
}

// compositeMD5 is S3's multipart ETag: the MD5 of the part MD5s, "-" and
// the part count.
func compositeMD5(sums [][]byte) string {
	all := bytes.Join(sums, nil)
	s := md5.Sum(all)
	return hex.EncodeToString(s[:]) + "-" + strconv.Itoa(len(sums))
}

// nopHash stands in for a hash nobody will check.
type nopHash struct{}

func (nopHash) Write(p []byte) (int, error) { return len(p), nil }
func (nopHash) Sum(b []byte) []byte         { return b }
func (nopHash) Reset()                      {}
func (nopHash) Size() int                   { return 0 }
func (nopHash) BlockSize() int              { return 1 }

// fixedHash is a hash.Hash whose Sum is already known.
type fixedHash []byte

func (h fixedHash) Write(p []byte) (int, error) { return len(p), nil }
func (h fixedHash) Sum(b []byte) []byte         { return append(b, h...) }
func (h fixedHash) Reset()                      {}
func (h fixedHash) Size() int                   { return len(h) }
func (h fixedHash) BlockSize() int              { return 1 }
