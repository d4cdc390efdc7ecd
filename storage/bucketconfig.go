package storage

import "context"

// BucketConfigStore is implemented by backends that keep named
// configuration documents per bucket (its CORS rules, for example). The
// server owns the documents' format; the backend stores bytes.
//
// Implementations MUST keep a bucket's documents as durably as the bucket
// itself (a disk backend's survive a restart), drop them with the bucket
// (a re-created bucket has none), keep each name separate, never keep or
// share the caller's slice, and return ErrNoSuchBucket when the bucket
// does not exist.
type BucketConfigStore interface {
	// PutBucketConfig replaces the document called name; nil or empty
	// removes it.
	PutBucketConfig(ctx context.Context, bucket, name string, doc []byte) error
	// GetBucketConfig returns the document called name, nil when the
	// bucket has none.
	GetBucketConfig(ctx context.Context, bucket, name string) ([]byte, error)
}
