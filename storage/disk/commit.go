package disk

import (
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
	fn   func(tx *bolt.Tx) error
	done chan error
}

// committer applies updates in groups: while one group's transaction is
// committing (and fsyncing), new updates queue up and then go together in
// the next transaction. Unlike bbolt's DB.Batch there is no timer, so a
// lone writer is not delayed and a crowd is coalesced naturally.
type committer struct {
	db   *bolt.DB
	reqs chan *update // unbuffered: a sent update is always taken by the loop
	quit chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

func newCommitter(db *bolt.DB) *committer {
	c := &committer{db: db, reqs: make(chan *update), quit: make(chan struct{})}
	c.wg.Add(1)
	go c.loop()
	return c
}

// do applies fn durably and returns its error. It does not give up on
// context cancellation: once queued, the caller must learn the outcome.
func (c *committer) do(fn func(tx *bolt.Tx) error) error {
	u := &update{fn: fn, done: make(chan error, 1)}
	select {
	case c.reqs <- u:
	case <-c.quit:
		return ErrClosed
	}
	return <-u.done
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
	for g := 0; ; g++ {
		var first *update
		select {
		case first = <-c.reqs:
		case <-c.quit:
			return
		}
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
		c.run(group)
		lastCommit = time.Since(start)
		recent[g%len(recent)] = len(group)
	}
}

// run commits a group; an update that fails is answered with its error and
// the rest are retried without it, as bbolt's DB.Batch does.
func (c *committer) run(group []*update) {
	for len(group) > 0 {
		failed, ferr := -1, error(nil)
		err := c.db.Update(func(tx *bolt.Tx) error {
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
			continue
		}
		for _, u := range group {
			u.done <- err
		}
		return
	}
}
