package notify

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// The log is a list of segment files, each named by the sequence number
// of its first record (16 hex digits, ".log"). A record is a 16-byte
// header (payload length, CRC-32C of the sequence number and payload,
// sequence number; little endian) and its payload, an Event in JSON.
// Records are only ever appended; a segment is removed once every
// target's cursor is past it, except the last, whose name keeps the
// sequence numbers increasing across restarts.
const (
	headerSize = 16
	// segmentMax is the size past which the next batch starts a new
	// segment, so delivered events free their space.
	segmentMax = 8 << 20
	// maxPayload bounds a record's length when reading, so a corrupt
	// header cannot make a reader allocate gigabytes.
	maxPayload = 1 << 20
	segSuffix  = ".log"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt marks a record that fails its checksum or length check.
var errCorrupt = errors.New("notify: corrupt record")

// segFile is a segment's storage: a file, or memory.
type segFile interface {
	io.ReaderAt
	io.WriterAt
	Sync() error
	Truncate(size int64) error
	Close() error
}

// segment is one file of the log. first and name never change; size and
// last change under Queue.mu, by the flushing goroutine only.
type segment struct {
	first uint64 // sequence number the file is named by
	path  string // "" in memory
	f     segFile
	size  int64  // bytes of whole records written
	last  uint64 // sequence number of the last record (0: none yet)
	dirty bool   // in Queue.unsynced
}

// appendRecord encodes one record onto buf.
func appendRecord(buf []byte, seq uint64, payload []byte) []byte {
	var h [headerSize]byte
	binary.LittleEndian.PutUint32(h[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint64(h[8:16], seq)
	crc := crc32.Update(crc32.Checksum(h[8:16], castagnoli), castagnoli, payload)
	binary.LittleEndian.PutUint32(h[4:8], crc)
	return append(append(buf, h[:]...), payload...)
}

// errShort marks a buffer that ends inside a record.
var errShort = errors.New("notify: short record")

// parseRecord decodes the record at the start of b, returning its
// sequence number, payload (aliasing b) and length; errShort when b ends
// inside it, errCorrupt when it fails its checks.
func parseRecord(b []byte) (uint64, []byte, int, error) {
	if len(b) < headerSize {
		return 0, nil, 0, errShort
	}
	n := int(binary.LittleEndian.Uint32(b[0:4]))
	if n > maxPayload {
		return 0, nil, 0, errCorrupt
	}
	if len(b)-headerSize < n {
		return 0, nil, 0, errShort
	}
	payload := b[headerSize : headerSize+n]
	crc := crc32.Update(crc32.Checksum(b[8:16], castagnoli), castagnoli, payload)
	if crc != binary.LittleEndian.Uint32(b[4:8]) {
		return 0, nil, 0, errCorrupt
	}
	return binary.LittleEndian.Uint64(b[8:16]), payload, headerSize + n, nil
}

// recordReader reads a segment's records through a buffer, so a worker
// makes one read per many records.
type recordReader struct {
	buf    []byte
	bufOff int64 // file offset of buf[0]
}

// read returns the record at off of f, which holds size bytes, and the
// offset after it. The payload is valid until the next read.
func (r *recordReader) read(f io.ReaderAt, off, size int64) (uint64, []byte, int64, error) {
	if off >= r.bufOff && off < r.bufOff+int64(len(r.buf)) {
		seq, payload, n, err := parseRecord(r.buf[off-r.bufOff:])
		if err == nil {
			return seq, payload, off + int64(n), nil
		}
		if err != errShort {
			return 0, nil, off, err
		}
	}
	// Refill from off: 64 KiB, or the whole record when larger.
	want := min(size-off, 64<<10)
	if want >= headerSize {
		var h [4]byte
		if _, err := f.ReadAt(h[:], off); err != nil {
			return 0, nil, off, err
		}
		want = min(size-off, max(want, headerSize+int64(binary.LittleEndian.Uint32(h[:]))))
	}
	if int64(cap(r.buf)) < want {
		r.buf = make([]byte, want)
	}
	r.buf = r.buf[:want]
	if _, err := f.ReadAt(r.buf, off); err != nil && !(err == io.EOF) {
		return 0, nil, off, err
	}
	r.bufOff = off
	seq, payload, n, err := parseRecord(r.buf)
	if err == errShort {
		err = errCorrupt // size says the record is whole
	}
	if err != nil {
		return 0, nil, off, err
	}
	return seq, payload, off + int64(n), nil
}

// reset forgets the buffer (its segment is no longer read).
func (r *recordReader) reset() { r.buf, r.bufOff = r.buf[:0], 0 }

// segName is the file name of the segment starting at first.
func segName(first uint64) string { return fmt.Sprintf("%016x%s", first, segSuffix) }

// openSegments opens the log in dir, creating dir and a first segment
// when there is none. A torn record at the end of the last segment (a
// crash during an append, which was never acknowledged) is cut off.
func openSegments(dir string) ([]*segment, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var firsts []uint64
	for _, e := range names {
		base, ok := strings.CutSuffix(e.Name(), segSuffix)
		if !ok || len(base) != 16 {
			continue
		}
		first, err := strconv.ParseUint(base, 16, 64)
		if err != nil {
			continue
		}
		firsts = append(firsts, first)
	}
	sort.Slice(firsts, func(i, j int) bool { return firsts[i] < firsts[j] })
	var segs []*segment
	fail := func(err error) ([]*segment, error) {
		for _, s := range segs {
			s.f.Close()
		}
		return nil, err
	}
	for i, first := range firsts {
		path := filepath.Join(dir, segName(first))
		f, err := os.OpenFile(path, os.O_RDWR, 0o600)
		if err != nil {
			return fail(err)
		}
		s := &segment{first: first, path: path, f: f}
		segs = append(segs, s)
		data, err := io.ReadAll(f)
		if err != nil {
			return fail(err)
		}
		off := 0
		for off < len(data) {
			seq, _, n, err := parseRecord(data[off:])
			// Sequence numbers only grow: a "record" that goes back is
			// the leftover of an older, torn one.
			if err != nil || seq <= s.last {
				break
			}
			s.last, off = seq, off+n
		}
		s.size = int64(off)
		if off < len(data) {
			if i < len(firsts)-1 {
				return fail(fmt.Errorf("%w in %s at offset %d", errCorrupt, path, off))
			}
			if err := f.Truncate(int64(off)); err != nil {
				return fail(err)
			}
		}
	}
	if len(segs) == 0 {
		s, err := createSegment(dir, 1)
		if err != nil {
			return nil, err
		}
		segs = append(segs, s)
	}
	return segs, nil
}

// createSegment creates the segment file starting at first, durably
// (the directory is synced so the name survives a crash).
func createSegment(dir string, first uint64) (*segment, error) {
	if dir == "" {
		return &segment{first: first, f: &memFile{}}, nil
	}
	path := filepath.Join(dir, segName(first))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syncDir(dir); err != nil {
		f.Close()
		return nil, err
	}
	return &segment{first: first, path: path, f: f}, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// memFile is a segment in memory.
type memFile struct {
	mu  sync.RWMutex
	buf []byte
}

func (m *memFile) ReadAt(p []byte, off int64) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if off >= int64(len(m.buf)) {
		return 0, io.EOF
	}
	n := copy(p, m.buf[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (m *memFile) WriteAt(p []byte, off int64) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if end := off + int64(len(p)); end > int64(len(m.buf)) {
		m.buf = append(m.buf, make([]byte, end-int64(len(m.buf)))...)
	}
	return copy(m.buf[off:], p), nil
}

func (m *memFile) Truncate(size int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.buf = m.buf[:min(size, int64(len(m.buf)))]
	return nil
}

func (m *memFile) Sync() error  { return nil }
func (m *memFile) Close() error { return nil }

// cursor is where a target's delivery stands: the sequence number of the
// next event to deliver, persisted in two alternating 16-byte slots
// (sequence number, CRC-32C of it) so a torn write leaves the other slot
// valid. It is not fsynced: losing an update only means delivering some
// events again, which at-least-once allows.
type cursor struct {
	f    *os.File // nil in memory
	next atomic.Uint64
	slot int64
}

// load returns the cursor's position (safe from any goroutine).
func (c *cursor) load() uint64 { return c.next.Load() }

// openCursor reads or creates the cursor file at path ("": in memory).
func openCursor(path string) (*cursor, error) {
	c := &cursor{}
	if path == "" {
		return c, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	c.f = f
	var b [32]byte
	n, _ := f.ReadAt(b[:], 0)
	for slot := range int64(2) {
		if int64(n) < (slot+1)*16 {
			break
		}
		s := b[slot*16 : slot*16+16]
		if crc32.Checksum(s[:8], castagnoli) != binary.LittleEndian.Uint32(s[8:12]) {
			continue
		}
		if v := binary.LittleEndian.Uint64(s[:8]); v >= c.next.Load() {
			c.next.Store(v)
			c.slot = 1 - slot
		}
	}
	return c, nil
}

// store records next as the cursor's position.
func (c *cursor) store(next uint64) error {
	c.next.Store(next)
	if c.f == nil {
		return nil
	}
	var s [16]byte
	binary.LittleEndian.PutUint64(s[:8], next)
	binary.LittleEndian.PutUint32(s[8:12], crc32.Checksum(s[:8], castagnoli))
	_, err := c.f.WriteAt(s[:], c.slot*16)
	c.slot = 1 - c.slot
	return err
}
