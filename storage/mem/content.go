package mem

import (
	"fmt"
	"io"
	"sort"
)

// chunks is an object's bytes as a list of immutable slices. Bodies are
// read into growing chunks (no re-copying as a single buffer would need
// when it grows), and a completed multipart upload or a copy shares the
// chunks of its parts or source instead of concatenating them.
type chunks struct {
	bufs [][]byte
	offs []int64 // start offset of each buf
	size int64
}

// Chunk sizes: small bodies get small buffers, large ones 1 MiB pieces.
const (
	firstChunk = 32 << 10
	maxChunk   = 1 << 20
)

// readChunks reads r to the end.
func readChunks(r io.Reader) (chunks, error) {
	var c chunks
	size := firstChunk
	for {
		buf := make([]byte, size)
		n, err := io.ReadFull(r, buf)
		if n > 0 && n < len(buf)/2 {
			buf = append([]byte(nil), buf[:n]...) // do not pin a mostly empty chunk
		}
		if n > 0 {
			c.append(buf[:n:n])
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return c, nil
		}
		if err != nil {
			return chunks{}, err
		}
		size = min(2*size, maxChunk)
	}
}

func (c *chunks) append(b []byte) {
	c.bufs = append(c.bufs, b)
	c.offs = append(c.offs, c.size)
	c.size += int64(len(b))
}

// concat returns the chunks of all parts, in order, sharing their bytes.
func concat(parts ...chunks) chunks {
	var c chunks
	for _, p := range parts {
		for _, b := range p.bufs {
			c.append(b)
		}
	}
	return c
}

// content is an open view of chunks; Close has nothing to release.
type content struct {
	c   chunks
	pos int64
}

// ReadAt implements io.ReaderAt.
func (r *content) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("read at %d: negative offset", off)
	}
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= r.c.size {
			return n, io.EOF
		}
		i := sort.Search(len(r.c.offs), func(i int) bool { return r.c.offs[i] > at }) - 1
		n += copy(p[n:], r.c.bufs[i][at-r.c.offs[i]:])
	}
	return n, nil
}

// Read implements io.Reader.
func (r *content) Read(p []byte) (int, error) {
	if r.pos >= r.c.size {
		return 0, io.EOF
	}
	n, err := r.ReadAt(p, r.pos)
	r.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// WriteTo implements io.WriterTo, writing the chunks without copying.
func (r *content) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for r.pos < r.c.size {
		i := sort.Search(len(r.c.offs), func(i int) bool { return r.c.offs[i] > r.pos }) - 1
		n, err := w.Write(r.c.bufs[i][r.pos-r.c.offs[i]:])
		r.pos += int64(n)
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Seek implements io.Seeker.
func (r *content) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.pos
	case io.SeekEnd:
		offset += r.c.size
	default:
		return 0, fmt.Errorf("seek: invalid whence %d", whence)
	}
	if offset < 0 {
		return 0, fmt.Errorf("seek to %d: negative position", offset)
	}
	r.pos = offset
	return offset, nil
}

// Close implements io.Closer.
func (r *content) Close() error { return nil }
