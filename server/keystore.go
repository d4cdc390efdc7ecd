package server

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/s3kit/s3kit/internal/secret"
	"github.com/s3kit/s3kit/policy"
)

// ErrUnknownKey is wrapped by KeyStore.Lookup errors for access key IDs the
// store does not hold; the server answers InvalidAccessKeyId.
var ErrUnknownKey = errors.New("unknown access key")

// Key is an access key and what it may do.
type Key struct {
	AccessKeyID string
	Secret      string
	// ReadOnly keys may only GET, HEAD and list.
	ReadOnly bool
	// Buckets restricts the key to these buckets; empty means all.
	Buckets []string
	// Account is the 12-digit ID of the account the key's user belongs
	// to ("" means Config.DefaultAccount). Buckets belong to the account
	// that created them; other accounts reach them only through a bucket
	// policy.
	Account string
	// User is the key's IAM user name ("" means the access key ID); ARN
	// (arn:aws:iam::ACCOUNT:user/NAME) and UserID are derived from it and
	// the key when empty. CanonicalID is the account's canonical user ID.
	User, ARN, UserID, CanonicalID string
	// Policies are the key's identity policies. None means full access
	// to S3, within ReadOnly and Buckets.
	Policies []*policy.Policy
}

// String masks the secret so a Key can be logged.
func (k Key) String() string {
	return fmt.Sprintf("{%s secret:%s read-only:%v buckets:%v}", k.AccessKeyID, secret.Mask(k.Secret), k.ReadOnly, k.Buckets)
}

// CanUseBucket reports whether k may touch bucket.
func (k Key) CanUseBucket(bucket string) bool {
	return len(k.Buckets) == 0 || slices.Contains(k.Buckets, bucket)
}

// KeyStore finds access keys. Lookup returns an error wrapping ErrUnknownKey
// for keys it does not hold; other errors make the request fail with
// InternalError. Implementations must be safe for concurrent use.
type KeyStore interface {
	Lookup(ctx context.Context, accessKeyID string) (Key, error)
}

// StaticKeys is a fixed, in-memory KeyStore (for tests and s3test).
type StaticKeys map[string]Key

// NewStaticKeys returns a StaticKeys holding keys.
func NewStaticKeys(keys ...Key) StaticKeys {
	m := make(StaticKeys, len(keys))
	for _, k := range keys {
		m[k.AccessKeyID] = k
	}
	return m
}

// Lookup implements KeyStore.
func (s StaticKeys) Lookup(ctx context.Context, accessKeyID string) (Key, error) {
	if k, ok := s[accessKeyID]; ok {
		return k, nil
	}
	return Key{}, fmt.Errorf("%w: %q", ErrUnknownKey, accessKeyID)
}
