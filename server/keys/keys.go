package keys

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/s3kit/s3kit/internal/secret"
	"github.com/s3kit/s3kit/policy"
)

// FileName is the name of the key file inside the data directory.
const FileName = "keys.json"

// lockName is the advisory lock file serialising writers.
const lockName = "keys.lock"

// DefaultPollInterval is how often, at most, Lookup checks the key file for
// changes made by other processes.
const DefaultPollInterval = 250 * time.Millisecond

// Access key IDs look like AWS's long-term keys: the "AKIA" prefix and 16
// characters of the base32 alphabet, 20 upper-case alphanumerics in all.
// Secrets are 40 characters, like AWS's, drawn from letters and digits only so
// they survive shells, URLs and INI files without quoting.
const (
	IDPrefix     = "AKIA"
	IDLength     = 20
	SecretLength = 40
	idAlphabet   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// Errors returned by the Store; test with errors.Is.
var (
	// ErrNotFound means no key has the access key ID.
	ErrNotFound = errors.New("access key not found")
	// ErrCorrupt means the key file exists but cannot be parsed. Lookups fail
	// closed rather than keep serving keys the file may have revoked.
	ErrCorrupt = errors.New("key file is corrupt")
)

// Key is one access key pair and its permissions.
type Key struct {
	AccessKeyID string `json:"access_key_id"`
	// Secret is the secret access key in plain text.
	Secret string `json:"secret_access_key"`
	// Name is a free-form label ("" when none was given).
	Name string `json:"name,omitempty"`
	// ReadOnly keys may only read (GET, HEAD, list).
	ReadOnly bool `json:"read_only"`
	// Buckets, when non-empty, are the only buckets the key may touch.
	Buckets []string  `json:"buckets,omitempty"`
	Created time.Time `json:"created"`
	// Account is the ID of the account the key's user belongs to; keys
	// written before accounts existed have none and belong to the default
	// account (Lookup and List fill it in).
	Account string `json:"account,omitempty"`
	// User is the key's IAM user name ("" for keys written before users
	// existed: UserName is then the access key ID).
	User string `json:"user,omitempty"`
	// Policy is the identity policy document attached with --policy; when
	// absent, ReadOnly and Buckets stand for a generated one
	// (ShorthandPolicy).
	Policy json.RawMessage `json:"policy,omitempty"`

	// compiled is the identity policy, parsed once per load of the file;
	// arn, userID and canonical are derived once too.
	compiled               *policy.Policy
	policies               []*policy.Policy // {compiled}, shared
	arn, userID, canonical string
}

// Info returns the key's description without its secret.
func (k Key) Info() Info {
	return Info{
		AccessKeyID: k.AccessKeyID,
		Name:        k.Name,
		ReadOnly:    k.ReadOnly,
		Buckets:     slices.Clone(k.Buckets),
		Created:     k.Created,
		Account:     k.Account,
		User:        k.UserName(),
		ARN:         k.ARN(),
		Policy:      k.PolicySummary(),
		PolicyDoc:   slices.Clone(json.RawMessage(k.PolicyDocument())),
	}
}

// String describes the key with its secret masked.
func (k Key) String() string {
	return fmt.Sprintf("key %s (secret %s)", k.AccessKeyID, Mask(k.Secret))
}

// Format makes every fmt verb (%v, %+v, %#v, %s) print the masked form, so a
// Key dropped into an error message or a debug print never leaks its secret.
func (k Key) Format(f fmt.State, _ rune) { io.WriteString(f, k.String()) }

// LogValue makes slog print the key without its secret.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_key_id", k.AccessKeyID),
		slog.String("secret_access_key", Mask(k.Secret)),
		slog.String("name", k.Name),
	)
}

// Info describes a key without its secret; List returns these.
type Info struct {
	AccessKeyID string    `json:"access_key_id"`
	Name        string    `json:"name,omitempty"`
	ReadOnly    bool      `json:"read_only"`
	Buckets     []string  `json:"buckets"`
	Created     time.Time `json:"created"`
	// Account is the account ID, User the IAM user name and ARN the
	// user's ARN.
	Account string `json:"account"`
	// AccountName is the account's name ("default" for the first).
	AccountName string `json:"account_name"`
	User        string `json:"user"`
	ARN         string `json:"arn"`
	// Policy summarises the identity policy; PolicyDoc is the document.
	Policy    string          `json:"policy"`
	PolicyDoc json.RawMessage `json:"policy_document"`
}

