package storage

import "context"

// BucketConfigs is implemented by backends that keep named configuration
// documents per bucket (the notification configuration, say): opaque
// bytes the server encodes and decodes, so a new kind of bucket
// configuration needs no new storage method.
//
// Implementations MUST keep a bucket's documents as durably as the bucket
// itself (a disk backend's survive a restart and are durable when
// PutBucketConfig returns), drop them with the bucket (a re-created
// bucket has none), never share the caller's slice, keep documents of
// different names and buckets apart, and return ErrNoSuchBucket when the
// bucket does not exist.
type BucketConfigs interface {
	// PutBucketConfig replaces the document called name; nil or empty
	// removes it.
	PutBucketConfig(ctx context.Context, bucket, name string, doc []byte) error
	// GetBucketConfig returns the document called name, nil when the
	// bucket has none.
	GetBucketConfig(ctx context.Context, bucket, name string) ([]byte, error)
}
