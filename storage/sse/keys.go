package sse

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// MasterKeyFile is the name of the SSE-S3 master key in a data directory.
const MasterKeyFile = "sse-master.key"

// masterKeys holds the SSE-S3 master key: read from (or, on first use,
// created in) a file, or kept only in memory.
type masterKeys struct {
	path string // "" keeps the key in memory

	mu  sync.Mutex
	key []byte
}

// get returns the master key, loading or creating it on first use.
// create is false for reads: a missing key file then is an error rather
// than a new key that could not open anything.
func (m *masterKeys) get(create bool) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.key != nil {
		return m.key, nil
	}
	if m.path == "" {
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			return nil, err
		}
		m.key = k
		return k, nil
	}
	k, err := os.ReadFile(m.path)
	switch {
	case err == nil:
		if len(k) != 32 {
			return nil, fmt.Errorf("sse: master key %s: %d bytes, want 32", m.path, len(k))
		}
		m.key = k
		return k, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("sse: read master key: %w", err)
	case !create:
		return nil, fmt.Errorf("sse: master key %s is missing: encrypted objects cannot be read", m.path)
	}
	k = make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := writeKeyFile(m.path, k); err != nil {
		return nil, err
	}
	m.key = k
	return k, nil
}

// writeKeyFile creates path holding k, mode 0600, atomically: a temporary
// file, fsynced, hard-linked into place (so an existing key is never
// replaced), and the directory fsynced.
func writeKeyFile(path string, k []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".sse-key-*")
	if err != nil {
		return fmt.Errorf("sse: create master key: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("sse: create master key: %w", err)
	}
	if _, err := f.Write(k); err != nil {
		f.Close()
		return fmt.Errorf("sse: write master key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sse: write master key: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sse: write master key: %w", err)
	}
	if err := os.Link(tmp, path); err != nil {
		return fmt.Errorf("sse: install master key: %w", err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Additional data binding a wrapped data key to the kind of key that
// wraps it.
var (
	aadSSES3 = []byte("s3kit sse-s3 data key v1")
	aadSSEC  = []byte("s3kit sse-c data key v1")
)

// customerKEK derives the key that wraps an SSE-C object's data key from
// the customer's key. The customer's key is never stored; the wrapped
// data key, whose authentication tag fails under any other key, is what
// tells a wrong key on a later request.
func customerKEK(customerKey []byte) []byte {
	mac := hmac.New(sha256.New, customerKey)
	mac.Write([]byte("s3kit sse-c key-encryption key v1"))
	return mac.Sum(nil)
}

// wrapKey seals dataKey with kek: a random 12-byte nonce, then the
// AES-256-GCM ciphertext and tag.
func wrapKey(kek, dataKey, aad []byte) ([]byte, error) {
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	n := make([]byte, aead.NonceSize(), aead.NonceSize()+len(dataKey)+aead.Overhead())
	if _, err := rand.Read(n); err != nil {
		return nil, err
	}
	return aead.Seal(n, n, dataKey, aad), nil
}

// errUnwrap is returned when a wrapped key does not open under the key
// offered.
var errUnwrap = errors.New("sse: data key does not open with this key")

func unwrapKey(kek, wrapped, aad []byte) ([]byte, error) {
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < aead.NonceSize() {
		return nil, errUnwrap
	}
	k, err := aead.Open(nil, wrapped[:aead.NonceSize()], wrapped[aead.NonceSize():], aad)
	if err != nil {
		return nil, errUnwrap
	}
	return k, nil
}
