package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Options configure a Queue.
type Options struct {
	// Dir holds the log and the targets' cursors; "" keeps them in
	// memory (lost when the process ends).
	Dir string
	// Targets maps each webhook's name to the URL events are POSTed to.
	Targets map[string]string
	// Client, when set, POSTs the events (with its proxy settings,
	// redirects and timeouts). When nil each target keeps one connection
	// of its own, with a 10-second timeout per event and no proxy.
	Client *http.Client
	// Logger gets a Warn line when a delivery starts failing and an Info
	// line when it recovers (discarded when nil).
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between attempts to
	// deliver one event: it starts at MinBackoff and doubles up to
	// MaxBackoff (100 ms and 30 s when zero).
	MinBackoff, MaxBackoff time.Duration
	// SyncEvery chooses when the log is fsynced. Zero: before Enqueue
	// returns, so an enqueued event survives a power failure (on a
	// virtual disk that is one fsync, often 100 µs of CPU or more, per
	// request). Positive: Enqueue returns once the events are written to
	// the log file, which a crash or kill of the process cannot lose, and
	// the log is fsynced at most SyncEvery later; a power failure may lose
	// the events of that last interval.
	SyncEvery time.Duration
}

// DefaultSyncEvery is the Options.SyncEvery "s3kit serve" uses: an
// event is in the log file before the request that caused it is
// answered, and on disk within 10 ms, which costs one fsync per interval
// instead of one per request.
const DefaultSyncEvery = 10 * time.Millisecond

// ErrClosed is returned by Enqueue after Close.
var ErrClosed = errors.New("notify: queue closed")

