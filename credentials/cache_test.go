package credentials

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// fakeSession loads an empty world and replaces the chain by one provider
// whose fetch is f.
func fakeSession(t *testing.T, clk *clock, deferred bool, f func(ctx context.Context) (Credentials, error)) *Config {
	t.Helper()
	o := testWorld{}.options(t)
	o.Now = clk.Now
	o.Logger = slog.New(slog.DiscardHandler)
	cfg, err := Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	cfg.chain.steps = []*step{{tag: "fake", deferred: deferred, probe: always, fetch: f}}
	return cfg
}

func TestCacheRefreshWindows(t *testing.T) {
	tests := []struct {
		name        string
		firstLeft   time.Duration // expiry of the first credentials, from now
		advance     time.Duration // clock move before the second Retrieve
		refreshErr  error
		wantFetches int
		wantKey     string
		wantErr     bool
	}{
		{name: "fresh credentials are served from cache", firstLeft: time.Hour, advance: 30 * time.Minute, wantFetches: 1, wantKey: "K1"},
		{name: "advisory window refreshes", firstLeft: time.Hour, advance: 47 * time.Minute, wantFetches: 2, wantKey: "K2"},
		{name: "advisory failure keeps old keys", firstLeft: time.Hour, advance: 47 * time.Minute, refreshErr: errors.New("down"), wantFetches: 2, wantKey: "K1"},
		{name: "mandatory failure propagates", firstLeft: time.Hour, advance: 52 * time.Minute, refreshErr: errors.New("down"), wantFetches: 2, wantErr: true},
		{name: "first use inside the window refreshes at once", firstLeft: 12 * time.Minute, wantFetches: 2, wantKey: "K2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := &clock{now: fixedNow}
			var n atomic.Int32
			cfg := fakeSession(t, clk, false, func(context.Context) (Credentials, error) {
				i := n.Add(1)
				if i > 1 && tc.refreshErr != nil {
					return Credentials{}, tc.refreshErr
				}
				left := time.Hour
				if i == 1 {
					left = tc.firstLeft
				}
				return Credentials{AccessKeyID: "K" + string(rune('0'+i)), Source: "fake", CanExpire: true,
					Expires: clk.Now().Add(left)}, nil
			})
			ctx := context.Background()
			if _, err := cfg.Credentials.Retrieve(ctx); err != nil && tc.advance == 0 {
				t.Fatal(err)
			}
			clk.Advance(tc.advance)
			creds, err := cfg.Credentials.Retrieve(ctx)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tc.wantErr)
			}
			if int(n.Load()) != tc.wantFetches {
				t.Errorf("%d fetches, want %d", n.Load(), tc.wantFetches)
			}
			if !tc.wantErr && creds.AccessKeyID != tc.wantKey {
				t.Errorf("key %q, want %q", creds.AccessKeyID, tc.wantKey)
			}
		})
	}
}

func TestCacheStillExpiredAfterRefresh(t *testing.T) {
	clk := &clock{now: fixedNow}
	cfg := fakeSession(t, clk, false, func(context.Context) (Credentials, error) {
		return Credentials{AccessKeyID: "K", Source: "fake", CanExpire: true, Expires: fixedNow.Add(-time.Minute)}, nil
	})
	if _, err := cfg.Credentials.Retrieve(context.Background()); ClassOf(err) != ClassRuntime {
		t.Fatalf("error %v, want RuntimeError", err)
	}
}

func TestCacheDeferredFirstFetchIsTheRefresh(t *testing.T) {
	clk := &clock{now: fixedNow}
	var n atomic.Int32
	cfg := fakeSession(t, clk, true, func(context.Context) (Credentials, error) {
		n.Add(1)
		return Credentials{AccessKeyID: "K", Source: "fake", CanExpire: true, Expires: fixedNow.Add(12 * time.Minute)}, nil
	})
	if _, err := cfg.Credentials.Retrieve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 1 {
		t.Errorf("deferred provider fetched %d times on first use, want 1", n.Load())
	}
}

// TestCacheOneRefreshUnderLoad: many goroutines in the mandatory window
// cause exactly one refresh, and all get the new keys.
func TestCacheOneRefreshUnderLoad(t *testing.T) {
	clk := &clock{now: fixedNow}
	var n atomic.Int32
	cfg := fakeSession(t, clk, false, func(context.Context) (Credentials, error) {
		i := n.Add(1)
		time.Sleep(20 * time.Millisecond)
		return Credentials{AccessKeyID: "K" + string(rune('0'+i)), Source: "fake", CanExpire: true, Expires: clk.Now().Add(time.Hour)}, nil
	})
	ctx := context.Background()
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Advance(55 * time.Minute)
	var wg sync.WaitGroup
	keys := make([]string, 64)
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := cfg.Credentials.Retrieve(ctx)
			if err != nil {
				t.Error(err)
			}
			keys[i] = c.AccessKeyID
		}()
	}
	wg.Wait()
	if n.Load() != 2 {
		t.Errorf("%d fetches under load, want 2 (initial + one refresh)", n.Load())
	}
	for _, k := range keys {
		if k != "K2" {
			t.Fatalf("a caller got %q, want the refreshed K2", k)
		}
	}
}

func TestCachedRetrieveDoesNotAllocate(t *testing.T) {
	o := testWorld{env: envKeys}.options(t)
	cfg, err := Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(100, func() { _, _ = cfg.Credentials.Retrieve(ctx) }); a != 0 {
		t.Errorf("cached Retrieve allocates %v times", a)
	}
}
