package mem

import (
	"bytes"
	"context"

	"github.com/s3kit/s3kit/storage"
)

var _ storage.BucketConfigStore = (*Store)(nil)

// PutBucketConfig implements storage.BucketConfigStore.
func (s *Store) PutBucketConfig(ctx context.Context, name, config string, doc []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(name)
	if err != nil {
		return err
	}
	if len(doc) == 0 {
		delete(b.configs, config)
		return nil
	}
	if b.configs == nil {
		b.configs = map[string][]byte{}
	}
	b.configs[config] = bytes.Clone(doc)
	return nil
}

// GetBucketConfig implements storage.BucketConfigStore.
func (s *Store) GetBucketConfig(ctx context.Context, name, config string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, err := s.bucket(name)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(b.configs[config]), nil
}