// Queue is a durable outbox of events with one delivery worker per
// target. It is safe for concurrent use.
type Queue struct {
	dir     string
	targets map[string]*target
	client  *http.Client
	log     *slog.Logger
	minWait time.Duration
	maxWait time.Duration
	every   time.Duration // Options.SyncEvery

	mu       sync.Mutex
	cond     *sync.Cond
	segs     []*segment // in order; the last one is appended to
	next     uint64     // sequence number of the next event enqueued
	open     *batch     // events waiting to be written
	flushing bool       // a goroutine is writing batches
	closed   bool
	// unsynced lists segments written since their last fsync (with
	// Options.SyncEvery).
	unsynced  []*segment
	syncTimer bool // a timedSync is pending
	// syncMu keeps a timed fsync and Close's closing of the files apart.
	syncMu sync.Mutex

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// batch is events written with one write and one fsync.
type batch struct {
	buf   []byte
	first uint64
	last  uint64
	done  bool
	err   error
}

// target is one webhook and its delivery state.
type target struct {
	name, url string
	wake      chan struct{}
	cur       *cursor // its next is read by gc under Queue.mu
	poster    *poster // nil with Options.Client
}

// ParseTarget splits a --notify-webhook value, NAME=URL. NAME is what a
// queue ARN ends with: 1 to 80 letters, digits, hyphens or underscores,
// as an SQS queue name; URL is an absolute http or https URL.
func ParseTarget(s string) (name, rawURL string, err error) {
	name, rawURL, ok := strings.Cut(s, "=")
	if !ok {
		return "", "", fmt.Errorf("%q: want NAME=URL", s)
	}
	if !ValidName(name) {
		return "", "", fmt.Errorf("%q: NAME must be 1 to 80 letters, digits, hyphens or underscores", s)
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", fmt.Errorf("%s=...: want an http:// or https:// URL", name)
	}
	return name, rawURL, nil
}

// ValidName reports whether name can name a target (see ParseTarget).
func ValidName(name string) bool {
	if name == "" || len(name) > 80 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Open opens (or creates) the queue in opts.Dir and starts delivering
// what it holds. Close stops it.
func Open(ctx context.Context, opts Options) (*Queue, error) {
	q := &Queue{dir: opts.Dir, targets: map[string]*target{}, client: opts.Client, log: opts.Logger,
		minWait: opts.MinBackoff, maxWait: opts.MaxBackoff, every: max(opts.SyncEvery, 0), open: &batch{}}
	q.cond = sync.NewCond(&q.mu)
	if q.log == nil {
		q.log = slog.New(slog.DiscardHandler)
	}
	if q.minWait <= 0 {
		q.minWait = 100 * time.Millisecond
	}
	if q.maxWait <= 0 {
		q.maxWait = 30 * time.Second
	}
	q.maxWait = max(q.maxWait, q.minWait)
	for name, u := range opts.Targets {
		if !ValidName(name) {
			return nil, fmt.Errorf("notify: target name %q: must be 1 to 80 letters, digits, hyphens or underscores", name)
		}
		t := &target{name: name, url: u, wake: make(chan struct{}, 1)}
		if q.client == nil {
			p, err := newPoster(u)
			if err != nil {
				return nil, fmt.Errorf("notify: target %s: %w", name, err)
			}
			t.poster = p
		}
		q.targets[name] = t
	}
	if q.dir == "" {
		q.segs = []*segment{{first: 1, f: &memFile{}}}
	} else {
		segs, err := openSegments(q.dir)
		if err != nil {
			return nil, fmt.Errorf("notify: open %s: %w", q.dir, err)
		}
		q.segs = segs
	}
	last := q.segs[len(q.segs)-1]
	q.next = max(last.first, last.last+1)
	for _, t := range q.targets {
		path := ""
		if q.dir != "" {
			path = filepath.Join(q.dir, "cursor-"+t.name)
		}
		c, err := openCursor(path)
		if err != nil {
			q.closeFiles()
			return nil, fmt.Errorf("notify: %w", err)
		}
		t.cur = c
	}
	ctx, q.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, t := range q.targets {
		q.wg.Add(1)
		go func() {
			defer q.wg.Done()
			q.run(ctx, t)
		}()
	}
	return q, nil
}

// HasTarget reports whether name is one of Options.Targets.
func (q *Queue) HasTarget(name string) bool {
	_, ok := q.targets[name]
	return ok
}

// Enqueue appends events to the log and returns once they are durable:
// after a nil return they will be delivered even across a crash. Events
// enqueued by one call, and by calls that do not overlap, are delivered
// in order. ctx is not consulted once the events are on their way to
// disk: an event half-written would be neither durable nor cancelled.
func (q *Queue) Enqueue(ctx context.Context, evs ...Event) error {
	if len(evs) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Each payload is the target's name (one length byte first) and the
	// JSON to POST, rendered here, outside the lock, with a placeholder
	// sequencer patched once the sequence number is known.
	payloads := make([][]byte, len(evs))
	seqAt := make([]int, len(evs))
	for i := range evs {
		if _, ok := q.targets[evs[i].Target]; !ok {
			return fmt.Errorf("notify: no target named %q", evs[i].Target)
		}
		body, err := evs[i].body(0)
		if err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		p := make([]byte, 0, 1+len(evs[i].Target)+len(body))
		p = append(append(append(p, byte(len(evs[i].Target))), evs[i].Target...), body...)
		seqAt[i] = -1
		if !evs[i].Test {
			seqAt[i] = bytes.LastIndex(p, []byte(`"sequencer":"`+seqPlaceholder)) + len(`"sequencer":"`)
		}
		payloads[i] = p
	}
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return ErrClosed
	}
	b := q.open
	if b.first == 0 {
		b.first = q.next
	}
	for i, p := range payloads {
		if at := seqAt[i]; at >= 0 {
			copy(p[at:], Sequencer(q.next))
		}
		b.buf = appendRecord(b.buf, q.next, p)
		b.last = q.next
		q.next++
	}
	for !b.done {
		if q.flushing {
			q.cond.Wait()
			continue
		}
		q.flush()
	}
	q.mu.Unlock()
	if b.err != nil {
		return fmt.Errorf("notify: write event log: %w", b.err)
	}
	for _, ev := range evs {
		select {
		case q.targets[ev.Target].wake <- struct{}{}:
		default:
		}
	}
	return nil
}

// flush writes open batches until none is left; q.mu is held on entry
// and exit but not while writing, so more events gather meanwhile.
func (q *Queue) flush() {
	q.flushing = true
	for q.open.buf != nil {
		b := q.open
		q.open = &batch{}
		seg := q.segs[len(q.segs)-1]
		var err error
		if seg.size >= segmentMax {
			// The full segment is synced before the next one starts,
			// so the interval syncs only ever need the last.
			var ns *segment
			if err = seg.f.Sync(); err == nil {
				ns, err = createSegment(q.dir, b.first)
			}
			if err == nil {
				q.segs = append(q.segs, ns)
				seg = ns
			}
		}
		off := seg.size
		q.mu.Unlock()
		if err == nil {
			if _, err = seg.f.WriteAt(b.buf, off); err == nil && q.every == 0 {
				err = seg.f.Sync()
			}
			if err != nil {
				// Cut the failed batch off, so the next one follows
				// the last good record.
				_ = seg.f.Truncate(off)
			}
		}
		q.mu.Lock()
		if err == nil {
			seg.size, seg.last = off+int64(len(b.buf)), b.last
			if q.every > 0 && q.dir != "" && !seg.dirty {
				seg.dirty = true
				q.unsynced = append(q.unsynced, seg)
				// One timer per interval with writes: an idle queue
				// never wakes up.
				if !q.syncTimer {
					q.syncTimer = true
					time.AfterFunc(q.every, q.timedSync)
				}
			}
		}
		b.done, b.err = true, err
		q.cond.Broadcast()
	}
	q.flushing = false
}

// Close stops the workers and closes the log. Events not yet delivered
// stay in the log for the next Open.
func (q *Queue) Close() error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil
	}
	q.closed = true
	for q.flushing {
		q.cond.Wait()
	}
	q.mu.Unlock()
	q.cancel()
	q.wg.Wait()
	for _, t := range q.targets {
		if t.poster != nil {
			t.poster.close()
		}
	}
	q.syncMu.Lock()
	defer q.syncMu.Unlock()
	syncErr := q.syncNow()
	return errors.Join(syncErr, q.closeFiles())
}

