package mem

import (
	"context"

	"github.com/s3kit/s3kit/storage"
)

// PutBucketEncryption implements storage.BucketEncryptionStore.
func (s *Store) PutBucketEncryption(ctx context.Context, name string, enc *storage.BucketEncryption) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucket(name)
	if err != nil {
		return err
	}
	if enc != nil {
		c := *enc
		enc = &c
	}
	b.enc = enc
	return nil
}

// GetBucketEncryption implements storage.BucketEncryptionStore.
func (s *Store) GetBucketEncryption(ctx context.Context, name string) (*storage.BucketEncryption, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, err := s.bucket(name)
	if err != nil || b.enc == nil {
		return nil, err
	}
	c := *b.enc
	return &c, nil
}
