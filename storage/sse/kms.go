package sse

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/s3kit/s3kit/storage"
)

// KMSKeysFile is the name of the local KMS's key file in a data
// directory (mode 0600: it holds the keys' material).
const KMSKeysFile = "kms-keys.json"

// DefaultKMSAlias is the alias of the key SSE-KMS uses when a request
// names none, created on first use, as AWS's aws/s3 managed key is.
const DefaultKMSAlias = "aws/s3"

// kmsAccount is the account in the ARNs of local KMS keys.
const kmsAccount = "000000000000"

// KMSKey describes a local KMS key (never its material).
type KMSKey struct {
	ID          string    `json:"id"`
	ARN         string    `json:"arn"`
	Alias       string    `json:"alias,omitempty"`
	Description string    `json:"description,omitempty"`
	Created     time.Time `json:"created"`
}

type kmsRecord struct {
	KMSKey
	Material []byte `json:"material"`
}

type kmsFile struct {
	Keys []kmsRecord `json:"keys"`
}

// KMS is s3kit's local key management: 256-bit keys named by a UUID, an
// ARN (arn:aws:kms:REGION:000000000000:key/UUID) and optionally an alias,
// kept in KMSKeysFile in the data directory (or, with no directory, in
// memory). SSE-KMS wraps each object's data key with one of them. Keys
// are only ever added: deleting one would make its objects unreadable.
type KMS struct {
	path   string // "" keeps the keys in memory
	region string

	mu   sync.Mutex
	keys []kmsRecord
}

// OpenKMS opens the local KMS of a data directory ("" for one in memory).
// region goes into the ARNs of the keys it creates ("" is us-east-1).
func OpenKMS(dir, region string) (*KMS, error) {
	if region == "" {
		region = "us-east-1"
	}
	k := &KMS{region: region}
	if dir == "" {
		return k, nil
	}
	k.path = filepath.Join(dir, KMSKeysFile)
	if err := k.load(); err != nil {
		return nil, err
	}
	return k, nil
}

// load reads the key file (none yet is no keys). Called with k.mu held
// or before k is shared.
func (k *KMS) load() error {
	b, err := os.ReadFile(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("kms: read keys: %w", err)
	}
	var f kmsFile
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("kms: %s: %w", k.path, err)
	}
	k.keys = f.Keys
	return nil
}

// Create makes a new key. alias, when set, must be unused; it is given
// without the "alias/" prefix.
func (k *KMS) Create(alias, description string) (KMSKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.create(alias, description)
}

func (k *KMS) create(alias, description string) (KMSKey, error) {
	alias = strings.TrimPrefix(alias, "alias/")
	unlock, err := k.lockFile()
	if err != nil {
		return KMSKey{}, err
	}
	defer unlock()
	// Re-read under the file lock: another process (the CLI, a server)
	// may have added keys since.
	if k.path != "" {
		if err := k.load(); err != nil {
			return KMSKey{}, err
		}
	}
	if alias != "" {
		for _, r := range k.keys {
			if r.Alias == alias {
				return KMSKey{}, fmt.Errorf("kms: alias %q exists (key %s)", alias, r.ID)
			}
		}
	}
	id, err := uuid()
	if err != nil {
		return KMSKey{}, err
	}
	material := make([]byte, 32)
	if _, err := rand.Read(material); err != nil {
		return KMSKey{}, err
	}
	r := kmsRecord{KMSKey: KMSKey{ID: id, ARN: fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", k.region, kmsAccount, id),
		Alias: alias, Description: description, Created: time.Now().UTC().Truncate(time.Second)}, Material: material}
	keys := append(append([]kmsRecord(nil), k.keys...), r)
	if k.path != "" {
		b, err := json.MarshalIndent(kmsFile{Keys: keys}, "", "  ")
		if err != nil {
			return KMSKey{}, err
		}
		if err := writeFileAtomic(k.path, b); err != nil {
			return KMSKey{}, fmt.Errorf("kms: write keys: %w", err)
		}
	}
	k.keys = keys
	return r.KMSKey, nil
}

// List returns the keys, oldest first.
func (k *KMS) List() ([]KMSKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.path != "" {
		if err := k.load(); err != nil {
			return nil, err
		}
	}
	out := make([]KMSKey, len(k.keys))
	for i, r := range k.keys {
		out[i] = r.KMSKey
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// resolve finds the key a request names: its ID, ARN, "alias/NAME" or
// alias ARN; "" is the default key, created when create is set. A name
// not found is looked for again after re-reading the file, so keys the
// CLI creates are usable at once by a running server.
func (k *KMS) resolve(name string, create bool) (kmsRecord, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if name == "" {
		name = "alias/" + DefaultKMSAlias
	}
	if r, ok := k.find(name); ok {
		return r, nil
	}
	if k.path != "" {
		if err := k.load(); err != nil {
			return kmsRecord{}, err
		}
		if r, ok := k.find(name); ok {
			return r, nil
		}
	}
	if create && name == "alias/"+DefaultKMSAlias {
		if _, err := k.create(DefaultKMSAlias, "default key for SSE-KMS"); err != nil {
			return kmsRecord{}, err
		}
		if r, ok := k.find(name); ok {
			return r, nil
		}
	}
	return kmsRecord{}, fmt.Errorf("%w: %s", storage.ErrNoSuchKMSKey, name)
}

func (k *KMS) find(name string) (kmsRecord, bool) {
	alias, isAlias := strings.CutPrefix(name, "alias/")
	if _, a, ok := strings.Cut(name, ":alias/"); ok && strings.HasPrefix(name, "arn:") {
		alias, isAlias = a, true
	}
	for _, r := range k.keys {
		if r.ID == name || r.ARN == name || (isAlias && r.Alias != "" && r.Alias == alias) {
			return r, true
		}
	}
	return kmsRecord{}, false
}

// uuid is a random (version 4) UUID.
func uuid() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// writeFileAtomic replaces path with b, mode 0600: a temporary file,
// fsynced, renamed into place, and the directory fsynced.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".kms-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// kmsAAD binds a data key wrapped by a KMS key to the request's
// encryption context: the same context is needed to unwrap it.
func kmsAAD(context string) []byte {
	return append([]byte("s3kit sse-kms data key v1\x00"), context...)
}