// timedSync is the fsync an interval after the first unsynced write.
func (q *Queue) timedSync() {
	q.syncMu.Lock()
	defer q.syncMu.Unlock()
	q.mu.Lock()
	q.syncTimer = false
	closed := q.closed
	q.mu.Unlock()
	if closed {
		return // Close syncs
	}
	if err := q.syncNow(); err != nil {
		q.log.Error("notify: fsync event log", "err", err)
	}
}

// syncNow fsyncs the segments written since their last fsync.
func (q *Queue) syncNow() error {
	q.mu.Lock()
	segs := q.unsynced
	q.unsynced = nil
	for _, s := range segs {
		s.dirty = false
	}
	q.mu.Unlock()
	var errs []error
	for _, s := range segs {
		if err := s.f.Sync(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (q *Queue) closeFiles() error {
	var errs []error
	for _, s := range q.segs {
		errs = append(errs, s.f.Close())
	}
	for _, t := range q.targets {
		if t.cur != nil && t.cur.f != nil {
			errs = append(errs, t.cur.f.Close())
		}
	}
	return errors.Join(errs...)
}

// position is where a worker reads: a segment and an offset in it.
type position struct {
	seg *segment
	off int64
	rd  recordReader
}

// nextRecord returns the next whole record at or after pos, moving pos
// past it; ok is false when the worker has read everything written.
func (q *Queue) nextRecord(pos *position) (seq uint64, payload []byte, ok bool, err error) {
	for {
		q.mu.Lock()
		seg, size := pos.seg, pos.seg.size
		var after *segment
		found := false
		for i, s := range q.segs {
			if s == seg {
				found = true
				if i+1 < len(q.segs) {
					after = q.segs[i+1]
				}
			}
		}
		if !found {
			// gc removed it: everything in it was delivered. Start
			// over from the oldest segment left; run skips what its
			// cursor is past.
			pos.seg, pos.off = q.segs[0], 0
			pos.rd.reset()
			q.mu.Unlock()
			continue
		}
		q.mu.Unlock()
		if pos.off < size {
			seq, payload, next, err := pos.rd.read(seg.f, pos.off, size)
			if err != nil {
				return 0, nil, false, err
			}
			pos.off = next
			return seq, payload, true, nil
		}
		if after == nil {
			return 0, nil, false, nil
		}
		pos.seg, pos.off = after, 0
		pos.rd.reset()
	}
}

// cursorEvery is how many deliveries may pass between two saves of a
// target's cursor while it is busy; an idle worker saves at once. A
// crash redelivers at most this many events.
const cursorEvery = 32

// run delivers t's events in log order until ctx ends.
func (q *Queue) run(ctx context.Context, t *target) {
	q.mu.Lock()
	pos := &position{seg: q.segs[0]}
	for _, s := range q.segs {
		if s.first <= t.cur.load() {
			pos.seg = s
		}
	}
	q.mu.Unlock()
	next, saved := t.cur.load(), t.cur.load()
	save := func() {
		if next == saved {
			return
		}
		if err := t.cur.store(next); err != nil {
			q.log.Warn("notify: save delivery cursor", "target", t.name, "err", err)
		}
		saved = next
		q.gc()
	}
	defer save()
	for ctx.Err() == nil {
		seq, payload, ok, err := q.nextRecord(pos)
		if err != nil {
			q.log.Error("notify: read event log; delivery to this target stopped", "target", t.name, "err", err)
			return
		}
		if !ok {
			save()
			select {
			case <-ctx.Done():
				return
			case <-t.wake:
			}
			continue
		}
		if seq < next {
			continue
		}
		name, body, okp := splitPayload(payload)
		if !okp {
			q.log.Error("notify: undecodable event skipped", "target", t.name, "sequencer", Sequencer(seq))
		} else if name == t.name {
			if err := q.deliver(ctx, t, seq, body); err != nil {
				return // ctx ended
			}
		}
		next = seq + 1
		if next-saved >= cursorEvery {
			save()
		}
	}
}

// splitPayload splits a record's payload into target name and body.
func splitPayload(p []byte) (string, []byte, bool) {
	if len(p) == 0 || len(p) < 1+int(p[0]) {
		return "", nil, false
	}
	return string(p[1 : 1+int(p[0])]), p[1+int(p[0]):], true
}

// deliver POSTs body until the target answers 2xx or ctx ends.
func (q *Queue) deliver(ctx context.Context, t *target, seq uint64, body []byte) error {
	wait := q.minWait
	for attempt := 1; ; attempt++ {
		var err error
		if t.poster != nil {
			err = t.poster.post(ctx, body)
		} else {
			err = q.post(ctx, t.url, body)
		}
		if err == nil {
			if attempt > 1 {
				q.log.Info("notify: delivered after retries", "target", t.name, "attempts", attempt)
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		level := slog.LevelDebug
		if attempt == 1 {
			level = slog.LevelWarn
		}
		q.log.Log(ctx, level, "notify: delivery failed; retrying", "target", t.name, "sequencer", Sequencer(seq),
			"attempt", attempt, "retry_in", wait, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, q.maxWait)
	}
}

// post sends one event; any answer but 2xx is an error.
func (q *Queue) post(ctx context.Context, u string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := q.client.Do(req)
	if err != nil {
		// url.Error quotes the URL, whose query may hold a token: keep
		// only the cause, which names at most the host.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return err
	}
	// Read a little of the answer so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("receiver answered %s", resp.Status)
	}
	return nil
}

// gc removes segments every target has delivered, except the last.
func (q *Queue) gc() {
	q.mu.Lock()
	defer q.mu.Unlock()
	low := q.next
	for _, t := range q.targets {
		low = min(low, t.cur.load())
	}
	for len(q.segs) > 1 && q.segs[1].first <= low {
		s := q.segs[0]
		q.segs = q.segs[1:]
		s.f.Close()
		if s.path != "" {
			if err := os.Remove(s.path); err != nil {
				q.log.Warn("notify: remove delivered segment", "path", s.path, "err", err)
			}
		}
	}
}
