package sse

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/s3kit/s3kit/storage"
)

// content is the plaintext view of an encrypted object: ReadAt decrypts
// only the packages the requested range touches, keeping the last one so
// sequential reads in small buffers decrypt each package once.
type content struct {
	raw     storage.Content
	streams []*stream
	size    int64

	mu     sync.Mutex
	cached struct {
		st  *stream
		i   int64
		buf []byte
	}
	scratch []byte
	batch   []byte // WriteRangeTo's buffer, made on first use

	pos int64 // for Read and Seek
}

func newContent(raw storage.Content, streams []*stream) *content {
	c := &content{raw: raw, streams: streams, scratch: make([]byte, sealedSize)}
	c.cached.i = -1
	for _, st := range streams {
		c.size += st.plain
	}
	return c
}

// ReadAt implements io.ReaderAt.
func (c *content) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("sse: negative offset")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= c.size {
			return n, io.EOF
		}
		// The stream holding at, then the package.
		k := sort.Search(len(c.streams), func(k int) bool {
			st := c.streams[k]
			return st.plainOff+st.plain > at
		})
		st := c.streams[k]
		rel := at - st.plainOff
		i := rel / PackageSize
		pkg, err := c.pkg(st, i)
		if err != nil {
			return n, err
		}
		n += copy(p[n:], pkg[rel-i*PackageSize:])
	}
	return n, nil
}

// pkg returns the plaintext of package i of st, from the cache when it is
// the last one opened. Called with c.mu held.
func (c *content) pkg(st *stream, i int64) ([]byte, error) {
	if c.cached.st == st && c.cached.i == i {
		return c.cached.buf, nil
	}
	out, err := st.open(c.raw, i, c.scratch)
	if err != nil {
		c.cached.st = nil
		return nil, err
	}
	c.cached.st, c.cached.i, c.cached.buf = st, i, out
	return out, nil
}

// Read implements io.Reader.
func (c *content) Read(p []byte) (int, error) {
	n, err := c.ReadAt(p, c.pos)
	c.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// Seek implements io.Seeker.
func (c *content) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += c.pos
	case io.SeekEnd:
		offset += c.size
	default:
		return 0, errors.New("sse: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("sse: negative position")
	}
	c.pos = offset
	return offset, nil
}

// Close implements io.Closer.
func (c *content) Close() error { return c.raw.Close() }

// batchPackages is how many packages WriteRangeTo reads with one ReadAt.
const batchPackages = 16

// WriteRangeTo implements storage.RangeWriterTo: it writes n plaintext
// bytes from off to w, reading a batch of packages with each ReadAt of
// the stored bytes and decrypting them in place, with no copy through a
// caller's buffer. A package that fails authentication stops it with an
// error wrapping storage.ErrCorrupt; nothing of that package is written.
func (c *content) WriteRangeTo(w io.Writer, off, n int64) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if off < 0 || off+n > c.size {
		return 0, errors.New("sse: range outside the object")
	}
	if c.batch == nil {
		c.batch = make([]byte, batchPackages*sealedSize)
	}
	var written int64
	for written < n {
		at := off + written
		k := sort.Search(len(c.streams), func(k int) bool {
			st := c.streams[k]
			return st.plainOff+st.plain > at
		})
		st := c.streams[k]
		rel := at - st.plainOff
		endRel := min(st.plain, rel+n-written) // exclusive, within this stream
		first, last := rel/PackageSize, (endRel-1)/PackageSize
		last = min(last, first+batchPackages-1)
		final := st.packages() - 1
		start := headerSize + first*sealedSize
		end := headerSize + last*sealedSize + sealedSize
		if last == final {
			end = st.sealed
		}
		raw := c.batch[:end-start]
		if _, err := c.raw.ReadAt(raw, st.off+start); err != nil {
			if err == io.EOF {
				err = fmt.Errorf("%w: stored bytes end early", storage.ErrCorrupt)
			}
			return written, err
		}
		// Decrypt each package in place and move its plaintext down to
		// the end of the previous one, so the batch goes out in one
		// Write (a package that fails stops the batch: only the ones
		// before it are written).
		d := int64(0)
		var openErr error
		for p := first; p <= last; p++ {
			seg := raw[(p-first)*sealedSize : min((p-first+1)*sealedSize, int64(len(raw)))]
			aad := aadMore
			if p == final {
				aad = aadFinal
			}
			pt, err := st.aead.Open(seg[:0], nonce(p), seg, aad)
			if err != nil {
				openErr = fmt.Errorf("%w: encrypted package %d failed authentication", storage.ErrCorrupt, p)
				break
			}
			from := int64(0)
			if p == first {
				from = rel - first*PackageSize
			}
			to := min(int64(len(pt)), from+n-written-d)
			d += int64(copy(raw[d:], pt[from:to]))
		}
		m, err := w.Write(raw[:d])
		written += int64(m)
		if err != nil {
			return written, err
		}
		if openErr != nil {
			return written, openErr
		}
	}
	return written, nil
}

// WriteTo implements io.WriterTo (io.Copy prefers it): the rest of the
// object from the current position, through WriteRangeTo.
func (c *content) WriteTo(w io.Writer) (int64, error) {
	if c.pos >= c.size {
		return 0, nil
	}
	n, err := c.WriteRangeTo(w, c.pos, c.size-c.pos)
	c.pos += n
	return n, err
}