// Mask hides all but the last four characters of a secret, as every
// s3kit command shows keys.
func Mask(s string) string { return secret.Mask(s) }

// CreateOptions are the properties of a new key.
type CreateOptions struct {
	Name     string
	ReadOnly bool
	Buckets  []string
	// Account names the account of the key's user (DefaultAccountName
	// when empty); an account that does not exist yet is created.
	Account string
	// User is the IAM user name (the access key ID when empty).
	User string
	// Policy is an identity policy document to attach instead of the
	// shorthands; it must pass policy.ParseIdentityPolicy.
	Policy []byte
}

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Now is the clock (time.Now when nil); it stamps created keys and paces
	// change checks.
	Now func() time.Time
	// Rand is the randomness for IDs and secrets (crypto/rand when nil).
	Rand io.Reader
	// PollInterval is the least time between two stats of the key file
	// (DefaultPollInterval when 0; negative checks on every Lookup).
	PollInterval time.Duration
	// Logger receives reload notices (discarded when nil). Secrets are never
	// logged.
	Logger *slog.Logger
}

// Store is a file-backed set of keys. Create it with Open.
type Store struct {
	dir  string // "" for a store in memory (NewMemory)
	opts Options

	mu        sync.Mutex
	keys      map[string]Key
	accounts  []Account   // the first is the default account
	loadErr   error       // the last reload's error, returned by Lookup
	stat      os.FileInfo // the file as last read (nil when absent)
	lastCheck time.Time
	checked   bool
}

// file is the on-disk shape of keys.json.
// Version 1 files (written before accounts existed) hold keys only; they
// are read as they are and rewritten as version 2 on the next change.
type file struct {
	Version  int       `json:"version"`
	Accounts []Account `json:"accounts,omitempty"`
	Keys     []Key     `json:"keys"`
}

// fileVersion is the version written. A release that knows only version
// 1 refuses the file instead of ignoring the policies in it.
const fileVersion = 2

// Open returns the store of the data directory dir, creating dir (0700) if
// needed. A missing key file is an empty store.
func Open(dir string, opts Options) (*Store, error) {
	if dir == "" {
		return nil, errors.New("open key store: no directory")
	}
	opts = opts.withDefaults()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open key store: %w", err)
	}
	s := &Store{dir: dir, opts: opts}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reloadLocked(); err != nil {
		return nil, fmt.Errorf("open key store: %w", err)
	}
	return s, nil
}

// NewMemory returns an empty store that keeps its keys in memory only and
// never touches the file system ("s3kit serve --memory"); its keys are
// gone when the process ends. Path returns "".
func NewMemory(opts Options) *Store {
	return &Store{opts: opts.withDefaults(), keys: map[string]Key{}}
}

func (opts Options) withDefaults() Options {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return opts
}

// Path is the key file's path ("" for a store in memory).
func (s *Store) Path() string {
	if s.dir == "" {
		return ""
	}
	return filepath.Join(s.dir, FileName)
}

