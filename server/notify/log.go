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
	size  int64  // bytes of whole, synced records
	last  uint64 // sequence number of the last record (0: none yet)
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

// readRecord reads the record at off in f, which holds size bytes; it
// returns the record's sequence number, payload and the next offset.
func readRecord(f io.ReaderAt, off, size int64) (uint64, []byte, int64, error) {
	if size-off < headerSize {
		return 0, nil, off, errCorrupt
	}
	var h [headerSize]byte
	if _, err := f.ReadAt(h[:], off); err != nil {
		return 0, nil, off, err
	}
	n := int64(binary.LittleEndian.Uint32(h[0:4]))
	if n > maxPayload || size-off-headerSize < n {
		return 0, nil, off, errCorrupt
	}
	payload := make([]byte, n)
	if _, err := f.ReadAt(payload, off+headerSize); err != nil {
		return 0, nil, off, err
	}
	crc := crc32.Update(crc32.Checksum(h[8:16], castagnoli), castagnoli, payload)
	if crc != binary.LittleEndian.Uint32(h[4:8]) {
		return 0, nil, off, errCorrupt
	}
	return binary.LittleEndian.Uint64(h[8:16]), payload, off + headerSize + n, nil
}

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
		st, err := f.Stat()
		if err != nil {
			return fail(err)
		}
		var off int64
		for off < st.Size() {
			seq, _, next, err := readRecord(f, off, st.Size())
			if err != nil {
				break
			}
			s.last, off = seq, next
		}
		s.size = off
		if off < st.Size() {
			if i < len(firsts)-1 {
				return fail(fmt.Errorf("%w in %s at offset %d", errCorrupt, path, off))
			}
			if err := f.Truncate(off); err != nil {
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
	next uint64
	slot int64
}

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
		if v := binary.LittleEndian.Uint64(s[:8]); v >= c.next {
			c.next, c.slot = v, 1-slot
		}
	}
	return c, nil
}

// store records next as the cursor's position.
func (c *cursor) store(next uint64) error {
	c.next = next
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
