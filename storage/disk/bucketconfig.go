package disk

import (
	"bytes"
	"context"

	"github.com/s3kit/s3kit/storage"
	bolt "go.etcd.io/bbolt"
)

var _ storage.BucketConfigs = (*Store)(nil)

// configKey is the index key of a bucket's configuration document name.
// Documents live beside the bucket's info and tags in its nested index
// bucket, under a prefix no other key of that bucket has, so they are
// committed (and fsynced) like any index change and go with the bucket.
func configKey(name string) []byte { return []byte("config:" + name) }

// PutBucketConfig implements storage.BucketConfigs.
func (s *Store) PutBucketConfig(ctx context.Context, bucket, name string, doc []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	val := bytes.Clone(doc)
	return s.c.do(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		if len(val) == 0 {
			return b.Delete(configKey(name))
		}
		return b.Put(configKey(name), val)
	})
}

// GetBucketConfig implements storage.BucketConfigs.
func (s *Store) GetBucketConfig(ctx context.Context, bucket, name string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var doc []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, bucket)
		if err != nil {
			return err
		}
		// bbolt's value is valid only inside the transaction.
		doc = bytes.Clone(b.Get(configKey(name)))
		return nil
	})
	return doc, err
}
