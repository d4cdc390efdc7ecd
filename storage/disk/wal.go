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
	"time"
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
// A file grows in steps of zeros (walGrow) ahead of its records.
//
// The log is two files, wal and wal.1, used in turn: a checkpoint freezes
// the records of the current file and folds them into the index in the
// background while new records go to the other file from offset 0, so
// writers never wait for a checkpoint (unless the log outgrows twice its
// limit while one is still running).
//
// Sequence numbers grow by one per record. The index stores the last
// sequence number a checkpoint folded in (key walSeq in bucket meta). A
// file is always rewritten from offset 0, so stale records may follow its
// live ones. A file's chain is its records from offset 0 for as long as
// they are whole, pass their checksum and number consecutively. Replay
// takes the chain that starts at the checkpoint's successor, then the
// other file's chain if it starts where that one ends. After replay, Open
// empties both files, so no record left from before a crash can ever
// extend a chain written after it.

const (
	// walMax is the log size (since the last checkpoint) that triggers a
	// checkpoint; it also bounds the overlay's memory.
	walMax int64 = 8 << 20
	// walMaxEntries also triggers a checkpoint: it bounds the work one
	// checkpoint does, and so how long a listing that waits for one
	// (listings read the index) can stall after a burst of small writes.
	// Tests lower it through Options.logMaxEntries.
	walMaxEntries = 8192
)

