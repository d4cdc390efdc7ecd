package cli

import (
	"errors"
	"fmt"

	"github.com/s3kit/s3kit/server/keys"
)

// The environment variables that declare serve's access key, as
// --access-key-id and --secret-access-key do.
const (
	envAccessKeyID     = "S3KIT_ACCESS_KEY_ID"
	envSecretAccessKey = "S3KIT_SECRET_ACCESS_KEY"
)

// declaredKey is the access key the operator gave serve, to exist with
// full access from the start (keys.Store.Ensure).
type declaredKey struct {
	ID, Secret string
	// IDFrom and SecretFrom name where each came from: the flag or the
	// environment variable.
	IDFrom, SecretFrom string
	// SecretOnCommandLine: other users of the machine can read it in ps.
	SecretOnCommandLine bool
	Result              keys.EnsureResult // set once ensured
}

// resolveDeclaredKey reads the key from the flags, else the environment
// (each value on its own, so the ID can be a flag and the secret a
// variable). nil when neither is given. Half a pair, a variable set but
// empty, or a value keys.CheckAccessKeyID or keys.CheckSecret refuses is
// an error: starting with a random key instead would leave the clients
// that were given the declared one facing 403s with no clue why.
func resolveDeclaredKey(env Env, o serveOptions) (*declaredKey, error) {
	d := &declaredKey{ID: o.AccessKeyID, Secret: o.SecretAccessKey, IDFrom: "--access-key-id", SecretFrom: "--secret-access-key",
		SecretOnCommandLine: o.SecretAccessKey != ""}
	fromEnv := func(value *string, from *string, name string) error {
		if *value != "" {
			return nil
		}
		v, ok := env.LookupEnv(name)
		if ok && v == "" {
			return fmt.Errorf("%s is set but empty; give it a value or unset it", name)
		}
		*value, *from = v, name
		return nil
	}
	if err := fromEnv(&d.ID, &d.IDFrom, envAccessKeyID); err != nil {
		return nil, err
	}
	if err := fromEnv(&d.Secret, &d.SecretFrom, envSecretAccessKey); err != nil {
		return nil, err
	}
	switch {
	case d.ID == "" && d.Secret == "":
		return nil, nil
	case d.Secret == "":
		return nil, fmt.Errorf("%s is given without a secret: also set --secret-access-key or %s", d.IDFrom, envSecretAccessKey)
	case d.ID == "":
		return nil, fmt.Errorf("%s is given without an access key id: also set --access-key-id or %s", d.SecretFrom, envAccessKeyID)
	}
	if err := keys.CheckAccessKeyID(d.ID); err != nil {
		return nil, fmt.Errorf("%s: %w", d.IDFrom, err)
	}
	if err := keys.CheckSecret(d.ID, d.Secret); err != nil {
		return nil, fmt.Errorf("%s: %w", d.SecretFrom, err)
	}
	return d, nil
}

// errHalfTLS is the usage error for --tls-cert without --tls-key or the
// reverse.
var errHalfTLS = errors.New("serve: --tls-cert and --tls-key go together")
