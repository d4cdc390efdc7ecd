package disk

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"sync/atomic"
)

// copyBufSize is the buffer used to stream bodies into content files.
const copyBufSize = 256 << 10

func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// spool is a received body: inline bytes, or a content file not yet
// referenced by the index.
type spool struct {
	s      *Store
	inline []byte  // in bp until release
	bp     *[]byte // the pooled buffer holding inline
	id     string  // "" when inline
	f      *os.File
	size   int64
}

// receive reads r to the end. Bodies up to inlineMax (when inline is true)
// stay in memory; larger ones stream into a new content file.
func (s *Store) receive(r io.Reader, inline bool) (*spool, error) {
	bp := s.bufs.Get().(*[]byte)
	buf := *bp
	sp := &spool{s: s}
	n := 0
	if inline && s.inlineMax > 0 {
		limit := min(s.inlineMax+1, len(buf))
		var err error
		n, err = io.ReadFull(r, buf[:limit])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			// The body stays in the pooled buffer (no copy) until the
			// caller has encoded it into its record and calls release.
			sp.inline, sp.bp = buf[:n], bp
			sp.size = int64(n)
			return sp, nil
		}
		if err != nil {
			s.bufs.Put(bp)
			return nil, err
		}
	}
	id, err := newID()
	if err == nil {
		sp.f, err = os.OpenFile(s.path(id), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	}
	if err != nil {
		s.bufs.Put(bp)
		return nil, noSpace(err)
	}
	sp.id = id
	if sp.size, err = s.stream(sp.f, r, bp, n); err != nil {
		sp.discard()
		return nil, err
	}
	return sp, nil
}

// pipeBuffers is how many copy buffers one upload may have in flight.
const pipeBuffers = 4

// syncEvery makes the writer fsync as it goes, so the final fsync before
// the commit has little left to flush.
const syncEvery = 64 << 20

// stream copies r into f. Reading (and hashing, in the caller's reader)
// runs in this goroutine while a second goroutine writes and syncs, so on
// two cores MD5 and disk writes overlap. The first n bytes of *first are
// already read. All buffers go back to the pool.
func (s *Store) stream(f *os.File, r io.Reader, first *[]byte, n int) (int64, error) {
	type chunk struct {
		bp *[]byte
		n  int
	}
	free := make(chan *[]byte, pipeBuffers)
	full := make(chan chunk, pipeBuffers)
	for i := 1; i < pipeBuffers; i++ {
		free <- s.bufs.Get().(*[]byte)
	}
	var (
		werr    error
		written int64
		failed  atomic.Bool
		done    = make(chan struct{})
	)
	go func() {
		defer close(done)
		synced := int64(0)
		for c := range full {
			if werr == nil && s.space.full.Load() {
				// The disk filled up meanwhile: what the reserve freed
				// is for deletes (see space.go), not for this body.
				werr = errFull
			}
			if werr == nil {
				werr = inject(s.space.fault, faultData)
			}
			if werr == nil {
				var m int
				m, werr = f.Write((*c.bp)[:c.n])
				written += int64(m)
				if werr == nil && written-synced >= syncEvery {
					werr, synced = f.Sync(), written
				}
				if werr != nil {
					failed.Store(true)
				}
			}
			free <- c.bp
		}
	}()
	var rerr error
	if n > 0 {
		full <- chunk{first, n}
	} else {
		free <- first
	}
	for !failed.Load() {
		bp := <-free
		m, err := io.ReadFull(r, *bp)
		if m > 0 {
			full <- chunk{bp, m}
		} else {
			free <- bp
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			rerr = err
			break
		}
	}
	close(full)
	<-done
	close(free)
	for bp := range free {
		s.bufs.Put(bp)
	}
	if rerr != nil {
		return written, rerr
	}
	return written, noSpace(werr)
}

// persist makes a content file durable: its bytes, then its directory
// entry. It is a no-op for inline bodies.
func (sp *spool) persist() error {
	if sp.f == nil {
		return nil
	}
	if err := sp.f.Sync(); err != nil {
		return noSpace(err)
	}
	if err := sp.f.Close(); err != nil {
		return noSpace(err)
	}
	sp.f = nil
	return noSpace(sp.s.dataDir.Sync())
}

// discard removes an uncommitted content file.
func (sp *spool) discard() {
	sp.release()
	if sp.f != nil {
		sp.f.Close()
		sp.f = nil
	}
	if sp.id != "" {
		os.Remove(sp.s.path(sp.id))
	}
}

// release returns an inline body's buffer to the pool; sp.inline is
// invalid afterwards.
func (sp *spool) release() {
	if sp.bp != nil {
		sp.s.bufs.Put(sp.bp)
		sp.bp, sp.inline = nil, nil
	}
}

// fileContent is a read-only view of an object's extents concatenated.
// Its files stay pinned (see pinTable) until Close, and are opened one at
// a time as reads reach them.
type fileContent struct {
	s    *Store
	ids  []string
	offs []int64 // start offset of each extent
	size int64
	pos  int64
	// mu guards the open extent; reads hold it while they use the file.
	mu     sync.Mutex
	cur    int // index of the open extent, when f is not nil
	f      *os.File
	closed bool
}