// Lookup returns the key with the access key ID, or an error wrapping
// ErrNotFound. Changes other processes made to the file are picked up within
// PollInterval.
func (s *Store) Lookup(ctx context.Context, accessKeyID string) (Key, error) {
	if err := ctx.Err(); err != nil {
		return Key{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshLocked()
	if s.loadErr != nil {
		return Key{}, s.loadErr
	}
	k, ok := s.keys[accessKeyID]
	if !ok {
		return Key{}, fmt.Errorf("lookup %s: %w", accessKeyID, ErrNotFound)
	}
	k.Buckets = slices.Clone(k.Buckets)
	return k, nil
}

// List returns every key, oldest first, without secrets. It reads the file,
// so it reflects other processes' changes immediately.
func (s *Store) List(ctx context.Context) ([]Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reloadLocked(); err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	out := make([]Info, 0, len(s.keys))
	for _, k := range s.keys {
		i := k.Info()
		i.AccountName = DefaultAccountName
		for _, a := range s.accounts {
			if a.ID == k.Account {
				i.AccountName = a.Name
			}
		}
		out = append(out, i)
	}
	sortInfos(out)
	return out, nil
}

// Len reports how many keys the file holds now.
func (s *Store) Len(ctx context.Context) (int, error) {
	infos, err := s.List(ctx)
	return len(infos), err
}

// Create makes a new key pair, stores it and returns it, secret included.
func (s *Store) Create(ctx context.Context, opts CreateOptions) (Key, error) {
	for _, b := range opts.Buckets {
		if b == "" {
			return Key{}, errors.New("create key: empty bucket name")
		}
	}
	account := opts.Account
	if account == "" {
		account = DefaultAccountName
	} else if err := CheckAccountName(account); err != nil {
		return Key{}, fmt.Errorf("create key: %w", err)
	}
	if opts.User != "" {
		if err := CheckUserName(opts.User); err != nil {
			return Key{}, fmt.Errorf("create key: %w", err)
		}
	}
	if len(opts.Policy) > 0 {
		if opts.ReadOnly || len(opts.Buckets) > 0 {
			return Key{}, errors.New("create key: a policy replaces --read-only and --bucket; give one or the other")
		}
		if _, err := policy.ParseIdentityPolicy(opts.Policy); err != nil {
			return Key{}, fmt.Errorf("create key: %w", err)
		}
	}
	var created Key
	err := s.update(ctx, func(keys map[string]Key) error {
		acct, err := s.accountLocked(account, true)
		if err != nil {
			return err
		}
		for range 8 { // a collision among 32^16 IDs is astronomically rare
			id, err := randomString(s.opts.Rand, idAlphabet, IDLength-len(IDPrefix))
			if err != nil {
				return err
			}
			id = IDPrefix + id
			if _, taken := keys[id]; taken {
				continue
			}
			secret, err := randomString(s.opts.Rand, secretChars, SecretLength)
			if err != nil {
				return err
			}
			created = Key{
				AccessKeyID: id,
				Secret:      secret,
				Name:        opts.Name,
				ReadOnly:    opts.ReadOnly,
				Buckets:     dedupe(opts.Buckets),
				Created:     s.opts.Now().UTC().Truncate(time.Second),
				Account:     acct.ID,
				User:        opts.User,
				Policy:      slices.Clone(opts.Policy),
			}
			keys[id] = created
			return nil
		}
		return errors.New("could not draw an unused access key id")
	})
	if err != nil {
		return Key{}, fmt.Errorf("create key: %w", err)
	}
	s.opts.Logger.Info("access key created", "access_key_id", created.AccessKeyID, "name", created.Name, "account", created.Account)
	s.mu.Lock()
	if k, ok := s.keys[created.AccessKeyID]; ok {
		created = k
	}
	s.mu.Unlock()
	return created, nil
}

// Delete removes the key with the access key ID; ErrNotFound if absent.
func (s *Store) Delete(ctx context.Context, accessKeyID string) error {
	err := s.update(ctx, func(keys map[string]Key) error {
		if _, ok := keys[accessKeyID]; !ok {
			return ErrNotFound
		}
		delete(keys, accessKeyID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete key %s: %w", accessKeyID, err)
	}
	s.opts.Logger.Info("access key deleted", "access_key_id", accessKeyID)
	return nil
}

// update runs one locked read-modify-write cycle of the key file.
func (s *Store) update(ctx context.Context, change func(map[string]Key) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.dir != "" {
		unlock, err := lockFile(filepath.Join(s.dir, lockName))
		if err != nil {
			return err
		}
		defer unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reloadLocked(); err != nil {
		return err
	}
	next := make(map[string]Key, len(s.keys)+1)
	for id, k := range s.keys {
		next[id] = k
	}
	// The default account comes first, created with the first change.
	if _, err := s.accountLocked(DefaultAccountName, true); err != nil {
		return err
	}
	if err := change(next); err != nil {
		return err
	}
	if err := s.writeLocked(next); err != nil {
		return err
	}
	return s.reloadLocked()
}

// refreshLocked re-reads the file if it may have changed, at most once per
// PollInterval.
func (s *Store) refreshLocked() {
	if s.dir == "" {
		return
	}
	now := s.opts.Now()
	if s.checked && s.opts.PollInterval > 0 && now.Sub(s.lastCheck) < s.opts.PollInterval && now.Sub(s.lastCheck) >= 0 {
		return
	}
	s.checked, s.lastCheck = true, now
	fi, err := os.Stat(s.Path())
	if err == nil && s.stat != nil && sameFile(fi, s.stat) {
		return
	}
	if err != nil && errors.Is(err, fs.ErrNotExist) && s.stat == nil && s.loadErr == nil {
		return
	}
	if err := s.reloadLocked(); err != nil {
		s.opts.Logger.Error("reload access keys", "path", s.Path(), "err", err)
		return
	}
	s.opts.Logger.Info("access keys reloaded", "path", s.Path(), "keys", len(s.keys))
}

// sameFile reports whether a and b are the same file with the same size and
// modification time. Writers always rename a new file into place, so the
// identity alone changes on every write; size and time cover hand edits.
func sameFile(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// reloadLocked reads the key file into memory. On a parse error the store
// holds no keys and remembers the error so lookups fail closed.
func (s *Store) reloadLocked() error {
	if s.dir == "" {
		return nil
	}
	f, err := os.Open(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		s.keys, s.accounts, s.stat, s.loadErr = map[string]Key{}, nil, nil, nil
		return nil
	}
	if err != nil {
		s.loadErr = fmt.Errorf("read %s: %w", s.Path(), err)
		return s.loadErr
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.loadErr = fmt.Errorf("read %s: %w", s.Path(), err)
		return s.loadErr
	}
	keys, accounts, err := decode(f)
	if err != nil {
		s.keys, s.accounts, s.stat = map[string]Key{}, nil, fi
		s.loadErr = fmt.Errorf("read %s: %w: %v", s.Path(), ErrCorrupt, err)
		return s.loadErr
	}
	s.keys, s.accounts, s.stat, s.loadErr = keys, accounts, fi, nil
	s.resolveLocked()
	return nil
}

func decode(r io.Reader) (map[string]Key, []Account, error) {
	var doc file
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		// The JSON error may quote file content; keep only its kind.
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, nil, fmt.Errorf("invalid JSON at byte %d", syn.Offset)
		}
		return nil, nil, errors.New("invalid JSON")
	}
	if doc.Version != 1 && doc.Version != fileVersion {
		return nil, nil, fmt.Errorf("unsupported version %d", doc.Version)
	}
	for i, a := range doc.Accounts {
		if !isAccountID(a.ID) || a.Name == "" {
			return nil, nil, fmt.Errorf("account %d has no name or no 12-digit id", i)
		}
	}
	keys := make(map[string]Key, len(doc.Keys))
	for i, k := range doc.Keys {
		if k.AccessKeyID == "" || k.Secret == "" {
			return nil, nil, fmt.Errorf("key %d has no access key id or secret", i)
		}
		if _, dup := keys[k.AccessKeyID]; dup {
			return nil, nil, fmt.Errorf("access key id %s appears twice", k.AccessKeyID)
		}
		doc := k.PolicyDocument()
		p, err := policy.ParseIdentityPolicy(doc)
		if err != nil {
			// Fail closed: a key whose policy cannot be read must not be
			// served with some other access.
			return nil, nil, fmt.Errorf("key %s: identity policy: %w", k.AccessKeyID, err)
		}
		k.compiled, k.policies = p, []*policy.Policy{p}
		keys[k.AccessKeyID] = k
	}
	return keys, doc.Accounts, nil
}

// writeLocked replaces the key file atomically (the map, in memory).
func (s *Store) writeLocked(keys map[string]Key) error {
	if s.dir == "" {
		s.keys = keys
		s.resolveLocked()
		return nil
	}
	doc := file{Version: fileVersion, Accounts: s.accounts, Keys: make([]Key, 0, len(keys))}
	for _, k := range keys {
		doc.Keys = append(doc.Keys, k)
	}
	sort.Slice(doc.Keys, func(i, j int) bool {
		a, b := doc.Keys[i], doc.Keys[j]
		if !a.Created.Equal(b.Created) {
			return a.Created.Before(b.Created)
		}
		return a.AccessKeyID < b.AccessKeyID
	})
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return secret.WriteFile(s.Path(), append(data, '\n'), 0o600)
}

// randomString draws n characters uniformly from alphabet (len ≤ 256) by
// rejection sampling, so no character is more likely than another.
func randomString(r io.Reader, alphabet string, n int) (string, error) {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/2)
	for len(out) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("read random bytes: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}

func dedupe(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

func sortInfos(infos []Info) {
	sort.Slice(infos, func(i, j int) bool {
		if !infos[i].Created.Equal(infos[j].Created) {
			return infos[i].Created.Before(infos[j].Created)
		}
		return infos[i].AccessKeyID < infos[j].AccessKeyID
	})
}
