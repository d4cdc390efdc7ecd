package keys

import (
	"context"
	"fmt"
	"time"
)

// Limits of a declared key (Store.Ensure). Access key IDs follow AWS IAM's
// documented constraint (API_AccessKey: length 16 to 128, pattern [\w]+,
// that is letters, digits and underscore), so any key ID AWS could issue is
// accepted and so are readable CI names such as "CI_TEST_ACCESS_KEY".
// AWS documents no rule for secrets (the ones it issues are 40 characters of
// letters, digits, '+' and '/'); ours refuse what a guesser tries first
// ("minioadmin", "password") by length, and anything that would not survive
// an environment variable, a shell or an INI file unquoted.
const (
	MinIDLength     = 16
	MaxIDLength     = 128
	MinSecretLength = 16
	MaxSecretLength = 128
)

// InvalidKeyError says why a declared access key ID or secret is refused.
// It never holds the secret itself.
type InvalidKeyError struct {
	Field  string // "access key id" or "secret access key"
	Reason string
}

// Error implements error.
func (e *InvalidKeyError) Error() string { return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason) }

// CheckAccessKeyID returns an *InvalidKeyError unless id has the length
// and characters of an AWS access key ID.
func CheckAccessKeyID(id string) error {
	bad := func(reason string) error { return &InvalidKeyError{Field: "access key id", Reason: reason} }
	if len(id) < MinIDLength || len(id) > MaxIDLength {
		return bad(fmt.Sprintf("%d characters; AWS access key IDs have %d to %d", len(id), MinIDLength, MaxIDLength))
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !isWordChar(c) {
			return bad(fmt.Sprintf("character %q at position %d; only letters A-Z and a-z, digits and '_' are allowed (AWS's pattern [\\w]+)", c, i+1))
		}
	}
	return nil
}

// CheckSecret returns an *InvalidKeyError unless secret is long enough and
// made of printable ASCII without spaces. The message never quotes it.
func CheckSecret(id, secret string) error {
	bad := func(reason string) error { return &InvalidKeyError{Field: "secret access key", Reason: reason} }
	if len(secret) < MinSecretLength {
		return bad(fmt.Sprintf("%d characters is too short to be safe; use at least %d (AWS's own are 40; e.g. openssl rand -hex 20)", len(secret), MinSecretLength))
	}
	if len(secret) > MaxSecretLength {
		return bad(fmt.Sprintf("%d characters; at most %d are allowed", len(secret), MaxSecretLength))
	}
	for i := 0; i < len(secret); i++ {
		if c := secret[i]; c <= ' ' || c > '~' {
			return bad(fmt.Sprintf("the character at position %d is a space, a control character or not ASCII; use printable ASCII only", i+1))
		}
	}
	if secret == id {
		return bad("it equals the access key id")
	}
	return nil
}

func isWordChar(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// EnsureResult says what Store.Ensure changed.
type EnsureResult int

// The outcomes of Ensure.
const (
	// EnsureUnchanged: the key existed with this secret and full access.
	EnsureUnchanged EnsureResult = iota
	// EnsureCreated: no key had the ID; it was added.
	EnsureCreated
	// EnsureUpdated: the key existed with another secret or narrower
	// permissions; it now has the declared secret and full access.
	EnsureUpdated
)

// String names the outcome for logs and the banner.
func (r EnsureResult) String() string {
	switch r {
	case EnsureCreated:
		return "created"
	case EnsureUpdated:
		return "updated"
	default:
		return "unchanged"
	}
}

// Ensure makes the store hold the key accessKeyID with secret and full
// access (not read-only, every bucket), for an operator who declares the
// key on the command line or in the environment. It is idempotent: with the
// same values it writes nothing. An existing key with the same ID but
// another secret, or restricted permissions, is updated: the declaration is
// the operator's intended state, and an old secret must stop working. Its
// name and creation time are kept. Both values are checked first
// (CheckAccessKeyID, CheckSecret).
func (s *Store) Ensure(ctx context.Context, accessKeyID, secret, name string) (EnsureResult, error) {
	if err := CheckAccessKeyID(accessKeyID); err != nil {
		return 0, err
	}
	if err := CheckSecret(accessKeyID, secret); err != nil {
		return 0, err
	}
	// Most starts change nothing: answer from a fresh read without taking
	// the writers' lock or rewriting the file.
	if k, err := s.lookupFresh(ctx, accessKeyID); err == nil && fullAccess(k, secret) {
		return EnsureUnchanged, nil
	}
	result := EnsureUnchanged
	var changes []string
	err := s.update(ctx, func(keys map[string]Key) error {
		k, ok := keys[accessKeyID]
		switch {
		case !ok:
			result = EnsureCreated
			keys[accessKeyID] = Key{AccessKeyID: accessKeyID, Secret: secret, Name: name, Created: s.opts.Now().UTC().Truncate(time.Second)}
		case fullAccess(k, secret):
			result = EnsureUnchanged
		default:
			result = EnsureUpdated
			if k.Secret != secret {
				changes = append(changes, "secret")
			}
			if k.ReadOnly || len(k.Buckets) > 0 || len(k.Policy) > 0 {
				changes = append(changes, "permissions")
			}
			k.Secret, k.ReadOnly, k.Buckets, k.Policy, k.compiled, k.policies = secret, false, nil, nil, nil, nil
			keys[accessKeyID] = k
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("ensure key %s: %w", accessKeyID, err)
	}
	switch result {
	case EnsureCreated:
		s.opts.Logger.Info("declared access key created", "access_key_id", accessKeyID, "name", name)
	case EnsureUpdated:
		s.opts.Logger.Warn("declared access key updated to the declared secret and full access", "access_key_id", accessKeyID, "changed", changes)
	}
	return result, nil
}

// lookupFresh is Lookup after re-reading the file.
func (s *Store) lookupFresh(ctx context.Context, accessKeyID string) (Key, error) {
	if err := ctx.Err(); err != nil {
		return Key{}, err
	}
	s.mu.Lock()
	if err := s.reloadLocked(); err != nil {
		s.mu.Unlock()
		return Key{}, err
	}
	s.mu.Unlock()
	return s.Lookup(ctx, accessKeyID)
}

func fullAccess(k Key, secret string) bool {
	return k.Secret == secret && !k.ReadOnly && len(k.Buckets) == 0 && len(k.Policy) == 0
}
