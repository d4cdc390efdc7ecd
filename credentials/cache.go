package credentials

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// botocore's refresh windows (spec §7).
const (
	advisoryWindow  = 15 * time.Minute
	mandatoryWindow = 10 * time.Minute
)

// cache is the session's Provider: it runs the chain once, then serves the
// winner's credentials lock-free while they are fresh, and refreshes them
// through the same provider inside botocore's windows. Only one caller
// refreshes at a time: in the advisory window others keep the old keys, in
// the mandatory window they wait.
type cache struct {
	ch  *chain
	log *slog.Logger
	now func() time.Time
	cur atomic.Pointer[entry]
	mu  sync.Mutex // held while resolving or refreshing
}

type entry struct {
	creds Credentials
	step  *step
	// fresh is the time until which creds are served without refreshing
	// (expiry minus the advisory window); zero for static credentials.
	fresh time.Time
}

func newCache(ch *chain, now func() time.Time, log *slog.Logger) *cache {
	if log == nil {
		log = slog.Default()
	}
	return &cache{ch: ch, now: now, log: log}
}

// Retrieve returns the cached credentials, resolving or refreshing them as
// needed. It is safe for concurrent use; fresh credentials cost one atomic
// load and, for expiring ones, one clock read.
func (c *cache) Retrieve(ctx context.Context) (Credentials, error) {
	if e := c.cur.Load(); e != nil && (!e.creds.CanExpire || c.now().Before(e.fresh)) {
		return e.creds, nil
	}
	return c.slow(ctx)
}

func (c *cache) slow(ctx context.Context) (Credentials, error) {
	e := c.cur.Load()
	if e == nil {
		return c.resolve(ctx, nil)
	}
	if e.creds.Expires.Sub(c.now()) >= mandatoryWindow {
		// Advisory window: one caller refreshes, the others keep going.
		if !c.mu.TryLock() {
			return e.creds, nil
		}
	} else {
		c.mu.Lock()
	}
	defer c.mu.Unlock()
	if cur := c.cur.Load(); cur != e && cur != nil && (!cur.creds.CanExpire || c.now().Before(cur.fresh)) {
		return cur.creds, nil // refreshed by someone else meanwhile
	}
	return c.refresh(ctx, e)
}

// resolve runs the chain (recording into rec) and applies botocore's
// first-use rule: non-deferred credentials already inside a refresh window
// are refreshed once right away.
func (c *cache) resolve(ctx context.Context, rec *recorder) (Credentials, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.cur.Load(); e != nil && rec == nil && (!e.creds.CanExpire || c.now().Before(e.fresh)) {
		return e.creds, nil
	}
	creds, st, err := c.ch.resolve(ctx, rec)
	if err != nil {
		return Credentials{}, err
	}
	e := c.store(creds, st)
	if !creds.CanExpire {
		return creds, nil
	}
	if st.deferred || creds.Expires.Sub(c.now()) >= advisoryWindow {
		if creds.Expired(c.now()) {
			c.cur.Store(nil)
			return Credentials{}, stillExpired(creds.Source)
		}
		return creds, nil
	}
	return c.refresh(ctx, e)
}

// refresh fetches new credentials from the winning provider. Called with
// c.mu held. In the advisory window a failure keeps the old credentials;
// in the mandatory window it propagates.
func (c *cache) refresh(ctx context.Context, e *entry) (Credentials, error) {
	now := c.now()
	mandatory := e.creds.Expires.Sub(now) < mandatoryWindow
	creds, err := e.step.fetch(ctx)
	if err != nil {
		if !mandatory {
			c.log.WarnContext(ctx, "credential refresh failed; keeping current credentials",
				"source", e.creds.Source, "err", err)
			return e.creds, nil
		}
		return Credentials{}, err
	}
	if creds.Expired(c.now()) {
		return Credentials{}, stillExpired(creds.Source)
	}
	c.store(creds, e.step)
	return creds, nil
}

func (c *cache) store(creds Credentials, st *step) *entry {
	e := &entry{creds: creds, step: st}
	if creds.CanExpire {
		e.fresh = creds.Expires.Add(-advisoryWindow)
	}
	c.cur.Store(e)
	return e
}

func stillExpired(source string) error {
	return newErr(ClassRuntime, source, "credentials were refreshed, but the refreshed credentials are still expired")
}
