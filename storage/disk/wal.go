package disk

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
)

// The write-ahead log makes small object writes durable with one
// sequential write and one fdatasync per group, instead of a bbolt commit
// (page writes and two fdatasyncs). Records are folded into the index
// later, at a checkpoint; until then they live in the overlay, which
// readers consult before the index.
//
// File format: records back to back from offset 0, each
//
//	u32 payload length | u32 CRC-32C of payload | payload
//	payload: u64 seq | uvarint len + bucket | uvarint len + key | op byte | value
//
// Sequence numbers grow by one per record and are never reused. The index
// stores the last sequence number a checkpoint folded in (key walSeq in
// bucket meta); after a checkpoint the log is rewritten from offset 0, so
// stale records may follow the live ones. Replay therefore starts only if
// the first record is the checkpoint's successor and stops at the first
// record that is torn, fails its checksum or breaks the sequence.

const (
	walName = "wal"
	// walMax is the log size (since the last checkpoint) that triggers a
	// checkpoint; it also bounds the overlay's memory.
	walMax = 16 << 20
	// walMaxEntries also triggers a checkpoint: it bounds the work one
	// checkpoint does, and so how long a listing that waits for one
	// (listings read the index) can stall after a burst of small writes.
	walMaxEntries = 16384
	// walHeader is the length and checksum before each payload.
	walHeader = 8

	opPut    = 1
	opDelete = 2
)

var (
	bktMeta = []byte("meta")   // store-wide values
	keySeq  = []byte("walSeq") // in meta: last log record folded into the index
)

// crcTable returns the CRC32C table. It is built on first use (the
// standard library caches it), not at package init, so a process that
// never opens a store (`s3kit creds`) does not pay for it.
func crcTable() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) }

// walRec is one logged change: the object record's new stored value, or a
// deletion (del, val nil).
type walRec struct {
	seq         uint64
	bucket, key string
	del         bool
	val         []byte
}

// wal is the log file. It is used only by the committer goroutine (and by
// Open before that starts).
type wal struct {
	f   *os.File
	off int64  // end of the live records
	seq uint64 // last sequence number handed out
	buf []byte // reused encoding buffer
}

// walBufKeep is the largest encoding buffer kept between appends.
const walBufKeep = 1 << 20

// append writes recs (assigning their sequence numbers) and makes them
// durable. On failure the log may hold part of them; the caller must stop
// logging until a checkpoint rewrites the log.
func (w *wal) append(recs []walRec) error {
	size := 0
	for i := range recs {
		size += walHeader + 8 + 2*binary.MaxVarintLen64 + len(recs[i].bucket) + len(recs[i].key) + 1 + len(recs[i].val)
	}
	if cap(w.buf) < size || cap(w.buf) > walBufKeep && size <= walBufKeep {
		w.buf = make([]byte, 0, size)
	}
	buf := w.buf[:0]
	for i := range recs {
		w.seq++
		recs[i].seq = w.seq
		buf = appendWalRec(buf, &recs[i])
	}
	w.buf = buf
	if _, err := w.f.WriteAt(buf, w.off); err != nil {
		return fmt.Errorf("write log: %w", err)
	}
	if err := fdatasync(w.f); err != nil {
		return fmt.Errorf("sync log: %w", err)
	}
	w.off += int64(len(buf))
	return nil
}

func appendWalRec(buf []byte, r *walRec) []byte {
	start := len(buf)
	buf = append(buf, 0, 0, 0, 0, 0, 0, 0, 0) // walHeader, filled in below
	buf = binary.BigEndian.AppendUint64(buf, r.seq)
	buf = binary.AppendUvarint(buf, uint64(len(r.bucket)))
	buf = append(buf, r.bucket...)
	buf = binary.AppendUvarint(buf, uint64(len(r.key)))
	buf = append(buf, r.key...)
	if r.del {
		buf = append(buf, opDelete)
	} else {
		buf = append(buf, opPut)
		buf = append(buf, r.val...)
	}
	payload := buf[start+walHeader:]
	binary.BigEndian.PutUint32(buf[start:], uint32(len(payload)))
	binary.BigEndian.PutUint32(buf[start+4:], crc32.Checksum(payload, crcTable()))
	return buf
}