const (
	walName = "wal"
	// walName1 is the log's second file.
	walName1 = "wal.1"
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

// wal is the log's two files. It is used only by the committer goroutine
// (and by Open before that starts).
type wal struct {
	files [2]*os.File
	cur   int   // the file records are appended to
	off   int64 // end of the live records in the current file
	// size is how far each file has been written (records or the zeros
	// that grow it; see walGrow).
	size [2]int64
	// zeros is walGrow zero bytes, made on the first growth.
	zeros []byte
	seq   uint64 // last sequence number handed out
	buf   []byte // reused encoding buffer for record heads
	// heads and pieces are reused slices for append's vectored write.
	heads, pieces [][]byte
	// lastSync is how long the last flush took. The next one is a raw
	// system call only while flushes take less than rawSyncMax (see
	// fdatasync), since a garbage collection's stop-the-world phase waits
	// for a raw flush: a disk that stalls costs one such wait, after which
	// flushes go through the runtime's ordinary call until they are fast
	// again.
	lastSync time.Duration
	// fault, set by tests, can fail appends as a full disk would.
	fault func(faultOp) error
	// unfolded is set when Open could not fold the files' records into
	// the index (see openUnfolded): nothing is appended until they are.
	unfolded bool
}

// rawSyncMax is the flush time below which the log flushes with a raw
// system call. Flushes take 1-2 ms on the project's machine (a virtio
// disk); a disk that stalls for longer drops back to the ordinary call.
const rawSyncMax = 10 * time.Millisecond

// walGrow is the step by which a log file grows. An append that would
// write past a file's end also writes zeros up to the next multiple of
// walGrow, in the same vectored write. Then most flushes overwrite blocks
// the file already has: fdatasync need only write the data, while a
// flush after a write that extends the file must also write the file's
// new size (on ext4 without a journal, as on the project's machine, a
// second synchronous write; with one, a journal commit). The zeros end
// the chain like a torn record would.
const walGrow = 256 << 10

// switchFile makes the other file current, from offset 0. Its old
// records must all be folded into the index.
func (w *wal) switchFile() {
	w.cur ^= 1
	w.off = 0
}

// truncate empties both log files (best effort).
func (w *wal) truncate() {
	for _, f := range w.files {
		if f != nil {
			_ = f.Truncate(0)
		}
	}
	w.off = 0
	w.size = [2]int64{}
}

func (w *wal) close() error {
	var err error
	for _, f := range w.files {
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	}
	return err
}

// walBufKeep is the largest encoding buffer kept between appends.
const walBufKeep = 1 << 20

// append writes recs (assigning their sequence numbers) and makes them
// durable. On failure the log may hold part of them; the caller must stop
// logging until a checkpoint rewrites the log, or write the same records
// again at once (with w.seq reset, so they get the same numbers: the
// retry then overwrites whatever part of them the failure left).
//
// Only the records' heads are encoded into a buffer; the values (object
// records with their inline bodies) go to the file from where they are,
// in one vectored write, so the committer copies no body.
func (w *wal) append(recs []walRec) error {
	size := 0
	for i := range recs {
		size += walHeader + 8 + 2*binary.MaxVarintLen64 + len(recs[i].bucket) + len(recs[i].key) + 1
	}
	if cap(w.buf) < size || cap(w.buf) > walBufKeep && size <= walBufKeep {
		w.buf = make([]byte, 0, size)
	}
	buf := w.buf[:0] // large enough: no reallocation below
	heads := w.heads[:0]
	for i := range recs {
		w.seq++
		recs[i].seq = w.seq
		start := len(buf)
		buf = appendWalRec(buf, &recs[i], false)
		heads = append(heads, buf[start:])
	}
	w.buf = buf
	pieces := w.pieces[:0]
	n := 0
	for i := range recs {
		pieces = append(pieces, heads[i])
		n += len(heads[i])
		if !recs[i].del && len(recs[i].val) > 0 {
			pieces = append(pieces, recs[i].val)
			n += len(recs[i].val)
		}
	}
	grown := w.size[w.cur]
	if end := w.off + int64(n); end > grown {
		grown = (end + walGrow - 1) / walGrow * walGrow
		if w.zeros == nil {
			w.zeros = make([]byte, walGrow)
		}
		pieces = append(pieces, w.zeros[:grown-end])
	}
	f := w.files[w.cur]
	err := inject(w.fault, faultLog)
	if err == nil {
		err = writeVec(f, pieces, w.off)
	}
	w.heads, w.pieces = clearTail(heads), clearTail(pieces)
	if err != nil {
		return fmt.Errorf("write log: %w", err)
	}
	w.size[w.cur] = grown
	start := time.Now()
	if err := fdatasync(f, w.lastSync < rawSyncMax); err != nil {
		return fmt.Errorf("sync log: %w", err)
	}
	w.lastSync = time.Since(start)
	w.off += int64(n)
	return nil
}

// clearTail drops s's references (to values that the overlay may release
// later) and keeps its capacity.
func clearTail(s [][]byte) [][]byte {
	clear(s)
	return s[:0]
}

// appendWalRec appends r's record to buf: the whole record when withVal is
// set, otherwise everything but the value, which must then follow it in
// the file (the header's length and checksum cover it either way).
func appendWalRec(buf []byte, r *walRec, withVal bool) []byte {
	start := len(buf)
	buf = append(buf, 0, 0, 0, 0, 0, 0, 0, 0) // walHeader, filled in below
	buf = binary.BigEndian.AppendUint64(buf, r.seq)
	buf = binary.AppendUvarint(buf, uint64(len(r.bucket)))
	buf = append(buf, r.bucket...)
	buf = binary.AppendUvarint(buf, uint64(len(r.key)))
	buf = append(buf, r.key...)
	var val []byte
	if r.del {
		buf = append(buf, opDelete)
	} else {
		buf = append(buf, opPut)
		val = r.val
	}
	if withVal {
		buf = append(buf, val...)
		val = nil
	}
	payload := buf[start+walHeader:]
	crc := crc32.Checksum(payload, crcTable())
	crc = crc32.Update(crc, crcTable(), val)
	binary.BigEndian.PutUint32(buf[start:], uint32(len(payload)+len(val)))
	binary.BigEndian.PutUint32(buf[start+4:], crc)
	return buf
}

// readWal returns the live records of one log file whose checkpoint is at
// seq applied: its chain, if that starts at applied+1 (see the format
// above).
func readWal(f *os.File, applied uint64) ([]walRec, error) {
	recs, err := readChain(f)
	if err != nil || len(recs) == 0 || recs[0].seq != applied+1 {
		return nil, err
	}
	return recs, nil
}

// readWalFiles returns the live records of the log's files (nil entries
// are skipped) whose checkpoint is at seq applied.
func readWalFiles(files []*os.File, applied uint64) ([]walRec, error) {
	chains := make([][]walRec, len(files))
	for i, f := range files {
		if f == nil {
			continue
		}
		var err error
		if chains[i], err = readChain(f); err != nil {
			return nil, err
		}
	}
	var recs []walRec
	for next, used := applied+1, 0; used < len(chains); used++ {
		found := false
		for i, c := range chains {
			if len(c) > 0 && c[0].seq == next {
				recs = append(recs, c...)
				next = c[len(c)-1].seq + 1
				chains[i] = nil
				found = true
				break
			}
		}
		if !found {
			break
		}
	}
	return recs, nil
}

// readChain returns a log file's chain: its records from offset 0 up to
// the first one that is torn, fails its checksum or does not follow its
// predecessor's sequence number.
func readChain(f *os.File) ([]walRec, error) {
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
		if !ok || len(recs) > 0 && r.seq != recs[len(recs)-1].seq+1 {
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
// look here first; the committer adds to it after a log write is durable.
// It has two layers: the current one (m), and the one a background
// checkpoint is folding into the index (old, frozen: never modified, and
// dropped only after the checkpoint commit is durable). A lookup checks m,
// then old, under one lock, so a reader that misses both finds the change
// in the index.
type overlay struct {
	mu         sync.RWMutex
	m          map[ovKey]ovVal
	buckets    map[string]int // entries per bucket
	old        map[ovKey]ovVal
	oldBuckets map[string]int
	// spare and spareBuckets are a dropped frozen layer's emptied maps,
	// kept for the next freeze (a map regrown from nothing costs more).
	spare        map[ovKey]ovVal
	spareBuckets map[string]int
}

func newOverlay() *overlay {
	return &overlay{m: map[ovKey]ovVal{}, buckets: map[string]int{}}
}

func (o *overlay) get(bucket, key string) (ovVal, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	k := ovKey{bucket, key}
	if v, ok := o.m[k]; ok {
		return v, true
	}
	v, ok := o.old[k]
	return v, ok
}

// has reports whether bucket has logged changes.
func (o *overlay) has(bucket string) bool {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.buckets[bucket] > 0 || o.oldBuckets[bucket] > 0
}

// len returns the number of entries in the current layer.
func (o *overlay) len() int {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return len(o.m)
}

// hasOld reports whether a frozen layer exists (only the committer calls
// it, and only the committer changes old).
func (o *overlay) hasOld() bool { return o.old != nil }

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

// freeze makes the current layer the frozen one and starts an empty one.
// There must be no frozen layer.
func (o *overlay) freeze() map[ovKey]ovVal {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.old, o.oldBuckets = o.m, o.buckets
	o.m, o.buckets = o.spare, o.spareBuckets
	o.spare, o.spareBuckets = nil, nil
	if o.m == nil {
		o.m, o.buckets = map[ovKey]ovVal{}, map[string]int{}
	}
	return o.old
}

// dropOld forgets the frozen layer once its checkpoint is durable. No
// reader holds its maps (lookups copy values out under the lock), so they
// are emptied for reuse.
func (o *overlay) dropOld() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.old != nil {
		clear(o.old)
		clear(o.oldBuckets)
		o.spare, o.spareBuckets = o.old, o.oldBuckets
	}
	o.old, o.oldBuckets = nil, nil
}

// each calls fn for every entry of m in (bucket, key) order: bbolt inserts
// keys in order far faster than scattered ones (a checkpoint of 100,000
// logged keys took 5.5 s in map order), so the checkpoint, and a listing
// that waits for it, stays short. m must not change meanwhile: it is a
// frozen layer, or the current one read by the committer (its only
// writer), so it reads without the lock.
func each(m map[ovKey]ovVal, fn func(ovKey, ovVal) error) error {
	keys := make([]ovKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b ovKey) int {
		if c := strings.Compare(a.bucket, b.bucket); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	for _, k := range keys {
		if err := fn(k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

// clear empties both layers once a commit holding them is durable.
func (o *overlay) clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.m)
	clear(o.buckets)
	o.old, o.oldBuckets = nil, nil
}
