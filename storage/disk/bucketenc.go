package disk

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/s3kit/s3kit/storage"
	bolt "go.etcd.io/bbolt"
)

// keyEncryption is, in a bucket, its default encryption (JSON), absent
// when it has none. It lives in the bucket's own bbolt bucket, so it goes
// with the bucket and a re-created bucket starts without it.
var keyEncryption = []byte("encryption")

// PutBucketEncryption implements storage.BucketEncryptionStore.
func (s *Store) PutBucketEncryption(ctx context.Context, name string, enc *storage.BucketEncryption) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var val []byte
	if enc != nil {
		var err error
		if val, err = json.Marshal(enc); err != nil {
			return err
		}
	}
	return s.c.do(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, name)
		if err != nil {
			return err
		}
		if val == nil {
			return b.Delete(keyEncryption)
		}
		return b.Put(keyEncryption, val)
	})
}

// GetBucketEncryption implements storage.BucketEncryptionStore.
func (s *Store) GetBucketEncryption(ctx context.Context, name string) (*storage.BucketEncryption, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var enc *storage.BucketEncryption
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, name)
		if err != nil {
			return err
		}
		v := b.Get(keyEncryption)
		if v == nil {
			return nil
		}
		enc = new(storage.BucketEncryption)
		if err := json.Unmarshal(v, enc); err != nil {
			return fmt.Errorf("%w: bucket %s encryption: %v", errCorrupt, name, err)
		}
		return nil
	})
	return enc, err
}
