package credentials

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/s3kit/s3kit/internal/secret"
)

// Source tags: botocore's Credentials.method strings, used verbatim.
const (
	SourceExplicit          = "explicit"
	SourceEnv               = "env"
	SourceAssumeRole        = "assume-role"
	SourceWebIdentity       = "assume-role-with-web-identity"
	SourceSSO               = "sso"
	SourceSharedCredentials = "shared-credentials-file"
	SourceLogin             = "login"
	SourceProcess           = "custom-process"
	SourceConfigFile        = "config-file"
	SourceEC2CredentialFile = "ec2-credentials-file"
	SourceBotoConfig        = "boto-config"
	SourceContainer         = "container-role"
	SourceIMDS              = "iam-role"
)

// Credentials are resolved AWS keys plus where they came from.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string // "" when there is none
	AccountID       string // "" when unknown
	// Source is botocore's method string for the provider that produced
	// the keys (one of the Source* constants).
	Source string
	// CanExpire reports whether Expires is meaningful. Static sources
	// (explicit keys, shared files, legacy files) never expire.
	CanExpire bool
	Expires   time.Time
}

// Expired reports whether the credentials can expire and have at now.
func (c Credentials) Expired(now time.Time) bool {
	return c.CanExpire && !now.Before(c.Expires)
}

// String describes the credentials with the secret parts masked, so a
// Credentials value printed by accident never leaks a secret.
func (c Credentials) String() string {
	s := fmt.Sprintf("%s (access key %s", c.Source, Mask(c.AccessKeyID))
	if c.SessionToken != "" {
		s += ", with session token"
	}
	if c.CanExpire {
		s += ", expires " + c.Expires.UTC().Format(time.RFC3339)
	}
	return s + ")"
}

// Mask replaces every character of s but the last four with '*', the form
// `s3kit creds` prints keys in; a value of four characters or fewer is
// masked entirely.
func Mask(s string) string { return secret.Mask(s) }

// Provider produces credentials. A provider that is not configured returns
// an error wrapping ErrNotConfigured (the chain then moves on); any other
// error means it is configured but failed, which stops the chain, as in
// botocore.
type Provider interface {
	Retrieve(ctx context.Context) (Credentials, error)
}

// ProviderFunc adapts a function to Provider.
type ProviderFunc func(ctx context.Context) (Credentials, error)

// Retrieve calls f.
func (f ProviderFunc) Retrieve(ctx context.Context) (Credentials, error) { return f(ctx) }

// Static is a Provider that always returns the same credentials. Its
// Source is "explicit" unless set.
type Static Credentials

// Retrieve returns the static credentials.
func (s Static) Retrieve(context.Context) (Credentials, error) {
	c := Credentials(s)
	if c.Source == "" {
		c.Source = SourceExplicit
	}
	return c, nil
}

// ErrNotConfigured is wrapped by errors of providers whose trigger is
// absent (for example AWS_ACCESS_KEY_ID unset). The chain skips them.
var ErrNotConfigured = errors.New("not configured")

// notConfigured returns an error wrapping ErrNotConfigured whose message is
// the plain-words reason explain shows.
func notConfigured(format string, args ...any) error {
	return &skipError{reason: fmt.Sprintf(format, args...)}
}

type skipError struct{ reason string }

// Error returns the plain-words reason.
func (e *skipError) Error() string { return e.reason }

// Is makes errors.Is(err, ErrNotConfigured) true.
func (e *skipError) Is(target error) bool { return target == ErrNotConfigured }
