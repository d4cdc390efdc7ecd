package disk

import (
	"encoding/binary"
	"errors"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// maxGroup caps how many updates share one transaction.
const maxGroup = 256

// maxLinger caps how long a group waits for more writers.
const maxLinger = 2 * time.Millisecond

// errRetry rolls a group's transaction back so it can run without the
// update that failed.
var errRetry = errors.New("retry group without failed update")

// ErrClosed is returned by operations on a closed Store.
var ErrClosed = errors.New("disk store closed")

// update is one change to the index. fn must make no writes before it has
// decided to fail, and must reset any outputs it records, because a group
// may run it more than once.
type update struct {
	fn func(tx *bolt.Tx) error
	// fast, when set, is the same change as an object record to log (see
	// wal.go); the committer uses it when the whole group qualifies.
	fast *fastOp
	done chan error
}

// fastOp is a write of one object record that may go through the log
// instead of a bbolt commit. mk gets the object's current stored value
// (nil when absent), checks preconditions, and returns the new value (nil
// to delete); like update.fn it may run more than once and must not keep
// cur. A change whose current object references content files never goes
// through the log (file reference counts live in the index).
type fastOp struct {
	bucket, key string
	mk          func(cur []byte) ([]byte, error)
}

// committer applies updates in groups: while one group's transaction is
// committing (and fsyncing), new updates queue up and then go together in
// the next transaction. Unlike bbolt's DB.Batch there is no timer, so a
// lone writer is not delayed and a crowd is coalesced naturally.
type committer struct {
	db   *bolt.DB
	log  *wal         // the write-ahead log
	ov   *overlay     // logged changes not yet in the index
	reqs chan *update // unbuffered: a sent update is always taken by the loop
	quit chan struct{}
	once sync.Once
	wg   sync.WaitGroup
	// logBroken is set when a log write failed: groups go through bbolt
	// until a checkpoint rewrites the log.
	logBroken bool
	// ckpt receives the outcome of the background checkpoint in flight
	// (nil when there is none).
	ckpt chan error
	// maxEntries is the overlay size that triggers a checkpoint
	// (walMaxEntries unless a test lowers it).
	maxEntries int
	// failCheckpoint, when set (by tests), can fail background checkpoints.
	failCheckpoint func() error
	// space is released when a commit runs out of it (see space.go).
	space *space
}

func newCommitter(db *bolt.DB, log *wal, ov *overlay, sp *space, opts Options) *committer {
	c := &committer{db: db, log: log, ov: ov, reqs: make(chan *update), quit: make(chan struct{}),
		maxEntries: walMaxEntries, failCheckpoint: opts.failCheckpoint, space: sp,
		logBroken: log.unfolded}
	if opts.logMaxEntries > 0 {
		c.maxEntries = opts.logMaxEntries
	}
	c.wg.Add(1)
	go c.loop()
	return c
}

// do applies fn durably and returns its error, like do, but lets the
// committer log fast instead when it can.
func (c *committer) doFast(fast *fastOp, fn func(tx *bolt.Tx) error) error {
	return c.send(&update{fn: fn, fast: fast, done: make(chan error, 1)})
}

// do applies fn durably and returns its error. It does not give up on
// context cancellation: once queued, the caller must learn the outcome.
func (c *committer) do(fn func(tx *bolt.Tx) error) error {
	return c.send(&update{fn: fn, done: make(chan error, 1)})
}

func (c *committer) send(u *update) error {
	select {
	case c.reqs <- u:
	case <-c.quit:
		return ErrClosed
	}
	return noSpace(<-u.done)
}

// update runs a bbolt transaction (failing it first when a test
// simulates a full disk).
func (c *committer) update(fn func(tx *bolt.Tx) error) error {
	return c.db.Update(func(tx *bolt.Tx) error {
		if err := inject(c.space.fault, faultIndex); err != nil {
			return err
		}
		return fn(tx)
	})
}

func (c *committer) close() {
	c.once.Do(func() { close(c.quit) })
	c.wg.Wait()
}

// loop gathers groups. Taking only the updates already waiting splits a
// steady crowd of writers into two cohorts that alternate (one commits
// while the other queues), halving the group size. So when the group is
// smaller than recent ones, the loop lingers briefly (at most half the last
// commit's duration, capped by maxLinger) for the rest of the crowd. A lone
// writer's groups are size 1 and it never waits.
func (c *committer) loop() {
	defer c.wg.Done()
	var recent [8]int // sizes of the last groups
	var lastCommit time.Duration
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	idle := time.NewTimer(time.Hour)
	idle.Stop()
	for g := 0; ; g++ {
		var first *update
		var idleC <-chan time.Time
		if c.ckpt == nil && (c.ov.len() > 0 || c.ov.hasOld()) {
			idle.Reset(idleCheckpoint)
			idleC = idle.C
		}
		select {
		case first = <-c.reqs:
		case err := <-c.ckpt: // nil channel when no checkpoint runs
			c.finishCheckpoint(err)
			continue
		case <-idleC:
			c.checkpoint() // while nobody is waiting
			continue
		case <-c.quit:
			c.waitCheckpoint()
			if c.ov.len() > 0 || c.ov.hasOld() {
				c.run(nil)
			}
			return
		}
		idle.Stop()
		group := []*update{first}
		target := 0
		for _, n := range recent {
			target = max(target, n)
		}
		linger := min(lastCommit/2, maxLinger)
		lingering := false
	gather:
		for len(group) < maxGroup {
			select {
			case u := <-c.reqs:
				group = append(group, u)
				continue
			default:
			}
			if len(group) >= target || linger <= 0 {
				break
			}
			if !lingering {
				timer.Reset(linger)
				lingering = true
			}
			select {
			case u := <-c.reqs:
				group = append(group, u)
			case <-timer.C:
				lingering = false
				break gather
			}
		}
		if lingering {
			timer.Stop() // Go 1.23+ timers: no stale value to drain
		}
		start := time.Now()
		c.commit(group)
		lastCommit = time.Since(start)
		recent[g%len(recent)] = len(group)
	}
}

// idleCheckpoint is how long the committer waits with logged changes and
// no requests before folding them into the index.
const idleCheckpoint = 100 * time.Millisecond

// commit makes a group durable: through the log when every update in it
// qualifies, through a bbolt commit otherwise.
func (c *committer) commit(group []*update) {
	if !c.logBroken && c.logGroup(group) {
		if c.log.off >= walMax || c.ov.len() >= c.maxEntries {
			c.checkpoint()
		}
		return
	}
	c.run(group)
}

// checkpoint starts folding the current log file into the index in the
// background. While one still runs the log keeps growing; only at twice
// its limits does the committer wait for it (so memory and the next
// checkpoint's work stay bounded). After a failed checkpoint it folds
// everything in the foreground instead.
func (c *committer) checkpoint() {
	if c.ckpt != nil {
		if c.log.off < 2*walMax && c.ov.len() < 2*c.maxEntries {
			return
		}
		c.waitCheckpoint()
	}
	if c.ov.hasOld() {
		c.run(nil)
		return
	}
	if c.ov.len() == 0 {
		return
	}
	frozen := c.ov.freeze()
	seq := c.log.seq
	c.log.switchFile()
	done := make(chan error, 1)
	c.ckpt = done
	failCheckpoint := c.failCheckpoint
	go func() {
		done <- c.update(func(tx *bolt.Tx) error {
			if err := foldMap(tx, frozen); err != nil {
				return err
			}
			if failCheckpoint != nil {
				if err := failCheckpoint(); err != nil {
					return err
				}
			}
			return tx.Bucket(bktMeta).Put(keySeq, binary.BigEndian.AppendUint64(nil, seq))
		})
	}()
}

// waitCheckpoint waits for the background checkpoint, if one runs.
func (c *committer) waitCheckpoint() {
	if c.ckpt != nil {
		c.finishCheckpoint(<-c.ckpt)
	}
}

// finishCheckpoint takes a background checkpoint's outcome. After a
// failure the frozen layer stays (readers still find it there, and its
// file still holds its records), and the next bbolt commit folds it in.
func (c *committer) finishCheckpoint(err error) {
	c.ckpt = nil
	if err == nil {
		c.ov.dropOld()
	}
}

// run commits a group (and the overlay: a checkpoint)
// in one bbolt transaction; an update that fails is answered with its
// error and the rest are retried without it, as bbolt's DB.Batch does.
// With an empty group it only checkpoints. It first waits for a background
// checkpoint, so the index has every logged change in log order.
func (c *committer) run(group []*update) {
	c.waitCheckpoint()
	retried := false
	for {
		failed, ferr := -1, error(nil)
		err := c.update(func(tx *bolt.Tx) error {
			if err := c.fold(tx); err != nil {
				return err
			}
			for i, u := range group {
				if err := u.fn(tx); err != nil {
					failed, ferr = i, err
					return errRetry
				}
			}
			return nil
		})
		if failed >= 0 {
			group[failed].done <- ferr
			group = append(group[:failed], group[failed+1:]...)
			if len(group) == 0 {
				return
			}
			continue
		}
		if !retried && c.space.release(err) {
			// The disk is full: the reserve's blocks are free now.
			retried = true
			continue
		}
		if err == nil {
			// The overlay is in the index now; the log starts over.
			c.ov.clear()
			c.log.off = 0
			c.logBroken = false
		}
		for _, u := range group {
			u.done <- err
		}
		return
	}
}

// fold writes the overlay (a frozen layer left by a failed checkpoint,
// then the current one) into tx and records the log position it covers.
func (c *committer) fold(tx *bolt.Tx) error {
	if err := foldMap(tx, c.ov.old); err != nil {
		return err
	}
	if err := foldMap(tx, c.ov.m); err != nil {
		return err
	}
	return tx.Bucket(bktMeta).Put(keySeq, binary.BigEndian.AppendUint64(nil, c.log.seq))
}

// foldMap writes one overlay layer into tx.
func foldMap(tx *bolt.Tx, m map[ovKey]ovVal) error {
	return each(m, func(k ovKey, v ovVal) error {
		if err := applyLogged(tx, k.bucket, k.key, v.del, v.val); !errors.Is(err, errNoBucketInLog) {
			return err
		}
		return nil // cannot happen (see errNoBucketInLog); skip the entry
	})
}

// applyLogged writes one logged change into the index.
func applyLogged(tx *bolt.Tx, bucket, key string, del bool, val []byte) error {
	b := tx.Bucket(bktBuckets).Bucket([]byte(bucket))
	if b == nil {
		return errNoBucketInLog
	}
	if del {
		return b.Bucket(bktObjects).Delete([]byte(key))
	}
	return b.Bucket(bktObjects).Put([]byte(key), val)
}

// logGroup makes a group durable through the log and answers it. It
// returns false, having answered no one, when an update does not qualify
// (no fast form, or the object it replaces references content files).
func (c *committer) logGroup(group []*update) bool {
	for _, u := range group {
		if u.fast == nil {
			return false
		}
	}
	errs := make([]error, len(group))
	var recs []walRec
	logged := make([]bool, len(group))
	staged := map[ovKey]ovVal{} // this group's own changes, for later updates to the same key
	ok := true
	err := c.db.View(func(tx *bolt.Tx) error {
		for i, u := range group {
			k := ovKey{u.fast.bucket, u.fast.key}
			b, err := bucketOf(tx, k.bucket)
			if err != nil {
				errs[i] = err
				continue
			}
			if b.Get(keyVersioning) != nil {
				// A versioned bucket's writes touch its versions
				// too: a bbolt commit does them (versioning.go).
				ok = false
				return nil
			}
			cur, found := staged[k]
			if !found {
				cur, found = c.ov.get(k.bucket, k.key)
			}
			if !found {
				cur.val = b.Bucket(bktObjects).Get([]byte(k.key))
			}
			if cur.del {
				cur.val = nil
			}
			if cur.val != nil {
				ext, err := objectHasExtents(cur.val)
				if err != nil {
					errs[i] = err
					continue
				}
				if ext {
					ok = false
					return nil
				}
			}
			val, err := u.fast.mk(cur.val)
			if err != nil {
				errs[i] = err
				continue
			}
			if cur.val == nil && val == nil {
				continue // deleting what is not there
			}
			staged[k] = ovVal{val: val, del: val == nil}
			recs = append(recs, walRec{bucket: k.bucket, key: k.key, del: val == nil, val: val})
			logged[i] = true
		}
		return nil
	})
	if !ok {
		return false
	}
	if err == nil && len(recs) > 0 {
		seq := c.log.seq
		if err = c.log.append(recs); c.space.release(err) {
			// The disk is full: write the same records (same sequence
			// numbers, so the chain has no gap) over what the failed
			// write left, now that the reserve's blocks are free.
			c.log.seq = seq
			err = c.log.append(recs)
		}
		if err != nil {
			c.logBroken = true
		} else {
			c.ov.add(recs)
		}
	}
	for i, u := range group {
		if errs[i] == nil && (logged[i] || err != nil) {
			errs[i] = err
		}
		u.done <- errs[i]
	}
	return true
}