// openExtents pins xs for reading; gen is s.pins.gen() from before the
// record holding xs was read. A missing file (unlinked by a concurrent
// overwrite) is reported as errStale so the caller re-reads the index.
func (s *Store) openExtents(xs []extent, gen uint64) (*fileContent, error) {
	c := &fileContent{s: s, ids: make([]string, len(xs)), offs: make([]int64, len(xs))}
	for i, x := range xs {
		c.ids[i], c.offs[i] = x.ID, c.size
		c.size += x.Size
	}
	stale, check := s.pins.pin(c.ids, gen)
	if stale {
		c.Close()
		return nil, errStale
	}
	if check {
		// Files were removed since the record was read: are these?
		for _, id := range c.ids {
			if _, err := os.Lstat(s.path(id)); err != nil {
				c.Close()
				if errors.Is(err, os.ErrNotExist) {
					return nil, errStale
				}
				return nil, err
			}
		}
	}
	return c, nil
}

var errStale = errors.New("object replaced while opening")

// extent returns the file of extent i, opening it (and closing the one
// open before) if needed. The caller holds c.mu.
func (c *fileContent) extent(i int) (*os.File, error) {
	if c.closed {
		return nil, os.ErrClosed
	}
	if c.f != nil && c.cur == i {
		return c.f, nil
	}
	if c.f != nil {
		c.f.Close()
		c.f = nil
	}
	f, err := os.Open(c.s.path(c.ids[i]))
	if err != nil {
		return nil, err // pinned, so a missing file is damage, not a race
	}
	c.f, c.cur = f, i
	return f, nil
}

// locate returns the extent holding offset at and where that extent ends.
func (c *fileContent) locate(at int64) (i int, end int64) {
	i = sort.Search(len(c.offs), func(i int) bool { return c.offs[i] > at }) - 1
	end = c.size
	if i+1 < len(c.offs) {
		end = c.offs[i+1]
	}
	return i, end
}

// ReadAt implements io.ReaderAt.
func (c *fileContent) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("read at %d: negative offset", off)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= c.size {
			return n, io.EOF
		}
		i, end := c.locate(at)
		chunk := p[n:]
		if int64(len(chunk)) > end-at {
			chunk = chunk[:end-at]
		}
		f, err := c.extent(i)
		if err != nil {
			return n, err
		}
		m, err := f.ReadAt(chunk, at-c.offs[i])
		n += m
		if err != nil && !(err == io.EOF && m == len(chunk)) {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF // file shorter than its record says
			}
			return n, err
		}
	}
	return n, nil
}

// Read implements io.Reader.
func (c *fileContent) Read(p []byte) (int, error) {
	if c.pos >= c.size {
		return 0, io.EOF
	}
	n, err := c.ReadAt(p, c.pos)
	c.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// Seek implements io.Seeker.
func (c *fileContent) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += c.pos
	case io.SeekEnd:
		offset += c.size
	default:
		return 0, fmt.Errorf("seek: invalid whence %d", whence)
	}
	if offset < 0 {
		return 0, fmt.Errorf("seek to %d: negative position", offset)
	}
	c.pos = offset
	return offset, nil
}

// WriteTo implements io.WriterTo from the current position, so io.Copy to
// an http.ResponseWriter or a TCP connection hands each extent over as an
// *os.File section and the kernel sends it with sendfile(2).
func (c *fileContent) WriteTo(w io.Writer) (int64, error) {
	if c.pos >= c.size {
		return 0, nil
	}
	n, err := c.WriteRangeTo(w, c.pos, c.size-c.pos)
	c.pos += n
	return n, err
}

// WriteRangeTo implements storage.RangeWriterTo. Like Read and Seek it
// moves file offsets, so it must not run concurrently with them on the
// same Content (ReadAt may).
func (c *fileContent) WriteRangeTo(w io.Writer, off, n int64) (int64, error) {
	if off < 0 || n < 0 || off+n > c.size {
		return 0, fmt.Errorf("write range %d+%d of %d bytes: out of bounds", off, n, c.size)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var total int64
	for total < n {
		at := off + total
		i, end := c.locate(at)
		want := min(end-at, n-total)
		f, err := c.extent(i)
		if err != nil {
			return total, err
		}
		if _, err := f.Seek(at-c.offs[i], io.SeekStart); err != nil {
			return total, err
		}
		m, err := io.Copy(w, &io.LimitedReader{R: f, N: want})
		total += m
		if err != nil {
			return total, err
		}
		if m < want {
			return total, io.ErrUnexpectedEOF
		}
	}
	return total, nil
}

// Close implements io.Closer: it closes the open extent and unpins the
// files (removing those whose removal waited for this reader).
func (c *fileContent) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	var err error
	if c.f != nil {
		err = c.f.Close()
		c.f = nil
	}
	c.s.pins.unpin(c.ids, c.s.removeFile)
	return err
}
