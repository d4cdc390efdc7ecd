package sse

import (
	"errors"
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
