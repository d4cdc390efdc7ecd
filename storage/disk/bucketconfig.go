package disk

import (
	"bytes"
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/s3kit/s3kit/storage"
)

var _ storage.BucketConfigStore = (*Store)(nil)

// configKey is where the document called name lives in a bucket's nested
// index bucket. The prefix keeps it apart from the bucket's other keys
// and nested buckets, whatever the name.
func configKey(name string) []byte { return []byte("cfg." + name) }

// PutBucketConfig implements storage.BucketConfigStore. Like the bucket's
// tags, the document lives in its nested index bucket, so it is committed
// (and fsynced) like any index change and DeleteBucket drops it.
func (s *Store) PutBucketConfig(ctx context.Context, name, config string, doc []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.c.do(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, name)
		if err != nil {
			return err
		}
		if len(doc) == 0 {
			return b.Delete(configKey(config))
		}
		return b.Put(configKey(config), bytes.Clone(doc))
	})
}

// GetBucketConfig implements storage.BucketConfigStore.
func (s *Store) GetBucketConfig(ctx context.Context, name, config string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var doc []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := bucketOf(tx, name)
		if err != nil {
			return err
		}
		// Bytes from bbolt are valid only inside the transaction.
		doc = bytes.Clone(b.Get(configKey(config)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}
