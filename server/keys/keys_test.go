package keys

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock shared by the stores of one test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)}
}

func openStore(t *testing.T, dir string, clock *fakeClock) *Store {
	t.Helper()
	s, err := Open(dir, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	idPattern     = regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`)
	secretPattern = regexp.MustCompile(`^[A-Za-z0-9]{40}$`)
)

func TestCreateLookupListDelete(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := openStore(t, t.TempDir(), clock)

	tests := []struct {
		name string
		opts CreateOptions
		want Info
	}{
		{"full access", CreateOptions{Name: "ci"}, Info{Name: "ci"}},
		{"read only", CreateOptions{ReadOnly: true}, Info{ReadOnly: true}},
		{"buckets deduplicated and sorted", CreateOptions{Buckets: []string{"b", "a", "b"}}, Info{Buckets: []string{"a", "b"}}},
	}
	var ids []string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := s.Create(ctx, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !idPattern.MatchString(k.AccessKeyID) || !secretPattern.MatchString(k.Secret) {
				t.Fatalf("key shape: id %q secret length %d", k.AccessKeyID, len(k.Secret))
			}
			got, err := s.Lookup(ctx, k.AccessKeyID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Secret != k.Secret || got.ReadOnly != tc.want.ReadOnly || got.Name != tc.want.Name ||
				strings.Join(got.Buckets, ",") != strings.Join(tc.want.Buckets, ",") {
				t.Errorf("lookup = %+v, want %+v", got.Info(), tc.want)
			}
			if !got.Created.Equal(clock.Now()) {
				t.Errorf("created %v, want the clock's %v", got.Created, clock.Now())
			}
			ids = append(ids, k.AccessKeyID)
			clock.Advance(time.Second)
		})
	}

	infos, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != len(ids) {
		t.Fatalf("list has %d keys, want %d", len(infos), len(ids))
	}
	for i, info := range infos {
		if info.AccessKeyID != ids[i] {
			t.Errorf("list[%d] = %s, want %s (oldest first)", i, info.AccessKeyID, ids[i])
		}
	}

	if err := s.Delete(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lookup(ctx, ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("lookup of deleted key: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	if _, err := s.Lookup(ctx, ids[1]); err != nil {
		t.Errorf("other keys must survive a delete: %v", err)
	}
}

func TestKeysSurviveReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	k, err := openStore(t, dir, newClock()).Create(ctx, CreateOptions{Name: "x", ReadOnly: true, Buckets: []string{"b"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := openStore(t, dir, newClock()).Lookup(ctx, k.AccessKeyID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Secret != k.Secret || !got.ReadOnly || got.Name != "x" || len(got.Buckets) != 1 {
		t.Errorf("reopened key = %v %+v, want %+v", got, got.Info(), k.Info())
	}
}

func TestFileIsPrivateAndReplacedWhole(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openStore(t, dir, newClock())
	for range 3 {
		if _, err := s.Create(ctx, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	var doc struct {
		Version int
		Keys    []map[string]any
	}
	data, _ := os.ReadFile(s.Path())
	if err := json.Unmarshal(data, &doc); err != nil || doc.Version != 2 || len(doc.Keys) != 3 {
		t.Errorf("key file: version %d, %d keys, err %v", doc.Version, len(doc.Keys), err)
	}
}

func TestOtherWritersSeenAfterPollInterval(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := newClock()
	server := openStore(t, dir, clock) // the long-running reader
	cli := openStore(t, dir, clock)    // another process's writer

	if _, err := server.Lookup(ctx, "AKIAAAAAAAAAAAAAAAAA"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty store lookup: %v", err)
	}
	k, err := cli.Create(ctx, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Lookup(ctx, k.AccessKeyID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("lookup before the poll interval passed: %v, want the cached answer", err)
	}
	clock.Advance(DefaultPollInterval)
	if _, err := server.Lookup(ctx, k.AccessKeyID); err != nil {
		t.Fatalf("lookup after the poll interval: %v", err)
	}

	if err := cli.Delete(ctx, k.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	clock.Advance(DefaultPollInterval)
	if _, err := server.Lookup(ctx, k.AccessKeyID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted key still accepted: %v", err)
	}
}

func TestChangesReachRunningStoreWithinOneSecond(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	server, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cli, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	k, err := cli.Create(ctx, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for {
		if _, err := server.Lookup(ctx, k.AccessKeyID); err == nil {
			break
		}
		if time.Since(start) > time.Second {
			t.Fatal("new key not visible within one second")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestConcurrentWritersKeepEveryKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// Two stores on one directory stand for two processes: only the file
	// lock serialises them.
	stores := []*Store{openStore(t, dir, newClock()), openStore(t, dir, newClock())}
	const each = 10
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for _, s := range stores {
		for range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Create(ctx, CreateOptions{})
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n, err := openStore(t, dir, newClock()).Len(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2*each {
		t.Errorf("%d keys on disk, want %d: a concurrent write was lost", n, 2*each)
	}
}

func TestCorruptFileFailsClosed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := newClock()
	s := openStore(t, dir, clock)
	k, err := s.Create(ctx, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	secret := k.Secret
	bad := fmt.Sprintf(`{"version":1,"keys":[{"access_key_id":%q,"secret_access_key":%q`, k.AccessKeyID, secret)
	if err := os.WriteFile(s.Path(), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	_, err = s.Lookup(ctx, k.AccessKeyID)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("lookup with a corrupt file: %v, want ErrCorrupt", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error leaks the secret: %v", err)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("open with a corrupt file: %v, want ErrCorrupt", err)
	}
	if _, err := s.Create(ctx, CreateOptions{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("create over a corrupt file: %v, want ErrCorrupt (never overwrite keys we could not read)", err)
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	k := Key{AccessKeyID: "AKIAEXAMPLEEXAMPLE22", Secret: "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYzz"}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "key", k)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "key", k)
	outputs := map[string]string{
		"%v":  fmt.Sprintf("%v", k),
		"%+v": fmt.Sprintf("%+v", k),
		"%#v": fmt.Sprintf("%#v", k),
		"%s":  fmt.Sprintf("%s", k),
		"err": fmt.Errorf("wrap: %v", k).Error(),
		"log": logged.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, k.Secret) || strings.Contains(out, k.Secret[:20]) {
			t.Errorf("%s leaks the secret: %s", name, out)
		}
		if !strings.Contains(out, "AKIAEXAMPLEEXAMPLE22") {
			t.Errorf("%s lost the access key id: %s", name, out)
		}
	}
	if got := Mask("abcdefgh"); got != "****efgh" {
		t.Errorf("Mask = %q", got)
	}
}

func TestRandomStringRejectsBiasedBytes(t *testing.T) {
	// With a 62-letter alphabet bytes 248..255 must be skipped, otherwise
	// the first 8 letters would be drawn more often.
	src := bytes.NewReader([]byte{255, 248, 0, 61, 62, 247}) // 247 % 62 = 61
	got, err := randomString(src, secretChars, 4)
	if err != nil {
		t.Fatal(err)
	}
	if want := "A9A9"; got != want {
		t.Errorf("randomString = %q, want %q", got, want)
	}
}

func TestHandEditInPlaceIsNoticed(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := openStore(t, t.TempDir(), clock)
	k, err := s.Create(ctx, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// An editor that rewrites the file in place keeps its inode; the size
	// and modification time still give the change away.
	if err := os.WriteFile(s.Path(), []byte(`{"version":1,"keys":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	clock.Advance(DefaultPollInterval)
	if _, err := s.Lookup(ctx, k.AccessKeyID); !errors.Is(err, ErrNotFound) {
		t.Errorf("key removed by an in-place edit still found: %v", err)
	}
}
