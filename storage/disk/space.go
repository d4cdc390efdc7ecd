package disk

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/s3kit/s3kit/storage"
)

// A full disk must degrade the store, never wedge it: deletes, aborts and
// listings must keep working (they are how a user frees space) and Open
// must always succeed. Those operations add no data, but they still
// write: a log record, or a bbolt commit, which copies the pages it
// changes to free pages (growing index.db when there are none), and
// folding logged changes into the index writes their values again.
//
// So the store keeps a reserve: a file (reserveName) of Options.Reserve
// bytes whose blocks are allocated (fallocate on Linux) at Open. When a
// log append or an index commit fails for lack of space, the reserve is
// released (the file truncated to zero) and the write retried once, now
// with the reserve's blocks free. From then on the store is "full": new
// data (PUT, UploadPart, CopyObject, a Complete that copies parts) is
// refused with storage.ErrInsufficientStorage before any byte is
// written, and bodies still streaming stop at their next chunk, so what
// the reserve freed goes to the changes that free space. Writes that add
// data are admitted again, and the reserve re-allocated, once the file
// system has twice the reserve free (see admit).
//
// A content file write that runs out of space fails its own upload only
// (its file is removed, giving the space back) and does not touch the
// reserve.

// reserveName is the reserve file in the store's directory.
const reserveName = "reserve"

// DefaultReserve is the reserve's size when Options.Reserve is 0 (on a
// file system smaller than eight times that, an eighth of it). The
// largest write a change that adds no data may need is the fold of the
// logged changes into the index: up to twice walMax of records (the log
// may grow that far while a background checkpoint runs), which bbolt
// writes to new pages before it frees the old ones.
const DefaultReserve = 32 << 20

// minResume is the free space, beyond the reserve, needed before writes
// that add data are admitted again when there is no reserve to restore.
const minResume = 1 << 20

// faultOp names a kind of write, for tests that simulate a full disk
// (Options.fault): content file writes, log appends, index commits and
// allocating the reserve. Releasing the reserve is reported as
// faultRelease, so a test can model the space it frees.
type faultOp int

const (
	faultData faultOp = iota
	faultLog
	faultIndex
	faultReserve
	faultRelease
)

// inject returns the error a test's fault hook makes op fail with (nil
// without a hook).
func inject(fault func(faultOp) error, op faultOp) error {
	if fault == nil {
		return nil
	}
	return fault(op)
}

// isNoSpace reports whether err means the file system is full (or the
// user's quota on it is).
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// noSpace marks an out-of-space error as storage.ErrInsufficientStorage,
// keeping the system error in the chain; other errors pass unchanged.
func noSpace(err error) error {
	if err == nil || !isNoSpace(err) || errors.Is(err, storage.ErrInsufficientStorage) {
		return err
	}
	return fmt.Errorf("%w: %w", storage.ErrInsufficientStorage, err)
}

// space keeps the reserve and the store's full state.
type space struct {
	dir   string
	size  int64 // 0: no reserve
	fault func(faultOp) error
	log   *slog.Logger
	// full is set while writes that add data are refused.
	full atomic.Bool

	mu   sync.Mutex
	held bool      // the reserve file has its blocks
	next time.Time // earliest next restore attempt without statfs
}

func newSpace(dir string, size int64, fault func(faultOp) error, log *slog.Logger) *space {
	switch {
	case size == 0:
		size = DefaultReserve
		if _, total, ok := statfs(dir); ok {
			// A small file system keeps an eighth of itself.
			size = min(size, total/8)
		}
	case size < 0:
		size = 0
	}
	return &space{dir: dir, size: size, fault: fault, log: log}
}

func (sp *space) path() string { return filepath.Join(sp.dir, reserveName) }

// hold allocates the reserve. Without room for it the store starts full.
// The caller holds mu (or is Open, before anyone else runs).
func (sp *space) hold() error {
	if sp.size == 0 {
		sp.held = true
		return nil
	}
	f, err := os.OpenFile(sp.path(), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return noSpace(err)
	}
	defer f.Close()
	if err = inject(sp.fault, faultReserve); err == nil {
		err = allocate(f, sp.size)
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		_ = f.Truncate(0) // give back what was allocated
		return noSpace(err)
	}
	sp.held = true
	return nil
}

// adopt takes the reserve a previous run left as held, so that Open can
// release it if replaying the log needs its space.
func (sp *space) adopt() {
	fi, err := os.Stat(sp.path())
	sp.held = sp.size == 0 || err == nil && fi.Size() >= sp.size
}

// open allocates the reserve at Open; without room for it, the store
// starts full.
func (sp *space) open() error {
	if err := sp.hold(); err != nil {
		if !isNoSpace(err) {
			return fmt.Errorf("allocate reserve: %w", err)
		}
		sp.full.Store(true)
		sp.log.Warn("storage: disk full at open: refusing new data until space is freed", "dir", sp.dir, "reserve", sp.size)
	}
	return nil
}

// release frees the reserve after err, a failed write of a change that
// adds no data. It reports whether the write should be retried: err was
// a lack of space and the reserve had blocks to give back.
func (sp *space) release(err error) bool {
	if !isNoSpace(err) {
		return false
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	wasFull := sp.full.Swap(true)
	if !sp.held {
		return false
	}
	sp.held = false
	if sp.size == 0 {
		return false
	}
	_ = inject(sp.fault, faultRelease)
	if terr := os.Truncate(sp.path(), 0); terr != nil && !errors.Is(terr, os.ErrNotExist) {
		sp.log.Error("storage: cannot release the free-space reserve", "dir", sp.dir, "err", terr)
		return false
	}
	if !wasFull {
		sp.log.Warn("storage: disk full: released the free-space reserve; refusing new data until space is freed", "dir", sp.dir, "reserve", sp.size, "err", err)
	}
	return true
}

// admit returns storage.ErrInsufficientStorage while the store is full
// and space has not come back. Space has come back when the file system
// has room for the reserve and as much again (at least minResume beyond
// the reserve; just minResume when the reserve is still held): the
// reserve is then allocated again and writes resume. Without a way to
// ask the file system (statfs), it tries to allocate the reserve at most
// once a second.
func (sp *space) admit() error {
	if !sp.full.Load() {
		return nil
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if !sp.full.Load() {
		return nil
	}
	avail, _, known := statfs(sp.dir)
	need := int64(minResume)
	if !sp.held {
		need = max(2*sp.size, sp.size+minResume)
	}
	now := time.Now()
	switch {
	case known && avail < need:
		return errFull
	case !known && now.Before(sp.next):
		return errFull
	}
	sp.next = now.Add(time.Second)
	if !sp.held {
		if err := sp.hold(); err != nil {
			return fmt.Errorf("%w: %w", errFull, err)
		}
	}
	sp.full.Store(false)
	sp.log.Info("storage: free space is back: accepting new data", "dir", sp.dir)
	return nil
}

// errFull refuses a write that adds data while the store is full.
var errFull = fmt.Errorf("%w: the disk is full; delete objects or free space on the server's disk, then retry", storage.ErrInsufficientStorage)

// writeZeros makes f size bytes long by writing zeros, so its blocks are
// allocated.
func writeZeros(f *os.File, size int64) error {
	zeros := make([]byte, min(size, 1<<20))
	for off := int64(0); off < size; {
		n, err := f.WriteAt(zeros[:min(int64(len(zeros)), size-off)], off)
		if err != nil {
			return err
		}
		off += int64(n)
	}
	return nil
}