// readWal returns the live records of a log whose checkpoint is at seq
// applied (see the format above).
func readWal(f *os.File, applied uint64) ([]walRec, error) {
	data, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<62))
	if err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	var recs []walRec
	for len(data) >= walHeader {
		n := binary.BigEndian.Uint32(data)
		if uint64(n) > uint64(len(data)-walHeader) {
			break // torn
		}
		payload := data[walHeader : walHeader+int(n)]
		if crc32.Checksum(payload, crcTable()) != binary.BigEndian.Uint32(data[4:]) {
			break
		}
		r, ok := parseWalRec(payload)
		if !ok || r.seq != applied+uint64(len(recs))+1 {
			break // stale, or the end of the live records
		}
		recs = append(recs, r)
		data = data[walHeader+int(n):]
	}
	return recs, nil
}

func parseWalRec(p []byte) (walRec, bool) {
	var r walRec
	if len(p) < 8 {
		return r, false
	}
	r.seq, p = binary.BigEndian.Uint64(p), p[8:]
	str := func() (string, bool) {
		n, k := binary.Uvarint(p)
		if k <= 0 || n > uint64(len(p)-k) {
			return "", false
		}
		s := string(p[k : k+int(n)])
		p = p[k+int(n):]
		return s, true
	}
	var ok bool
	if r.bucket, ok = str(); !ok {
		return r, false
	}
	if r.key, ok = str(); !ok || len(p) < 1 {
		return r, false
	}
	switch p[0] {
	case opPut:
		r.val = p[1:]
	case opDelete:
		r.del = true
	default:
		return r, false
	}
	return r, true
}

// errNoBucketInLog marks a logged record whose bucket is gone; it cannot
// happen (deleting a bucket folds the overlay in first) and is skipped.
var errNoBucketInLog = errors.New("logged object in a missing bucket")

// ovKey names an object in the overlay.
type ovKey struct{ bucket, key string }

// ovVal is an object's logged state: its stored value, or deleted.
type ovVal struct {
	val []byte // never modified once stored
	del bool
}

// overlay holds the logged changes not yet folded into the index. Readers
// look here first; the committer adds to it after a log write is durable
// and empties it after a checkpoint commit is.
type overlay struct {
	mu      sync.RWMutex
	m       map[ovKey]ovVal
	buckets map[string]int // entries per bucket
}

func newOverlay() *overlay {
	return &overlay{m: map[ovKey]ovVal{}, buckets: map[string]int{}}
}

func (o *overlay) get(bucket, key string) (ovVal, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	v, ok := o.m[ovKey{bucket, key}]
	return v, ok
}

// has reports whether bucket has logged changes.
func (o *overlay) has(bucket string) bool {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.buckets[bucket] > 0
}

func (o *overlay) len() int {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return len(o.m)
}

func (o *overlay) add(recs []walRec) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range recs {
		k := ovKey{r.bucket, r.key}
		if _, ok := o.m[k]; !ok {
			o.buckets[r.bucket]++
		}
		o.m[k] = ovVal{val: r.val, del: r.del}
	}
}

// each calls fn for every entry in (bucket, key) order: bbolt inserts
// keys in order far faster than scattered ones (a checkpoint of 100,000
// logged keys took 5.5 s in map order), so the checkpoint, and a listing
// that waits for it, stays short. Only the committer, the one writer, may
// call it, so it reads without the lock.
func (o *overlay) each(fn func(ovKey, ovVal) error) error {
	keys := make([]ovKey, 0, len(o.m))
	for k := range o.m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b ovKey) int {
		if c := strings.Compare(a.bucket, b.bucket); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	for _, k := range keys {
		if err := fn(k, o.m[k]); err != nil {
			return err
		}
	}
	return nil
}

func (o *overlay) clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.m)
	clear(o.buckets)
}
